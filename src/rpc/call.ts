/**
 * One destination RPC call as the operations see it (src/ops/context.ts), built once per call:
 * the configuration parsed, the cached CrateDB client of that configuration tagged so every
 * statement carries `/* fivetran:<Rpc> req=<id> … *\/` — the id the call's log line shows, so
 * CrateDB's `sys.jobs_log` can be joined to our logs — the call's cancellation, and a log whose
 * lines carry the same `req=<id>`. Handlers then only translate between protobuf and the ops.
 */

import { randomBytes } from "node:crypto";
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { CrateClient } from "../cratedb/client/crate-client.ts";
import { clientFor } from "../cratedb/client/registry.ts";
import { type CallContext, callLog } from "../ops/context.ts";
import { type DestinationConfig, parseConfiguration } from "./config.ts";
import { type TaskResponse, taskOr } from "./responses.ts";

/** Set by the call-log interceptor for every destination RPC. */
export const requestIdKey = createContextKey<string>("-");

export function newRequestId(): string {
  return randomBytes(6).toString("hex");
}

export interface Call extends CallContext {
  readonly client: CrateClient;
  readonly config: DestinationConfig;
}

/** The call's context; a configuration that doesn't parse throws its user error. */
export function openCall(configuration: { readonly [key: string]: string }, ctx: HandlerContext): Call {
  const config = parseConfiguration(configuration);
  const requestId = ctx.values.get(requestIdKey);
  return {
    config,
    client: clientFor(config.client).withTag(ctx.method.name, requestId),
    signal: ctx.signal,
    log: callLog(requestId),
  };
}

/**
 * The shape of every RPC that works on a table: open the call, run `work`, answer its response
 * case — or a Task for what the user must fix (src/rpc/responses.ts).
 */
export function tableCall<
  Req extends { readonly configuration: { readonly [key: string]: string } },
  Res extends { case: string; value: unknown },
>(
  work: (req: Req, call: Call) => Promise<Res>,
): (req: Req, ctx: HandlerContext) => Promise<{ response: Res | TaskResponse }> {
  return async (req, ctx) => ({ response: await taskOr(() => work(req, openCall(req.configuration, ctx))) });
}

/** The `success` case of a response. */
export const SUCCESS = { case: "success" as const, value: true };
