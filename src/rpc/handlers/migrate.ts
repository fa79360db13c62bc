import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type {
  MigrateRequest,
  MigrateResponseSchema,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { migrate as runMigration } from "../../ops/migrate/migrate.ts";
import { callClient } from "../call-client.ts";
import { parseConfiguration } from "../config.ts";
import { migrationFromProto } from "../migration-from-proto.ts";
import { taskOr } from "../responses.ts";
import { requestRef } from "../table-def-from-proto.ts";

/** Migrate: one schema migration; `unsupported` for live-mode and unknown operations. */
export async function migrate(
  req: MigrateRequest,
  ctx: HandlerContext,
): Promise<MessageInitShape<typeof MigrateResponseSchema>> {
  return {
    response: await taskOr(async () => {
      const config = parseConfiguration(req.configuration);
      const details = req.details;
      const migration = details
        ? migrationFromProto(details)
        : ({ op: "unsupported", what: "no details" } as const);
      const ref = requestRef(details?.schema ?? "", details?.table ?? "");
      const outcome = await runMigration(callClient(config, ctx), ref, migration, { signal: ctx.signal });
      return outcome === "unsupported"
        ? { case: "unsupported" as const, value: true }
        : { case: "success" as const, value: true };
    }),
  };
}
