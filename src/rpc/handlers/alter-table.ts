import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type {
  AlterTableRequest,
  AlterTableResponseSchema,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { alterTable as alter } from "../../ops/alter/alter.ts";
import { callClient } from "../call-client.ts";
import { parseConfiguration } from "../config.ts";
import { taskOr } from "../responses.ts";
import { requestedTable } from "../table-def-from-proto.ts";

/** AlterTable: brings the table in line with the complete requested definition. */
export async function alterTable(
  req: AlterTableRequest,
  ctx: HandlerContext,
): Promise<MessageInitShape<typeof AlterTableResponseSchema>> {
  return {
    response: await taskOr(async () => {
      const config = parseConfiguration(req.configuration);
      const { ref, def } = requestedTable(req);
      await alter(callClient(config, ctx), ref, def, req.dropColumns, { signal: ctx.signal });
      return { case: "success" as const, value: true };
    }),
  };
}
