/**
 * One log line per destination RPC: which RPC, which schema/table, the outcome and how long it
 * took. Fields come from the request by name; the configuration map (it holds the password), keys
 * and file paths are never read.
 *
 *   rpc=CreateTable req=4f1c2a9b0e3d schema="tester" table="users" outcome=success duration_ms=12
 */
import { Code, type Interceptor } from "@connectrpc/connect";
import { type LogLevel, log } from "../log.ts";
import { observeRpc } from "../metrics.ts";
import { newRequestId, requestIdKey } from "./call.ts";
import { toConnectError } from "./responses.ts";
import { queuedMsKey } from "./worker-limit.ts";

/** The parts of a request message the log line may name. */
interface Named {
  schemaName?: unknown;
  tableName?: unknown;
  table?: { name?: unknown };
  details?: { schema?: unknown; table?: unknown };
  name?: unknown;
  earliestStartFiles?: unknown;
  replaceFiles?: unknown;
  updateFiles?: unknown;
  deleteFiles?: unknown;
}

/** Batch file lists, counted (never named: paths are customer data locations). */
const FILE_LISTS = [
  ["earliestStartFiles", "earliest_start"],
  ["replaceFiles", "replace"],
  ["updateFiles", "update"],
  ["deleteFiles", "delete"],
] as const;

const quoted = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? JSON.stringify(value) : undefined;

/** `schema="s" table="t"` (plus the test name or file counts) for the requests that carry them. */
export function describeTarget(rpc: string, message: unknown): string {
  if (typeof message !== "object" || message === null) return "";
  const m = message as Named;
  const parts: string[] = [];
  const schema = quoted(m.schemaName) ?? quoted(m.details?.schema);
  const table = quoted(m.tableName) ?? quoted(m.table?.name) ?? quoted(m.details?.table);
  if (schema !== undefined) parts.push(`schema=${schema}`);
  if (table !== undefined) parts.push(`table=${table}`);
  if (rpc === "Test" && quoted(m.name) !== undefined) parts.push(`test=${quoted(m.name)}`);
  const counts = FILE_LISTS.filter(([field]) => Array.isArray(m[field])).map(
    ([field, label]) => `${label}:${(m[field] as unknown[]).length}`,
  );
  if (counts.length > 0) parts.push(`files=${counts.join(",")}`);
  return parts.join(" ");
}

/** The `response` oneof case of a destination response, or "ok" for responses without one. */
function outcomeOf(message: unknown): { outcome: string; level: LogLevel; detail?: string | undefined } {
  const response = (message as { response?: { case?: unknown; value?: unknown } } | undefined)?.response;
  const kind = response?.case;
  if (typeof kind !== "string") return { outcome: "ok", level: "INFO" };
  const value = response?.value;
  if (kind === "task" || kind === "warning") {
    const text = (value as { message?: unknown } | undefined)?.message;
    return { outcome: kind, level: "WARNING", detail: typeof text === "string" ? text : undefined };
  }
  if (kind === "failure") {
    return { outcome: kind, level: "WARNING", detail: typeof value === "string" ? value : undefined };
  }
  return { outcome: kind, level: "INFO" };
}

/** Schema and table a request names, for metrics labels (used only when switched on). */
function targetOf(message: unknown): { schema: string | undefined; table: string | undefined } {
  const m = (typeof message === "object" && message !== null ? message : {}) as Named;
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    schema: text(m.schemaName) ?? text(m.details?.schema),
    table: text(m.tableName) ?? text(m.table?.name) ?? text(m.details?.table),
  };
}

function line(parts: (string | undefined)[]): string {
  return parts.filter((p) => p !== undefined && p !== "").join(" ");
}

export function callLogInterceptor(): Interceptor {
  return (next) => async (req) => {
    const started = performance.now();
    const rpc = req.method.name;
    const requestId = newRequestId();
    req.contextValues.set(requestIdKey, requestId);
    const target = req.stream ? "" : describeTarget(rpc, req.message);
    const timing = () => {
      const queued = req.contextValues.get(queuedMsKey);
      return line([
        queued >= 1 ? `queued_ms=${Math.round(queued)}` : undefined,
        `duration_ms=${Math.round(performance.now() - started)}`,
      ]);
    };
    try {
      const res = await next(req);
      const { outcome, level, detail } = res.stream
        ? { outcome: "ok", level: "INFO" as const }
        : outcomeOf(res.message);
      observeRpc(rpc, outcome, (performance.now() - started) / 1000, targetOf(req.message));
      log(
        level,
        line([
          `rpc=${rpc}`,
          `req=${requestId}`,
          target,
          `outcome=${outcome}`,
          timing(),
          detail === undefined ? undefined : `message=${JSON.stringify(detail)}`,
        ]),
      );
      return res;
    } catch (err) {
      const status = toConnectError(err);
      observeRpc(
        rpc,
        `error_${Code[status.code]}`,
        (performance.now() - started) / 1000,
        targetOf(req.message),
      );
      log(
        status.code === Code.Internal || status.code === Code.Unknown ? "SEVERE" : "WARNING",
        line([
          `rpc=${rpc}`,
          `req=${requestId}`,
          target,
          `outcome=error code=${Code[status.code]}`,
          timing(),
          `message=${JSON.stringify(status.rawMessage)}`,
        ]),
      );
      throw status;
    }
  };
}
