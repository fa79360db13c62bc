import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type {
  WriteBatchRequest,
  WriteBatchResponseSchema,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { notImplemented } from "../responses.ts";

/** WriteBatch: not built yet; answers UNIMPLEMENTED rather than pretending success. */
export async function writeBatch(
  _req: WriteBatchRequest,
  _ctx: HandlerContext,
): Promise<MessageInitShape<typeof WriteBatchResponseSchema>> {
  throw notImplemented("WriteBatch");
}
