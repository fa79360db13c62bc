import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type {
  CreateTableRequest,
  CreateTableResponseSchema,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { notImplemented } from "../responses.ts";

/** CreateTable: not built yet; answers UNIMPLEMENTED rather than pretending success. */
export async function createTable(
  _req: CreateTableRequest,
  _ctx: HandlerContext,
): Promise<MessageInitShape<typeof CreateTableResponseSchema>> {
  throw notImplemented("CreateTable");
}
