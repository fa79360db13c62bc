/**
 * CREATE TABLE … AS SELECT (cratedb.md §3.7): copies column names, types and rows only — no
 * primary key, no NOT NULL, no defaults, default settings — and reads its source by search, so
 * unrefreshed source rows are not copied.
 */
import { bigintRangeChecks } from "./bigint-range.ts";
import { DEFAULT_SETTINGS, type SimColumn, type SimTable } from "./catalog.ts";
import { pgNameAllocator } from "./column-defs.ts";
import { type Ctx, count, type StatementResult } from "./context.ts";
import { parseError, relationExists } from "./errors.ts";
import type { JsonValue } from "./json.ts";
import { materialise } from "./metadata.ts";
import { checkColumnName } from "./names.ts";
import type { PgResult } from "./pg.ts";
import { createPgTables } from "./pg-tables.ts";
import { ParamSink, quoteIdent, type TableRef, translate } from "./rewrite.ts";
import { expandSelectStars } from "./select.ts";
import { isPunct, render, type Tok } from "./tokens.ts";
import { type CrateType, checkStorable, pgType } from "./types.ts";

const OID_NAMES: Record<number, string> = {
  16: "boolean",
  20: "bigint",
  25: "text",
  701: "double precision",
  3802: "jsonb",
};

/** PG `format_type` text → CrateDB type. */
function crateTypeOf(pg: string): CrateType {
  if (pg.endsWith("[]")) return { base: "array", inner: crateTypeOf(pg.slice(0, -2)) };
  const m = /^(\w[\w ]*?)(?:\((\d+)(?:,(\d+))?\))?( with(?:out)? time zone)?$/.exec(pg);
  const name = m?.[1] ?? pg;
  switch (name) {
    case "boolean":
    case "smallint":
    case "integer":
    case "bigint":
    case "real":
    case "double precision":
      return { base: name };
    case "numeric":
      return m?.[2] === undefined
        ? { base: "numeric" }
        : { base: "numeric", precision: Number(m[2]), scale: Number(m[3] ?? 0) };
    case "text":
    case "unknown":
      return { base: "text" };
    case "character varying":
      return m?.[2] === undefined ? { base: "text" } : { base: "text", length: Number(m[2]) };
    case "character":
      return { base: "character", length: Number(m?.[2] ?? 1) };
    case "timestamp":
      return {
        base: m?.[4]?.includes("without") ? "timestamp without time zone" : "timestamp with time zone",
      };
    case "jsonb":
    case "json":
      return { base: "object", policy: "dynamic" };
    case "date":
      return { base: "date" };
    default:
      throw parseError(`Type \`${pg}\` cannot be stored by CREATE TABLE AS in the simulator`);
  }
}

/** Inlines parameters: PG does not take bind parameters in CREATE TABLE AS. */
function inline(sql: string, sink: ParamSink): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const v = sink.params[Number(n) - 1];
    if (v === null || v === undefined) return "NULL";
    const name = OID_NAMES[sink.types[Number(n) - 1] ?? 0];
    return `'${v.replaceAll("'", "''")}'${name ? `::${name}` : ""}`;
  });
}

export async function createTableAs(
  ctx: Ctx,
  target: { schema: string; name: string; ifNotExists: boolean },
  source: readonly Tok[],
  args: readonly JsonValue[],
): Promise<StatementResult> {
  let query = isPunct(source[source.length - 1], ";") ? source.slice(0, -1) : [...source];
  if (isPunct(query[0], "(") && isPunct(query[query.length - 1], ")")) query = query.slice(1, -1);
  const sink = new ParamSink();
  const refs: TableRef[] = [];
  const out = translate(ctx, query, args, sink, { search: () => true }, refs);
  await materialise(ctx, refs);
  const select = render(expandSelectStars(out, refs));
  if (ctx.catalog.find(target.schema, target.name)) {
    if (target.ifNotExists) return count(0);
    throw relationExists(`${target.schema}.${target.name}`);
  }
  const probe = `sim.probe_${ctx.catalog.newInternalName()}`;
  await ctx.pg.exec(`CREATE TABLE ${probe} AS ${inline(select, sink)} WITH NO DATA`);
  let described: PgResult;
  try {
    described = await ctx.pg.query(
      `SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '${probe}'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    );
  } finally {
    await ctx.pg.exec(`DROP TABLE ${probe}`);
  }
  const columns: SimColumn[] = [];
  const alloc = pgNameAllocator(columns);
  for (const [rawName, pg] of described.rows) {
    const internal = refs.flatMap((r) => r.table?.columns ?? []).find((c) => c.pg === rawName);
    const name = internal?.name ?? rawName!;
    checkColumnName(name, ctx.version);
    const type = crateTypeOf(pg!);
    checkStorable(type);
    columns.push({ name, pg: alloc(name), type, notNull: false, indexOff: false, columnstore: true });
  }
  const id = ctx.catalog.newInternalName();
  const table: SimTable = {
    schema: target.schema,
    name: target.name,
    live: `sim.${id}`,
    snap: `sim.${id}_s`,
    columns,
    pk: [],
    shards: 4,
    partitionedBy: [],
    settings: new Map(DEFAULT_SETTINGS),
    dirty: false,
  };
  await createPgTables(ctx, table, [
    ...columns.map((c) => `${quoteIdent(c.pg)} ${pgType(c.type)}`),
    ...columns.flatMap(bigintRangeChecks),
  ]);
  ctx.catalog.add(table);
  const r = await ctx.pg.query(
    `INSERT INTO ${table.live} (${columns.map((c) => quoteIdent(c.pg)).join(", ")}) ${select}`,
    sink.params,
    sink.types,
  );
  if (r.affected > 0) table.dirty = true;
  return count(r.affected);
}
