import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type {
  CreateTableRequest,
  CreateTableResponseSchema,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { createTable as create } from "../../ops/table/create.ts";
import { callClient } from "../call-client.ts";
import { parseConfiguration } from "../config.ts";
import { taskOr } from "../responses.ts";
import { requestedTable } from "../table-def-from-proto.ts";

/** CreateTable: creates the table (and implicitly its schema) with the configured table settings. */
export async function createTable(
  req: CreateTableRequest,
  ctx: HandlerContext,
): Promise<MessageInitShape<typeof CreateTableResponseSchema>> {
  return {
    response: await taskOr(async () => {
      const config = parseConfiguration(req.configuration);
      const { ref, def } = requestedTable(req);
      await create(callClient(config, ctx), ref, def, config.tables, { signal: ctx.signal });
      return { case: "success" as const, value: true };
    }),
  };
}
