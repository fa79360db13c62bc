import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type { TestRequest, TestResponseSchema } from "../../../gen/fivetran_sdk/v2/common_pb.ts";
import { runConnectionTest } from "../../ops/connection-tests.ts";
import { openCall } from "../call.ts";
import { cutMessage } from "../responses.ts";

/** Test: one connection test of the setup form; expected problems come back as `failure`. */
export async function test(
  req: TestRequest,
  ctx: HandlerContext,
): Promise<MessageInitShape<typeof TestResponseSchema>> {
  const failure = await runConnectionTest(req.name, () => openCall(req.configuration, ctx), ctx.signal);
  return {
    response:
      failure === undefined
        ? { case: "success", value: true }
        : { case: "failure", value: cutMessage(failure) },
  };
}
