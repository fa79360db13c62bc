import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type {
  TruncateRequest,
  TruncateResponseSchema,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { notImplemented } from "../responses.ts";

/** Truncate: not built yet; answers UNIMPLEMENTED rather than pretending success. */
export async function truncate(
  _req: TruncateRequest,
  _ctx: HandlerContext,
): Promise<MessageInitShape<typeof TruncateResponseSchema>> {
  throw notImplemented("Truncate");
}
