import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type {
  DescribeTableRequest,
  DescribeTableResponseSchema,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { describeTable as describe } from "../../ops/table/describe.ts";
import { callClient } from "../call-client.ts";
import { parseConfiguration } from "../config.ts";
import { taskOr } from "../responses.ts";
import { requestRef, tableDefToProto } from "../table-def-from-proto.ts";

/** DescribeTable: the table as Fivetran defined it, or `not_found` (never a warning or task for that). */
export async function describeTable(
  req: DescribeTableRequest,
  ctx: HandlerContext,
): Promise<MessageInitShape<typeof DescribeTableResponseSchema>> {
  return {
    response: await taskOr(async () => {
      const config = parseConfiguration(req.configuration);
      const ref = requestRef(req.schemaName, req.tableName);
      const def = await describe(callClient(config, ctx), ref, { signal: ctx.signal });
      return def === undefined
        ? { case: "notFound" as const, value: true }
        : { case: "table" as const, value: tableDefToProto(def) };
    }),
  };
}
