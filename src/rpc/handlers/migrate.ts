import type { MigrateRequest } from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { migrate as runMigration } from "../../ops/migrate/migrate.ts";
import { SUCCESS, tableCall } from "../call.ts";
import { migrationFromProto } from "../migration-from-proto.ts";
import { requestRef } from "../table-def-from-proto.ts";

/** Migrate: one schema migration; `unsupported` for live-mode and unknown operations. */
export const migrate = tableCall(async (req: MigrateRequest, call) => {
  const details = req.details;
  const migration = details
    ? migrationFromProto(details)
    : ({ op: "unsupported", what: "no details" } as const);
  const ref = requestRef(details?.schema ?? "", details?.table ?? "");
  const outcome = await runMigration(call, ref, migration);
  return outcome === "unsupported" ? { case: "unsupported" as const, value: true } : SUCCESS;
});
