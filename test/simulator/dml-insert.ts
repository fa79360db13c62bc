/**
 * INSERT … VALUES / INSERT … SELECT with CrateDB's partial-success semantics (cratedb.md §4.1–4.3):
 * a multi-row insert skips rows that fail at the shard (duplicate key, NULL key) and reports the
 * rows written; a single-row failure is an error. PG aborts a whole statement on the first
 * failing row, so a failed multi-row statement is replayed row by row.
 */
import { column, type SimColumn, type SimTable } from "./catalog.ts";
import { coerce } from "./coerce.ts";
import type { Ctx } from "./context.ts";
import type { DmlOutcome, Prepared } from "./dml.ts";
import {
  checkTextLimit,
  checkWritable,
  expandStar,
  isRowLevel,
  pkNullError,
  readAlias,
  readDeleteOnly,
  readDeleteOnlyRow,
  throwUnknownColumn,
} from "./dml-common.ts";
import { invalidColumnName, parseError, rowLevel, SimError, syntaxError } from "./errors.ts";
import { JsonNumber, type JsonValue } from "./json.ts";
import { SYSTEM_COLUMNS } from "./names.ts";
import { trackObject } from "./objects.ts";
import { parseOnConflict, qualifyTargetColumns } from "./on-conflict.ts";
import type { PgResult } from "./pg.ts";
import { ParamSink, quoteIdent, readName, resolveRelation, translate } from "./rewrite.ts";
import { expandSelectStars } from "./select.ts";
import { closeParen, findTopLevel, isPunct, isWord, render, splitTopLevel, type Tok } from "./tokens.ts";
import { pgType } from "./types.ts";

type Value = { kind: "param"; text: string | null } | { kind: "expr"; toks: Tok[] };

interface Row {
  values: Value[];
  /** A failure known before execution (oversized text, a blocked table): a row-level error. */
  failure?: SimError;
}

export function prepareInsert(ctx: Ctx, toks: readonly Tok[]): Prepared {
  if (!isWord(toks[1], "into"))
    throw syntaxError(`line 1:8: mismatched input '${toks[1]?.text ?? "<EOF>"}' expecting 'INTO'`);
  const { parts, next } = readName(toks, 2);
  const { schema, name } = resolveRelation(ctx, parts);
  ctx.privileges.require(ctx.session.user, "DML", schema, name);
  const table = ctx.catalog.get(schema, name);
  checkWritable(table, "INSERT");
  const a = readAlias(toks, next, ["values", "select", "on", "returning"]);
  let i = a.next;
  let cols: SimColumn[];
  if (isPunct(toks[i], "(") && !isWord(toks[i + 1], "select")) {
    const close = closeParen(toks, i);
    cols = splitTopLevel(toks.slice(i + 1, close)).map((p) => {
      const n = p[0]!.value;
      if (SYSTEM_COLUMNS.has(n)) throw invalidColumnName(`"${n}" Cannot write to system column`);
      return column(table, n) ?? throwUnknownColumn(n);
    });
    const names = new Set(cols.map((c) => c.name));
    if (names.size !== cols.length) throw parseError("column reference is specified more than once");
    i = close + 1;
  } else cols = [...table.columns];
  checkRequiredColumns(table, cols);

  const conflictAt = findTopLevel(toks, i, "on");
  const returningAt = findTopLevel(toks, i, "returning");
  const sourceEnd = [conflictAt, returningAt, toks.length]
    .filter((x) => x >= 0)
    .reduce((x, y) => Math.min(x, y));
  const source = toks.slice(i, sourceEnd);
  const conflict =
    conflictAt >= 0 ? toks.slice(conflictAt, returningAt >= 0 ? returningAt : toks.length) : [];
  const returning =
    returningAt >= 0 ? toks.slice(returningAt + 1).filter((t) => !isPunct(t, ";")) : undefined;
  const onConflict = parseOnConflict(table, conflict);
  const alias = a.alias ?? table.name;
  const target = `${table.live} AS ${quoteIdent(alias)}`;
  const colList = cols.map((c) => quoteIdent(c.pg)).join(", ");

  const renderTail = (args: readonly JsonValue[], sink: ParamSink): string => {
    let s = "";
    if (onConflict.kind === "nothing") s += " ON CONFLICT DO NOTHING";
    if (onConflict.kind === "update") {
      const set = translate(ctx, qualifyTargetColumns(onConflict.set, table, alias), args, sink, {
        search: () => false,
        extraColumns: [table],
      });
      s += ` ON CONFLICT (${table.pk.map((k) => quoteIdent(column(table, k)!.pg)).join(", ")}) DO UPDATE SET ${render(set)}`;
    }
    if (returning) {
      const r = translate(ctx, expandStar(returning, table, alias), args, sink, {
        search: () => false,
        extraColumns: [table],
      });
      s += ` RETURNING ${render(r)}`;
    }
    return s;
  };

  if (isWord(source[0], "values")) {
    const tuples = splitTopLevel(source.slice(1)).map((tup) => {
      if (!isPunct(tup[0], "(") || closeParen(tup, 0) !== tup.length - 1)
        throw syntaxError("line 1:1: mismatched input in VALUES");
      return splitTopLevel(tup.slice(1, -1));
    });
    for (const tup of tuples) {
      if (tup.length !== cols.length) {
        throw parseError(
          `INSERT statement contains a VALUES clause with too ${tup.length > cols.length ? "many" : "few"} elements`,
        );
      }
    }
    return {
      returnsRows: returning !== undefined,
      bind(args) {
        const rows: Row[] = tuples.map((tup) => bindRow(table, cols, tup, args));
        if (readDeleteOnly(table)) for (const r of rows) r.failure = readDeleteOnlyRow();
        const build = (subset: readonly Row[]) => {
          const sink = new ParamSink();
          const values = subset.map(
            (r) =>
              `(${r.values
                .map((v) =>
                  v.kind === "param"
                    ? render([sink.add(v.text)])
                    : render(
                        translate(ctx, v.toks, args, sink, { search: () => false, extraColumns: [table] }),
                      ),
                )
                .join(", ")})`,
          );
          const sql = `INSERT INTO ${target} (${colList}) VALUES ${values.join(", ")}${renderTail(args, sink)}`;
          return { sql, sink };
        };
        const batchable = rows.every((r) => !r.failure && r.values.every((v) => v.kind === "param"));
        return {
          run: () => runRows(ctx, table, rows, build),
          ...(batchable ? { batchRows: rows } : {}),
        };
      },
      // Bulk fast path: one combined statement when no item needs its own answer (no DO NOTHING,
      // no RETURNING, no arguments in the conflict clause); any failure falls back to per item.
      async runBatch(items) {
        const tailHasParams = conflict.some((t) => t.kind === "param");
        if (returning || onConflict.kind === "nothing" || tailHasParams) return undefined;
        if (!items.every((b) => b.batchRows !== undefined)) return undefined;
        const all = items.flatMap((b) => b.batchRows as Row[]);
        const sink = new ParamSink();
        const values = all.map(
          (r) =>
            `(${r.values.map((v) => render([sink.add((v as { text: string | null }).text)])).join(", ")})`,
        );
        try {
          // A statement either writes every row (inserted or updated) or fails as a whole.
          await ctx.pg.query(
            `INSERT INTO ${target} (${colList}) VALUES ${values.join(", ")}${renderTail([], sink)}`,
            sink.params,
            sink.types,
          );
        } catch {
          return undefined;
        }
        if (all.length > 0) table.dirty = true;
        return items.map((b) => (b.batchRows as Row[]).length);
      },
    };
  }
  if (isWord(source[0], "select") || isPunct(source[0], "(")) {
    return {
      returnsRows: returning !== undefined,
      bind(args) {
        const sink = new ParamSink();
        const refs: import("./rewrite.ts").TableRef[] = [];
        const sel = translate(ctx, source, args, sink, { search: () => true }, refs);
        const selectSql = render(expandSelectStars(sel, refs));
        return {
          run: async () => {
            // Every row fails at the table and is skipped (§4.2).
            if (readDeleteOnly(table)) return { rowcount: 0 };
            const sqlAll = `INSERT INTO ${target} (${colList}) ${selectSql}${renderTail(args, sink)}`;
            try {
              const r = await ctx.pg.query(sqlAll, sink.params, sink.types);
              return done(table, r);
            } catch (e) {
              if (!(e instanceof SimError) || returning) throw e;
            }
            // Replay row by row so failing rows are skipped (§4.2).
            const src = await ctx.pg.query(selectSql, sink.params, sink.types);
            let n = 0;
            for (const row of src.rows) {
              const s2 = new ParamSink();
              const vals = row.map((v, k) => `${render([s2.add(v)])}::${pgType(cols[k]!.type)}`);
              try {
                const r = await ctx.pg.query(
                  `INSERT INTO ${target} (${colList}) VALUES (${vals.join(", ")})${renderTail(args, s2)}`,
                  s2.params,
                  s2.types,
                );
                n += r.affected;
              } catch (e) {
                // INSERT … SELECT skips every failing row, casts included (§4.2).
                if (!(e instanceof SimError) || e.code >= 5000) throw e;
              }
            }
            if (n > 0) table.dirty = true;
            return { rowcount: n };
          },
        };
      },
    };
  }
  throw syntaxError(
    `line 1:${(source[0]?.pos ?? 0) + 1}: mismatched input '${source[0]?.text ?? "<EOF>"}' expecting {'VALUES', 'SELECT'}`,
  );
}

/**
 * CrateDB's insert analysis (for VALUES and SELECT alike, so even when the SELECT yields no rows):
 * the routing (clustered-by) column and every key column must be listed unless they have a
 * default (§0). A single-column key routes the rows by default, hence the backticks there.
 */
function checkRequiredColumns(table: SimTable, cols: readonly SimColumn[]): void {
  // Names are printed as they are, without quoting (`Column "My Key" is required …` on 6.4.3).
  const listed = new Set(cols.map((c) => c.name));
  const missing = (name: string) => !listed.has(name) && column(table, name)?.defaultExpr === undefined;
  if (table.clusteredBy !== undefined && missing(table.clusteredBy)) {
    throw parseError(`Column \`${table.clusteredBy}\` is required but is missing from the insert statement`);
  }
  for (const k of table.pk) {
    if (missing(k)) throw parseError(`Column "${k}" is required but is missing from the insert statement`);
  }
}

function bindRow(
  table: SimTable,
  cols: readonly SimColumn[],
  tup: readonly Tok[][],
  args: readonly JsonValue[],
): Row {
  const row: Row = { values: [] };
  tup.forEach((v, k) => {
    const c = cols[k]!;
    const literal = literalValue(v);
    if ((v.length === 1 && v[0]!.kind === "param") || literal !== undefined) {
      const a = literal !== undefined ? literal : args[v[0]!.param!];
      if (a === undefined)
        throw parseError(
          `The query contains a parameter placeholder $${v[0]!.param! + 1}, but there are only ${args.length} parameter values`,
        );
      const text = coerce(a, c.type);
      row.values.push({ kind: "param", text });
      try {
        trackObject(c, a);
      } catch (e) {
        if (!isRowLevel(e)) throw e;
        row.failure ??= e;
      }
      if (text === null && table.pk.includes(c.name)) throw pkNullError();
      try {
        checkTextLimit(c, text);
      } catch (e) {
        row.failure ??= e as SimError;
      }
    } else if (v.length === 1 && isWord(v[0], "null")) {
      row.values.push({ kind: "param", text: null });
      if (table.pk.includes(c.name)) throw pkNullError();
    } else row.values.push({ kind: "expr", toks: v });
  });
  return row;
}

/** A plain literal value is cast like an argument (CrateDB normalises literals at analysis). */
function literalValue(v: readonly Tok[]): JsonValue | undefined {
  const [a, b] = v;
  if (v.length === 1 && a!.kind === "number") return new JsonNumber(a!.value);
  if (v.length === 2 && a!.kind === "op" && a!.value === "-" && b!.kind === "number")
    return new JsonNumber(`-${b!.value}`);
  if (v.length === 1 && a!.kind === "string") return a!.value;
  if (v.length === 1 && isWord(a, "true", "false")) return a!.value === "true";
  return undefined;
}

async function runRows(
  ctx: Ctx,
  table: SimTable,
  rows: readonly Row[],
  build: (subset: readonly Row[]) => { sql: string; sink: ParamSink },
): Promise<DmlOutcome> {
  if (rows.length === 1 && rows[0]!.failure) throw rows[0]!.failure;
  const ok = rows.filter((r) => !r.failure);
  if (rows.length === 1 || ok.length === rows.length) {
    const { sql, sink } = build(rows);
    try {
      return done(table, await ctx.pg.query(sql, sink.params, sink.types));
    } catch (e) {
      if (
        rows.length === 1 ||
        !(isRowLevel(e) || (e instanceof SimError && e.text.includes("cannot affect row a second time")))
      ) {
        throw notNullKey(table, e);
      }
    }
  }
  // Replay row by row: rows failing at the shard are skipped, the rest written (§4.1).
  let n = 0;
  const returned: (readonly (string | null)[])[] = [];
  let fields: PgResult["fields"] = [];
  for (const r of ok) {
    const { sql, sink } = build([r]);
    try {
      const res = await ctx.pg.query(sql, sink.params, sink.types);
      n += res.affected;
      fields = res.fields;
      returned.push(...res.rows);
    } catch (e) {
      if (!isRowLevel(e)) throw e;
    }
  }
  if (n > 0) table.dirty = true;
  return { rowcount: n, result: { fields, rows: returned, affected: n } };
}

function done(table: SimTable, r: PgResult): DmlOutcome {
  if (r.affected > 0) table.dirty = true;
  return { rowcount: r.affected, result: r };
}

/** PG reports NULL keys as NOT NULL violations; CrateDB has its own message for them. */
export function notNullKey(table: SimTable, e: unknown): unknown {
  const check = e instanceof SimError ? /^Failed CONSTRAINT (ck\d+)$/.exec(e.text) : null;
  const named = check ? table.checks?.find((c) => c.pg === check[1]) : undefined;
  if (named) return rowLevel(parseError(`Failed CONSTRAINT ${named.name} CHECK (${named.expr})`));
  if (e instanceof SimError && e.code === 4000) {
    const m = /^"(.*)" must not be null$/.exec(e.text);
    const c = m ? table.columns.find((x) => x.pg === m[1]) : undefined;
    if (c && table.pk.includes(c.name)) return pkNullError();
    if (c) return rowLevel(parseError(`"${c.name}" must not be null`));
  }
  return e;
}
