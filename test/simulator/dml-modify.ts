/**
 * UPDATE and DELETE (cratedb.md §4.4–4.6). Equality on the full primary key works on the live
 * table (real-time, like CrateDB's UpdateById/DeleteById); every other condition is evaluated
 * against the refreshed snapshot and then applied to the matching live rows, so unrefreshed
 * writes are missed exactly as a search would miss them.
 */
import { column, ROWID, type SimTable } from "./catalog.ts";
import { coerce } from "./coerce.ts";
import type { Ctx } from "./context.ts";
import type { DmlOutcome, Prepared } from "./dml.ts";
import {
  checkTextLimit,
  checkWritable,
  documentId,
  expandStar,
  isPkLookup,
  readAlias,
  readDeleteOnly,
  readDeleteOnlyRow,
  throwUnknownColumn,
} from "./dml-common.ts";
import { notNullKey } from "./dml-insert.ts";
import { invalidColumnName, readDeleteOnlyBlock, SimError, syntaxError } from "./errors.ts";
import type { JsonValue } from "./json.ts";
import { SYSTEM_COLUMNS } from "./names.ts";
import { trackObject } from "./objects.ts";
import { ParamSink, quoteIdent, readName, resolveRelation, translate } from "./rewrite.ts";
import { findTopLevel, isPunct, isWord, render, splitTopLevel, type Tok } from "./tokens.ts";

const strip = (toks: readonly Tok[]) => (isPunct(toks[toks.length - 1], ";") ? toks.slice(0, -1) : [...toks]);

export function prepareUpdate(ctx: Ctx, all: readonly Tok[]): Prepared {
  const toks = strip(all);
  const { parts, next } = readName(toks, 1);
  const { schema, name } = resolveRelation(ctx, parts);
  ctx.privileges.require(ctx.session.user, "DML", schema, name);
  const table = ctx.catalog.get(schema, name);
  const a = readAlias(toks, next, ["set"]);
  const alias = a.alias ?? table.name;
  if (!isWord(toks[a.next], "set"))
    throw syntaxError(`line 1:${(toks[a.next]?.pos ?? 0) + 1}: mismatched input, expecting 'SET'`);
  checkWritable(table, "UPDATE");
  const whereAt = findTopLevel(toks, a.next, "where");
  const returningAt = findTopLevel(toks, a.next, "returning");
  const fromAt = findTopLevel(toks, a.next, "from");
  if (fromAt >= 0 && (whereAt < 0 || fromAt < whereAt)) {
    throw syntaxError(`line 1:${toks[fromAt]!.pos + 1}: mismatched input 'FROM' expecting <EOF>`);
  }
  const setEnd = [whereAt, returningAt, toks.length].filter((x) => x >= 0).reduce((x, y) => Math.min(x, y));
  const assignments = splitTopLevel(toks.slice(a.next + 1, setEnd));
  for (const asg of assignments) {
    let n = asg[0]!.value;
    if (isPunct(asg[1], ".") && (n === alias || n === table.name)) n = asg[2]!.value;
    if (SYSTEM_COLUMNS.has(n)) throw invalidColumnName(`"${n}" Cannot write to system column`);
    const c = column(table, n) ?? throwUnknownColumn(n);
    const why = table.pk.includes(n)
      ? "Updating a primary key is not supported"
      : table.clusteredBy === n
        ? "Updating a clustered-by column is not supported"
        : table.partitionedBy.includes(n)
          ? "Updating a partitioned-by column is not supported"
          : undefined;
    if (why) throw new SimError(4003, "ColumnValidationException", `Validation failed for ${c.name}: ${why}`);
  }
  const where = whereAt >= 0 ? toks.slice(whereAt + 1, returningAt >= 0 ? returningAt : toks.length) : [];
  const returning = returningAt >= 0 ? toks.slice(returningAt + 1) : undefined;
  const byKey = isPkLookup(table, where, alias);
  const setToks: Tok[] = [];
  for (const asg of assignments) {
    if (setToks.length > 0) setToks.push({ kind: "punct", text: ",", value: ",", pos: -1 });
    const qualified = isPunct(asg[1], ".") && (asg[0]!.value === alias || asg[0]!.value === table.name);
    setToks.push(...(qualified ? asg.slice(2) : asg));
  }
  return {
    returnsRows: returning !== undefined,
    searches: !byKey,
    bind(args) {
      const sink = new ParamSink();
      // Oversized text in an assignment is a shard-level failure (§2.4), checked per value.
      let failure: SimError | undefined;
      for (const asg of assignments) {
        const c = column(table, asg[asg.length - 3]?.value ?? asg[0]!.value) ?? column(table, asg[0]!.value);
        const v = asg[asg.length - 1]!;
        if (c && asg.length >= 3 && v.kind === "param" && args[v.param!] !== undefined) {
          try {
            checkTextLimit(c, coerce(args[v.param!]!, c.type));
            trackObject(c, args[v.param!]!);
          } catch (e) {
            failure ??= e as SimError;
          }
        }
      }
      const set = render(translate(ctx, setToks, args, sink, { search: () => true, extraColumns: [table] }));
      const target = `${table.live} AS ${quoteIdent(alias)}`;
      let sql: string;
      if (byKey) {
        const w = render(translate(ctx, where, args, sink, { search: () => false, extraColumns: [table] }));
        sql = `UPDATE ${target} SET ${set} WHERE ${w}`;
      } else {
        const w = where.length
          ? ` WHERE ${render(translate(ctx, where, args, sink, { search: () => true, extraColumns: [table] }))}`
          : "";
        sql = `UPDATE ${target} SET ${set} WHERE ${quoteIdent(alias)}.${ROWID} IN (SELECT ${quoteIdent(alias)}.${ROWID} FROM ${table.snap} AS ${quoteIdent(alias)}${w})`;
      }
      if (returning) {
        sql += ` RETURNING ${render(translate(ctx, expandStar(returning, table, alias), args, sink, { search: () => false, extraColumns: [table] }))}`;
      }
      return {
        run: async () => {
          if (failure) throw failure;
          if (readDeleteOnly(table)) return refusedByBlock(ctx, table, where, alias, byKey, args);
          return execute(ctx, table, sql, sink, byKey, args, where, alias);
        },
      };
    },
  };
}

export function prepareDelete(ctx: Ctx, all: readonly Tok[]): Prepared {
  const toks = strip(all);
  if (!isWord(toks[1], "from"))
    throw syntaxError(`line 1:8: mismatched input '${toks[1]?.text ?? "<EOF>"}' expecting 'FROM'`);
  const { parts, next } = readName(toks, 2);
  const { schema, name } = resolveRelation(ctx, parts);
  ctx.privileges.require(ctx.session.user, "DML", schema, name);
  const table = ctx.catalog.get(schema, name);
  const a = readAlias(toks, next, ["where", "using", "returning"]);
  const alias = a.alias ?? table.name;
  if (isWord(toks[a.next], "using")) {
    throw syntaxError(`line 1:${toks[a.next]!.pos + 1}: mismatched input 'USING' expecting <EOF>`);
  }
  checkWritable(table, "DELETE");
  const whereAt = findTopLevel(toks, a.next, "where");
  const returningAt = findTopLevel(toks, a.next, "returning");
  if (whereAt < 0 && a.next < toks.length && returningAt !== a.next) {
    throw syntaxError(
      `line 1:${toks[a.next]!.pos + 1}: mismatched input '${toks[a.next]!.text}' expecting <EOF>`,
    );
  }
  const where = whereAt >= 0 ? toks.slice(whereAt + 1, returningAt >= 0 ? returningAt : toks.length) : [];
  const returning = returningAt >= 0 ? toks.slice(returningAt + 1) : undefined;
  const byKey = isPkLookup(table, where, alias);
  return {
    returnsRows: returning !== undefined,
    searches: !byKey,
    bind(args) {
      const sink = new ParamSink();
      const target = `${table.live} AS ${quoteIdent(alias)}`;
      let sql: string;
      if (byKey) {
        sql = `DELETE FROM ${target} WHERE ${render(translate(ctx, where, args, sink, { search: () => false, extraColumns: [table] }))}`;
      } else {
        const w = where.length
          ? ` WHERE ${render(translate(ctx, where, args, sink, { search: () => true, extraColumns: [table] }))}`
          : "";
        sql = `DELETE FROM ${target} WHERE ${quoteIdent(alias)}.${ROWID} IN (SELECT ${quoteIdent(alias)}.${ROWID} FROM ${table.snap} AS ${quoteIdent(alias)}${w})`;
      }
      if (returning) {
        sql += ` RETURNING ${render(translate(ctx, expandStar(returning, table, alias), args, sink, { search: () => false, extraColumns: [table] }))}`;
      }
      return {
        run: () =>
          readDeleteOnly(table)
            ? refusedByBlock(ctx, table, where, alias, byKey, args)
            : execute(ctx, table, sql, sink, byKey, args, where, alias),
      };
    },
  };
}

/**
 * UPDATE/DELETE on a `blocks.read_only_allow_delete` table: by key always refused (a bulk fails
 * whole), by search refused only when the search finds rows (dml-common.ts).
 */
async function refusedByBlock(
  ctx: Ctx,
  table: SimTable,
  where: readonly Tok[],
  alias: string,
  byKey: boolean,
  args: readonly JsonValue[],
): Promise<DmlOutcome> {
  if (byKey) throw readDeleteOnlyBlock();
  const sink = new ParamSink();
  const w = where.length
    ? ` WHERE ${render(translate(ctx, where, args, sink, { search: () => true, extraColumns: [table] }))}`
    : "";
  const r = await ctx.pg.query(
    `SELECT count(*) FROM ${table.snap} AS ${quoteIdent(alias)}${w}`,
    sink.params,
    sink.types,
  );
  if (r.rows[0]![0] !== "0") throw readDeleteOnlyRow();
  return { rowcount: 0 };
}

async function execute(
  ctx: Ctx,
  table: SimTable,
  sql: string,
  sink: ParamSink,
  byKey: boolean,
  args: readonly JsonValue[],
  where: readonly Tok[],
  alias: string,
): Promise<DmlOutcome> {
  let r: Awaited<ReturnType<typeof ctx.pg.query>>;
  try {
    r = await ctx.pg.query(sql, sink.params, sink.types);
  } catch (e) {
    throw notNullKey(table, e);
  }
  if (r.affected > 0) table.dirty = true;
  // A by-key statement that found nothing reports the missing document in bulks (§1.9); a NULL key matches nothing.
  const missingKey =
    byKey && r.affected === 0 && args.every((x) => x !== null)
      ? (documentId(table, where, alias, args) ?? "")
      : undefined;
  return { rowcount: r.affected, result: r, ...(missingKey ? { missingKey } : {}) };
}
