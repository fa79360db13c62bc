import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type {
  DescribeTableRequest,
  DescribeTableResponseSchema,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { notImplemented } from "../responses.ts";

/** DescribeTable: not built yet; answers UNIMPLEMENTED rather than pretending success. */
export async function describeTable(
  _req: DescribeTableRequest,
  _ctx: HandlerContext,
): Promise<MessageInitShape<typeof DescribeTableResponseSchema>> {
  throw notImplemented("DescribeTable");
}
