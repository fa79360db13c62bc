import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type { TestRequest, TestResponseSchema } from "../../../gen/fivetran_sdk/v2/common_pb.ts";
import { notImplemented } from "../responses.ts";

/** Test: not built yet; answers UNIMPLEMENTED rather than pretending success. */
export async function test(
  _req: TestRequest,
  _ctx: HandlerContext,
): Promise<MessageInitShape<typeof TestResponseSchema>> {
  throw notImplemented("Test");
}
