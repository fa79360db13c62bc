/**
 * Everything an operation needs from the RPC it runs for, built once per call by src/rpc
 * (`callContext` there): the CrateDB client tagged with the call's request id, the call's
 * cancellation, and a log whose lines carry the same `req=<id>` as the call's log line and the
 * statements' comments — so with eight calls at once, each line can be tied to its call.
 */
import type { Sql } from "../cratedb/sql/ident.ts";
import type { RequestOptions, SqlClient, SqlResult } from "../cratedb/sql-client.ts";
import { log as write } from "../log.ts";

export interface CallLog {
  info(message: string): void;
  warning(message: string): void;
}

export interface CallContext {
  readonly client: SqlClient;
  /** Aborts when the call is cancelled or the server shuts down. */
  readonly signal: AbortSignal | undefined;
  readonly log: CallLog;
  /**
   * Called after each completed named step (e.g. `rebuild:copy`). Tests throw from it to simulate
   * a failure right after that step, or act as a concurrent writer at that point.
   */
  readonly onStep?: ((step: string) => void | Promise<void>) | undefined;
}

/** A log whose lines start with `req=<id>` (none without an id). */
export function callLog(requestId: string | undefined): CallLog {
  const prefix = requestId === undefined ? "" : `req=${requestId} `;
  return {
    info: (message) => write("INFO", prefix + message),
    warning: (message) => write("WARNING", prefix + message),
  };
}

export function callContext(
  client: SqlClient,
  options: {
    readonly signal?: AbortSignal | undefined;
    readonly requestId?: string | undefined;
    readonly onStep?: CallContext["onStep"];
  } = {},
): CallContext {
  return { client, signal: options.signal, log: callLog(options.requestId), onStep: options.onStep };
}

/** The call's request options for the cratedb room's functions. */
export const requestOptions = (ctx: CallContext): RequestOptions =>
  ctx.signal === undefined ? {} : { signal: ctx.signal };

/** Runs a built statement (`{ stmt, args }` from src/cratedb/sql) — the one way ops send SQL. */
export const run = (ctx: CallContext, sql: Sql, options: { idempotent?: boolean } = {}): Promise<SqlResult> =>
  ctx.client.sql(sql.stmt, sql.args, { ...requestOptions(ctx), ...options });

/** The first column of the first row as a number: `SELECT count(*) …`. */
export async function count(ctx: CallContext, sql: Sql): Promise<number> {
  const result = await run(ctx, sql);
  return Number(result.rows[0]?.[0] ?? 0);
}

/** Runs one named step, then tells `onStep`. */
export async function step(ctx: CallContext, name: string, work: () => Promise<void>): Promise<void> {
  await work();
  await ctx.onStep?.(name);
}

/**
 * How long the clean-up after a failed step may take. It runs without the call's signal: a
 * cancelled call must not leave a blocked table or a missing column behind either.
 */
export const CLEANUP_TIMEOUT_MS = 30_000;

/** The call's context for clean-up after a failed step: bounded, and deaf to the call's cancellation. */
export const cleanupContext = (ctx: CallContext): CallContext => ({
  ...ctx,
  signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS),
});
