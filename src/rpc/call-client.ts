/**
 * The CrateDB client for one RPC call: the cached client of the call's configuration, tagged so
 * every statement carries `/* fivetran:<Rpc> req=<id> *\/` — the same id the call's log line
 * shows, so CrateDB's `sys.jobs_log` can be joined to our logs.
 */

import { randomBytes } from "node:crypto";
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { CrateClient } from "../cratedb/client/crate-client.ts";
import { clientFor } from "../cratedb/client/registry.ts";
import type { DestinationConfig } from "./config.ts";

/** Set by the call-log interceptor for every destination RPC. */
export const requestIdKey = createContextKey<string>("-");

export function newRequestId(): string {
  return randomBytes(6).toString("hex");
}

export function callClient(config: DestinationConfig, ctx: HandlerContext): CrateClient {
  return clientFor(config.client).withTag(ctx.method.name, ctx.values.get(requestIdKey));
}
