import type { DescribeTableRequest } from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { describeTable as describe } from "../../ops/table/describe.ts";
import { tableCall } from "../call.ts";
import { requestRef, tableDefToProto } from "../table-def-from-proto.ts";

/** DescribeTable: the table as Fivetran defined it, or `not_found` (never a warning or task for that). */
export const describeTable = tableCall(async (req: DescribeTableRequest, call) => {
  const def = await describe(call, requestRef(req.schemaName, req.tableName));
  return def === undefined
    ? { case: "notFound" as const, value: true }
    : { case: "table" as const, value: tableDefToProto(def) };
});
