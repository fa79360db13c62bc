/** SELECT and SHOW CREATE TABLE (cratedb.md §4.6 visibility, §5). */
import type { Ctx, StatementResult } from "./context.ts";
import { isPkLookup } from "./dml-common.ts";
import { syntaxError } from "./errors.ts";
import type { JsonValue } from "./json.ts";
import { materialise, showCreateTable } from "./metadata.ts";
import { cellJson } from "./output.ts";
import type { PgResult } from "./pg.ts";
import { colTypeForOid } from "./pg-oids.ts";
import { ParamSink, quoteIdent, readName, resolveRelation, type TableRef, translate } from "./rewrite.ts";
import { findTopLevel, isName, isPunct, isWord, raw, render, splitTopLevel, type Tok } from "./tokens.ts";

const CLAUSE_END = [
  "group",
  "order",
  "limit",
  "offset",
  "having",
  "for",
  "union",
  "except",
  "intersect",
  "window",
];

export async function select(
  ctx: Ctx,
  all: readonly Tok[],
  args: readonly JsonValue[],
): Promise<StatementResult> {
  const toks = isPunct(all[all.length - 1], ";") ? all.slice(0, -1) : all;
  const live = liveLookupTable(ctx, toks);
  const sink = new ParamSink();
  const refs: TableRef[] = [];
  const out = translate(ctx, toks, args, sink, { search: (t) => t !== live }, refs);
  await materialise(ctx, refs);
  const sql = render(expandSelectStars(out, refs));
  const result = rowsResult(await ctx.pg.query(sql, sink.params, sink.types));
  if (result.kind !== "rows") return result;
  // Columns with internal PG names (CrateDB names over 63 bytes) are reported by their CrateDB name.
  const internal = new Map(
    refs.flatMap(
      (r) => r.table?.columns.filter((c) => c.pg !== c.name).map((c) => [c.pg, c.name] as const) ?? [],
    ),
  );
  const cols = outputNames(ctx, toks, result.cols).map((c) => internal.get(c) ?? c);
  return { ...result, cols };
}

/**
 * PG calls unnamed expressions `?column?`; CrateDB names them after their SQL text (§1.5).
 * Only applied when the select list maps one-to-one onto the result columns.
 */
function outputNames(ctx: Ctx, toks: readonly Tok[], cols: readonly string[]): string[] {
  if (!cols.includes("?column?") || !isWord(toks[0], "select")) return [...cols];
  let start = 1;
  if (isWord(toks[1], "distinct", "all")) start = 2;
  const from = findTopLevel(toks, start, "from", ...CLAUSE_END, "where");
  const items = splitTopLevel(toks.slice(start, from < 0 ? toks.length : from));
  if (items.length !== cols.length || items.some((i) => i.some((t) => t.kind === "op" && t.value === "*"))) {
    return [...cols];
  }
  return cols.map((c, i) => {
    if (c !== "?column?") return c;
    const item = items[i]!;
    const first = item[0]!;
    const last = item[item.length - 1]!;
    return ctx.stmt.slice(first.pos, last.pos + last.text.length);
  });
}

export function rowsResult(r: PgResult): StatementResult {
  return {
    kind: "rows",
    cols: r.fields.map((f) => f.name),
    colTypes: r.fields.map((f) => colTypeForOid(f.dataTypeID)),
    rows: r.rows.map((row) => row.map((v, i) => cellJson(v, r.fields[i]!.dataTypeID))),
  };
}

/** The table a single-table SELECT reads by `=` on its full primary key (real-time Get), if any. */
function liveLookupTable(ctx: Ctx, toks: readonly Tok[]) {
  if (toks.filter((t) => isWord(t, "select")).length !== 1) return undefined;
  // Aggregations run on top of the Get too: `SELECT count(*) … WHERE pk = ?` sees an unrefreshed
  // row on CrateDB 6.4.3 (cratedb.md §0).
  const from = findTopLevel(toks, 0, "from");
  if (from < 0 || !isName(toks[from + 1])) return undefined;
  const { parts, next } = readName(toks, from + 1);
  const { schema, name } = resolveRelation(ctx, parts);
  const table = ctx.catalog.find(schema, name);
  if (!table) return undefined;
  let i = next;
  let alias = table.name;
  if (isWord(toks[i], "as")) i++;
  if (isName(toks[i]) && !isWord(toks[i], "where", ...CLAUSE_END)) {
    alias = toks[i]!.value;
    i++;
  }
  if (!isWord(toks[i], "where")) return undefined;
  const end = findTopLevel(toks, i + 1, ...CLAUSE_END);
  const where = toks.slice(i + 1, end < 0 ? toks.length : end);
  return isPkLookup(table, where, alias, true) ? table : undefined;
}

/** `*` and `alias.*` in the outermost select list → visible columns (the hidden row id stays hidden). */
export function expandSelectStars(toks: readonly Tok[], refs: readonly TableRef[]): Tok[] {
  const minDepth = Math.min(...refs.map((r) => r.depth));
  const top = refs.filter((r) => r.depth === minDepth);
  const cols = (r: TableRef) =>
    r.table
      ? r.table.columns.map((c) => `${quoteIdent(r.alias)}.${quoteIdent(c.pg)}`).join(", ")
      : `${quoteIdent(r.alias)}.*`;
  const out: Tok[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind === "op" && t.value === "*" && top.length > 0) {
      const prev = toks[i - 1];
      const next = toks[i + 1];
      const atListItem = isWord(prev, "select", "distinct") || isPunct(prev, ",");
      const endsItem = next === undefined || isPunct(next, ",") || isWord(next, "from");
      if (atListItem && endsItem) {
        out.push(raw(top.map(cols).join(", ")));
        continue;
      }
      if (isPunct(prev, ".") && isName(toks[i - 2]) && endsItem) {
        const r = top.find((x) => x.alias === toks[i - 2]!.value);
        if (r?.table) {
          out.splice(out.length - 2, 2);
          out.push(raw(cols(r)));
          continue;
        }
      }
    }
    out.push(t);
  }
  return out;
}

export function showCreate(ctx: Ctx, toks: readonly Tok[]): StatementResult {
  if (!isWord(toks[1], "create") || !isWord(toks[2], "table"))
    throw syntaxError("line 1:6: mismatched input, expecting 'CREATE'");
  const { parts } = readName(toks, 3);
  const { schema, name } = resolveRelation(ctx, parts);
  ctx.privileges.require(ctx.session.user, "DQL", schema, name);
  const t = ctx.catalog.get(schema, name);
  return {
    kind: "rows",
    cols: [`SHOW CREATE TABLE ${schema}.${name}`],
    colTypes: [4],
    rows: [[JSON.stringify(showCreateTable(t))]],
  };
}
