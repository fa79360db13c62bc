import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type {
  AlterTableRequest,
  AlterTableResponseSchema,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { notImplemented } from "../responses.ts";

/** AlterTable: not built yet; answers UNIMPLEMENTED rather than pretending success. */
export async function alterTable(
  _req: AlterTableRequest,
  _ctx: HandlerContext,
): Promise<MessageInitShape<typeof AlterTableResponseSchema>> {
  throw notImplemented("AlterTable");
}
