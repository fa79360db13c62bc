import type { AlterTableRequest } from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { alterTable as alter } from "../../ops/alter/alter.ts";
import { SUCCESS, tableCall } from "../call.ts";
import { requestedTable } from "../table-def-from-proto.ts";

/** AlterTable: brings the table in line with the complete requested definition. */
export const alterTable = tableCall(async (req: AlterTableRequest, call) => {
  const { ref, def } = requestedTable(req);
  await alter(call, ref, def, req.dropColumns);
  return SUCCESS;
});
