import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type {
  MigrateRequest,
  MigrateResponseSchema,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { notImplemented } from "../responses.ts";

/** Migrate: not built yet; answers UNIMPLEMENTED rather than pretending success. */
export async function migrate(
  _req: MigrateRequest,
  _ctx: HandlerContext,
): Promise<MessageInitShape<typeof MigrateResponseSchema>> {
  throw notImplemented("Migrate");
}
