import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type {
  WriteBatchResponseSchema,
  WriteHistoryBatchRequest,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { notImplemented } from "../responses.ts";

/** WriteHistoryBatch: not built yet; answers UNIMPLEMENTED rather than pretending success. */
export async function writeHistoryBatch(
  _req: WriteHistoryBatchRequest,
  _ctx: HandlerContext,
): Promise<MessageInitShape<typeof WriteBatchResponseSchema>> {
  throw notImplemented("WriteHistoryBatch");
}
