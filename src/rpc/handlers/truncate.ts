import type { TruncateRequest } from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { timestampToMs, truncate as truncateRows } from "../../ops/table/truncate.ts";
import { SUCCESS, tableCall } from "../call.ts";
import { requestRef } from "../table-def-from-proto.ts";

/** Truncate: hard or soft, rows synced before the cutoff; a missing table is a success. */
export const truncate = tableCall(async (req: TruncateRequest, call) => {
  const cutoff = req.utcDeleteBefore;
  await truncateRows(call, {
    ref: requestRef(req.schemaName, req.tableName),
    syncedColumn: req.syncedColumn,
    deleteBeforeMs: cutoff ? timestampToMs(cutoff.seconds, cutoff.nanos) : undefined,
    // Presence, not truthiness: an empty SoftTruncate still means soft.
    softDeletedColumn: req.soft?.deletedColumn,
  });
  return SUCCESS;
});
