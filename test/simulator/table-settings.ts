/** `WITH (…)` table settings: parsing and the names CrateDB accepts (cratedb.md §3.2, §3.5). */
import type { SettingValue } from "./catalog.ts";
import { parseError, syntaxError } from "./errors.ts";
import { JsonNumber, type JsonValue } from "./json.ts";
import { closeParen, splitTopLevel, type Tok } from "./tokens.ts";

/** Parses `(k = v, …)`; keys may be dotted (`"blocks.write"` or `blocks.write`). */
export function parseSettings(toks: readonly Tok[], open: number, args: readonly JsonValue[]) {
  const close = closeParen(toks, open);
  const out = new Map<string, SettingValue>();
  for (const part of splitTopLevel(toks.slice(open + 1, close))) {
    if (part.length === 0) continue;
    const eq = part.findIndex((t) => t.kind === "op" && t.value === "=");
    const keyToks = eq < 0 ? part : part.slice(0, eq);
    const key = keyToks.map((t) => (t.kind === "punct" ? t.value : t.value)).join("");
    const v = eq < 0 ? undefined : part.slice(eq + 1);
    out.set(key, v === undefined ? "" : settingValue(v, args));
  }
  return { settings: out, next: close + 1 };
}

function settingValue(v: readonly Tok[], args: readonly JsonValue[]): SettingValue {
  const t = v[0];
  if (t === undefined) throw syntaxError("line 1:1: missing setting value");
  if (t.kind === "param") {
    const a = args[t.param!];
    if (a instanceof JsonNumber) return Number(a.text);
    if (typeof a === "string" || typeof a === "boolean") return a;
    return String(a);
  }
  if (t.kind === "number") return Number(t.value);
  if (t.kind === "op" && t.value === "-" && v[1]?.kind === "number") return -Number(v[1].value);
  if (t.kind === "string") return t.value;
  if (t.kind === "word" && (t.value === "true" || t.value === "false")) return t.value === "true";
  return t.value;
}

/** Table settings CrateDB knows (others are refused); `blocks.*` and friends by prefix. */
const TABLE_SETTINGS = new Set([
  "number_of_replicas",
  "number_of_shards",
  "refresh_interval",
  "column_policy",
  "codec",
  "max_ngram_diff",
  "max_shingle_diff",
  "number_of_routing_shards",
  "mapping.total_fields.limit",
  "mapping.depth.limit",
  "mapping.nested_fields.limit",
  "allocation.max_retries",
  "unassigned.node_left.delayed_timeout",
  "write.wait_for_active_shards",
  "soft_deletes.retention_lease.period",
  "merge.scheduler.max_thread_count",
  "warmer.enabled",
  "store.type",
]);
const TABLE_SETTING_PREFIXES = ["blocks.", "translog.", "routing.allocation."];

/** Settings as CrateDB stores them: block flags as booleans, replicas as text. */
export function normaliseSetting(key: string, value: SettingValue): SettingValue {
  if (key.startsWith("blocks.")) return value === true || value === "true";
  if (key === "number_of_replicas") return String(value);
  return value;
}

export function checkTableSetting(key: string, value: SettingValue): void {
  if (!TABLE_SETTINGS.has(key) && !TABLE_SETTING_PREFIXES.some((p) => key.startsWith(p))) {
    throw parseError(`Invalid property "${key}" passed to [ALTER | CREATE] TABLE statement`);
  }
  if (key === "number_of_replicas" && !/^\d+(-(\d+|all))?$/.test(String(value))) {
    throw parseError(`Failed to parse value [${value}] for setting [number_of_replicas]`);
  }
  if (key === "column_policy" && value !== "strict" && value !== "dynamic") {
    throw parseError(`Invalid value for argument 'column_policy'`);
  }
  if (key.startsWith("blocks.") && typeof value !== "boolean" && value !== "true" && value !== "false") {
    throw parseError(`Failed to parse value [${value}] as only [true] or [false] are allowed.`);
  }
}
