import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type {
  TruncateRequest,
  TruncateResponseSchema,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { timestampToMs, truncate as truncateRows } from "../../ops/table/truncate.ts";
import { callClient } from "../call-client.ts";
import { parseConfiguration } from "../config.ts";
import { taskOr } from "../responses.ts";
import { requestRef } from "../table-def-from-proto.ts";

/** Truncate: hard or soft, rows synced before the cutoff; a missing table is a success. */
export async function truncate(
  req: TruncateRequest,
  ctx: HandlerContext,
): Promise<MessageInitShape<typeof TruncateResponseSchema>> {
  return {
    response: await taskOr(async () => {
      const config = parseConfiguration(req.configuration);
      const cutoff = req.utcDeleteBefore;
      await truncateRows(
        callClient(config, ctx),
        {
          ref: requestRef(req.schemaName, req.tableName),
          syncedColumn: req.syncedColumn,
          ...(cutoff ? { deleteBeforeMs: timestampToMs(cutoff.seconds, cutoff.nanos) } : {}),
          // Presence, not truthiness: an empty SoftTruncate still means soft.
          ...(req.soft ? { softDeletedColumn: req.soft.deletedColumn } : {}),
        },
        { signal: ctx.signal },
      );
      return { case: "success" as const, value: true };
    }),
  };
}
