/**
 * CrateDB → PostgreSQL token rewriting for the expression parts of statements (cratedb.md §8.2):
 * table references → internal live or snapshot tables, `?`/`$n` → typed PG parameters,
 * `col['k']` → `col->'k'`, CrateDB type names in casts, and functions PG answers differently.
 */

import { rewriteTimestampCasts } from "./casts.ts";
import { blocked, column, fqn, type SimTable } from "./catalog.ts";
import { coerce, escapeNul } from "./coerce.ts";
import type { Ctx } from "./context.ts";
import { operationNotAllowed, parseError, relationUnknown, syntaxError } from "./errors.ts";
import { JsonNumber, type JsonValue, stringifyJson } from "./json.ts";
import { paramContextType } from "./param-types.ts";
import type { PrivType } from "./privileges.ts";
import { closeParen, isName, isPunct, isWord, raw, type Tok } from "./tokens.ts";
import { type CrateType, parseType, pgType, TYPE_WORDS } from "./types.ts";

export const VIRTUAL_TABLES: Record<string, string> = {
  "information_schema.tables": "crate_is.tables",
  "information_schema.columns": "crate_is.columns",
  "information_schema.table_constraints": "crate_is.table_constraints",
  "information_schema.key_column_usage": "crate_is.key_column_usage",
  "information_schema.schemata": "crate_is.schemata",
  "sys.nodes": "crate_sys.nodes",
  "sys.cluster": "crate_sys.cluster",
  "sys.jobs": "crate_sys.jobs",
};

export interface TableRef {
  readonly table?: SimTable;
  readonly virtual?: string;
  readonly alias: string;
  /** Parenthesis depth of the FROM clause (0 = outermost query). */
  readonly depth: number;
}

export interface Translated {
  readonly sql: string;
  readonly params: (string | null)[];
  readonly paramTypes: number[];
  readonly refs: TableRef[];
}

export interface TranslateOptions {
  /** Whether a table reference reads the refreshed snapshot (search) or the live table. */
  readonly search: (t: SimTable) => boolean;
  /** Privilege needed on every referenced table (default DQL). */
  readonly privilege?: PrivType;
  /** Extra types for names that are not table columns (e.g. `excluded` columns). */
  readonly extraColumns?: readonly SimTable[];
}

const ALIAS_STOP = new Set([
  "where",
  "join",
  "left",
  "right",
  "inner",
  "outer",
  "cross",
  "full",
  "natural",
  "on",
  "group",
  "order",
  "limit",
  "offset",
  "set",
  "union",
  "having",
  "using",
  "returning",
  "values",
  "for",
  "window",
  "except",
  "intersect",
  "as",
]);

const FROM_FUNCTIONS = new Set(["extract", "substring", "trim", "overlay", "position"]);

/** Reads a possibly qualified name at `i`: returns the parts and the index after it. */
export function readName(toks: readonly Tok[], i: number): { parts: string[]; next: number } {
  const parts: string[] = [];
  let j = i;
  for (;;) {
    const t = toks[j];
    if (!isName(t)) {
      const bad = toks[j];
      throw syntaxError(
        `line 1:${(bad?.pos ?? 0) + 1}: no viable alternative at input '${bad?.text ?? "<EOF>"}'`,
      );
    }
    parts.push(t.value);
    j++;
    if (isPunct(toks[j], ".") && isName(toks[j + 1])) j++;
    else break;
  }
  return { parts, next: j };
}

export function resolveRelation(ctx: Ctx, parts: readonly string[]): { schema: string; name: string } {
  if (parts.length === 1) return { schema: ctx.session.schema, name: parts[0]! };
  if (parts.length === 2) return { schema: parts[0]!, name: parts[1]! };
  throw parseError(`Invalid relation name: ${parts.join(".")}`);
}

/** Default PG text for an argument with no typing context, plus a PG type hint (§1.4, 6.4 hints). */
export function untypedParam(v: JsonValue): { text: string | null; oid: number } {
  if (v === null) return { text: null, oid: 0 };
  if (typeof v === "boolean") return { text: v ? "true" : "false", oid: 16 };
  if (v instanceof JsonNumber) return { text: v.text, oid: v.integer ? 20 : 701 };
  if (typeof v === "string") return { text: escapeNul(v), oid: 0 };
  if (Array.isArray(v)) {
    const items = v.map((x) => {
      const t = untypedParam(x).text;
      return t === null ? "NULL" : `"${t.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
    });
    return { text: `{${items.join(",")}}`, oid: 0 };
  }
  return { text: stringifyJson(v), oid: 3802 };
}

export class ParamSink {
  readonly params: (string | null)[] = [];
  readonly types: number[] = [];
  add(text: string | null, oid = 0): Tok {
    this.params.push(text);
    this.types.push(oid);
    return raw(`$${this.params.length}`);
  }
  addArg(v: JsonValue, type: CrateType | undefined): Tok {
    if (type === undefined) {
      const u = untypedParam(v);
      return this.add(u.text, u.oid);
    }
    return this.add(coerce(v, type));
  }
}

/**
 * Rewrites `toks` (an expression-bearing statement part) for PG. Table references are resolved
 * and privilege-checked; parameters are appended to `sink`.
 */
export function translate(
  ctx: Ctx,
  source: readonly Tok[],
  args: readonly JsonValue[],
  sink: ParamSink,
  opts: TranslateOptions,
  refs: TableRef[] = [],
): Tok[] {
  const toks = rewriteTimestampCasts(source);
  const out: Tok[] = [];
  const parenWords: (string | undefined)[] = [];
  // Pass 1: table references, so placeholder typing can see every table in scope.
  const replaced = new Map<number, { end: number; toks: Tok[] }>();
  const cteNames = new Set<string>();
  for (let i = 0; i + 2 < toks.length; i++) {
    if (isName(toks[i]) && isWord(toks[i + 1], "as") && isPunct(toks[i + 2], "(")) {
      if (isWord(toks[i - 1], "with", "recursive") || isPunct(toks[i - 1], ",")) cteNames.add(toks[i]!.value);
    }
  }
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (isPunct(t, "(")) parenWords.push(toks[i - 1]?.kind === "word" ? toks[i - 1]!.value : undefined);
    if (isPunct(t, ")")) parenWords.pop();
    if (!isWord(t, "from", "join")) continue;
    if (t.value === "from" && FROM_FUNCTIONS.has(parenWords[parenWords.length - 1] ?? "")) continue;
    let j = i + 1;
    for (;;) {
      if (!isName(toks[j])) break;
      if (cteNames.has(toks[j]!.value) && !isPunct(toks[j + 1], ".")) break;
      const start = j;
      const { parts, next } = readName(toks, j);
      j = next;
      let alias: string | undefined;
      if (isWord(toks[j], "as") && isName(toks[j + 1])) {
        alias = toks[j + 1]!.value;
        j += 2;
      } else if (isName(toks[j]) && !(toks[j]!.kind === "word" && ALIAS_STOP.has(toks[j]!.value))) {
        alias = toks[j]!.value;
        j++;
      }
      const ref = { ...resolveRef(ctx, parts, alias, opts), depth: parenWords.length };
      refs.push(ref);
      const target = ref.table ? (opts.search(ref.table) ? ref.table.snap : ref.table.live) : ref.virtual!;
      replaced.set(start, { end: j, toks: [raw(`${target} AS ${quoteIdent(ref.alias)}`)] });
      if (isPunct(toks[j], ",") && t.value === "from") {
        j++;
        continue;
      }
      break;
    }
  }
  const scope = [...refs.flatMap((r) => (r.table ? [r.table] : [])), ...(opts.extraColumns ?? [])];
  // Pass 2: emit.
  const doubleEnds = new Set<number>();
  for (let i = 0; i < toks.length; i++) {
    const rep = replaced.get(i);
    if (rep) {
      out.push(...rep.toks);
      i = rep.end - 1;
      continue;
    }
    const t = toks[i]!;
    if (doubleEnds.has(i)) {
      out.push(t, raw(")::double precision"));
      continue;
    }
    if (isWord(t, "avg") && isPunct(toks[i + 1], "(")) {
      // CrateDB's avg() is DOUBLE PRECISION; PG's is NUMERIC for integer and numeric inputs.
      doubleEnds.add(closeParen(toks, i + 1));
      out.push(raw("("), t);
      continue;
    }
    if (t.kind === "param") {
      const v = args[t.param!];
      if (v === undefined) {
        throw parseError(
          `The query contains a parameter placeholder $${t.param! + 1}, but there are only ${args.length} parameter values`,
        );
      }
      out.push(sink.addArg(v, paramContextType(toks, i, scope)));
      continue;
    }
    if (isPunct(t, "[") && toks[i + 1]?.kind === "string" && isPunct(toks[i + 2], "]")) {
      out.push(raw(`-> ${toks[i + 1]!.text}`));
      i += 2;
      continue;
    }
    if (isPunct(t, "[") && !(isName(toks[i - 1]) || isPunct(toks[i - 1], ")") || isPunct(toks[i - 1], "]"))) {
      // CrateDB array literal `[1, 2]` → PG `ARRAY[1, 2]`.
      out.push(raw("ARRAY["));
      continue;
    }
    if (
      t.kind === "op" &&
      t.value === "::" &&
      toks[i + 1]?.kind === "word" &&
      TYPE_WORDS.has(toks[i + 1]!.value)
    ) {
      const { type, next } = parseType(toks, i + 1);
      out.push(t, raw(pgType(type)));
      i = next - 1;
      continue;
    }
    if (isWord(t, "as") && toks[i + 1]?.kind === "word" && TYPE_WORDS.has(toks[i + 1]!.value)) {
      const { type, next } = parseType(toks, i + 1);
      if (isPunct(toks[next], ")")) {
        out.push(t, raw(pgType(type)));
        i = next - 1;
        continue;
      }
    }
    if (isWord(t, "version") && isPunct(toks[i + 1], "(") && isPunct(toks[i + 2], ")")) {
      out.push(sink.add(`CrateDB ${ctx.version.number} (built simulator/0, Linux, PGlite)`, 25));
      i += 2;
      continue;
    }
    if (
      isWord(t, "current_user", "session_user", "user") &&
      !isPunct(toks[i + 1], "(") &&
      !isPunct(toks[i - 1], ".")
    ) {
      if (t.value !== "user" || isWord(toks[i - 1], "select") || isPunct(toks[i - 1], ",")) {
        out.push(sink.add(ctx.session.user, 25));
        continue;
      }
    }
    if (isWord(t, "current_timestamp") && !isPunct(toks[i + 1], "(")) {
      out.push(raw("date_trunc('milliseconds', current_timestamp)"));
      continue;
    }
    if (isWord(t, "now") && isPunct(toks[i + 1], "(") && isPunct(toks[i + 2], ")")) {
      out.push(raw("date_trunc('milliseconds', now())"));
      i += 2;
      continue;
    }
    if (t.kind === "ident" || t.kind === "word") {
      const pgName = longColumnName(scope, t.value);
      if (pgName !== undefined) {
        out.push(raw(quoteIdent(pgName)));
        continue;
      }
    }
    out.push(t);
  }
  return out;
}

function resolveRef(
  ctx: Ctx,
  parts: readonly string[],
  alias: string | undefined,
  opts: TranslateOptions,
): Omit<TableRef, "depth"> {
  const { schema, name } = resolveRelation(ctx, parts);
  const v = VIRTUAL_TABLES[`${schema}.${name}`];
  if (v !== undefined) return { virtual: v, alias: alias ?? name };
  if (schema === "information_schema" || schema === "sys" || schema === "pg_catalog") {
    throw relationUnknown(`${schema}.${name}`);
  }
  ctx.privileges.require(ctx.session.user, opts.privilege ?? "DQL", schema, name);
  const table = ctx.catalog.get(schema, name);
  if (blocked(table, "blocks.read")) throw operationNotAllowed(fqn(table), "READ");
  return { table, alias: alias ?? name };
}

function longColumnName(scope: readonly SimTable[], name: string): string | undefined {
  for (const t of scope) {
    const c = column(t, name);
    if (c && c.pg !== c.name) return c.pg;
  }
  return undefined;
}

export const quoteIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;
