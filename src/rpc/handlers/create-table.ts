import type { CreateTableRequest } from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { createTable as create } from "../../ops/table/create.ts";
import { SUCCESS, tableCall } from "../call.ts";
import { requestedTable } from "../table-def-from-proto.ts";

/** CreateTable: creates the table (and implicitly its schema) with the configured table settings. */
export const createTable = tableCall(async (req: CreateTableRequest, call) => {
  const { ref, def } = requestedTable(req);
  await create(call, ref, def, call.config.tables);
  return SUCCESS;
});
