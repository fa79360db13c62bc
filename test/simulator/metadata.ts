/**
 * CrateDB's information_schema and sys tables (cratedb.md §5), synthesised from the simulator's
 * catalogue into real PG tables just before a query reads them, filtered by the caller's
 * privileges, so WHERE/ORDER BY/joins run in PG unchanged.
 */
import { randomUUID } from "node:crypto";
import type { SettingValue, SimTable } from "./catalog.ts";
import type { Ctx } from "./context.ts";
import { subColumnName } from "./objects.ts";
import { type TableRef, VIRTUAL_TABLES } from "./rewrite.ts";
import { dataTypeName, ddlTypeName } from "./types.ts";

export const METADATA_DDL = `
CREATE SCHEMA sim; CREATE SCHEMA crate_is; CREATE SCHEMA crate_sys;
CREATE TABLE crate_is.tables (table_catalog text, table_schema text, table_name text, table_type text,
  number_of_shards integer, number_of_replicas text, clustered_by text, partitioned_by text[], column_policy text,
  closed boolean, settings jsonb, version jsonb, blobs_path text, routing_hash_function text,
  self_referencing_column_name text, reference_generation text);
CREATE TABLE crate_is.columns (table_catalog text, table_schema text, table_name text, column_name text,
  ordinal_position integer, data_type text, is_nullable text, column_default text, character_maximum_length integer,
  character_octet_length integer, numeric_precision integer, numeric_precision_radix integer, numeric_scale integer,
  datetime_precision integer, interval_type text, interval_precision integer, character_set_catalog text,
  character_set_schema text, character_set_name text, collation_catalog text, collation_schema text,
  collation_name text, domain_catalog text, domain_schema text, domain_name text, udt_catalog text, udt_schema text,
  udt_name text, check_references text, check_action integer, is_generated text, generation_expression text,
  is_identity boolean, identity_cycle text, identity_generation text, identity_increment text, identity_maximum text,
  identity_minimum text, identity_start text, column_details jsonb);
CREATE TABLE crate_is.table_constraints (constraint_catalog text, constraint_schema text, constraint_name text,
  table_catalog text, table_schema text, table_name text, constraint_type text, is_deferrable text,
  initially_deferred text, enforced text, nulls_distinct text);
CREATE TABLE crate_is.key_column_usage (constraint_catalog text, constraint_schema text, constraint_name text,
  table_catalog text, table_schema text, table_name text, column_name text, ordinal_position integer);
CREATE TABLE crate_is.schemata (catalog_name text, schema_name text);
CREATE TABLE crate_sys.nodes (id text, name text, hostname text, version jsonb);
CREATE TABLE crate_sys.cluster (id text, name text, master_node text, settings jsonb);
CREATE TABLE crate_sys.jobs (id text, stmt text, started timestamptz, username text);
`;

const NODE_ID = "sim-node-0";

type Row = Record<string, unknown>;

function nestSettings(settings: ReadonlyMap<string, SettingValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of settings) {
    if (k === "number_of_replicas" || k === "column_policy") continue;
    const parts = k.split(".");
    let o = out;
    for (const p of parts.slice(0, -1)) {
      o[p] ??= {};
      o = o[p] as Record<string, unknown>;
    }
    o[parts[parts.length - 1]!] = v;
  }
  return out;
}

function numericPrecision(t: SimTable["columns"][number]["type"]): [number | null, number | null] {
  switch (t.base) {
    case "smallint":
      return [16, 2];
    case "integer":
      return [32, 2];
    case "bigint":
      return [64, 2];
    case "real":
      return [24, 2];
    case "double precision":
      return [53, 2];
    case "numeric":
      return [t.precision ?? null, 10];
    default:
      return [null, null];
  }
}

function visibleTables(ctx: Ctx): SimTable[] {
  return ctx.catalog.all().filter((t) => ctx.privileges.seesTable(ctx.session.user, t.schema, t.name));
}

function rowsFor(ctx: Ctx, virtual: string): Row[] {
  const tables = virtual.startsWith("crate_is.") ? visibleTables(ctx) : [];
  switch (virtual) {
    case "crate_is.tables":
      return [
        ...tables.map((t) => ({
          table_catalog: "crate",
          table_schema: t.schema,
          table_name: t.name,
          table_type: "BASE TABLE",
          number_of_shards: t.shards,
          number_of_replicas: String(t.settings.get("number_of_replicas") ?? "0-1"),
          clustered_by: t.clusteredBy ?? "_id",
          partitioned_by: t.partitionedBy.length ? t.partitionedBy : null,
          column_policy: String(t.settings.get("column_policy") ?? "strict"),
          closed: false,
          settings: nestSettings(t.settings),
          version: { created: ctx.version.number, upgraded: null },
          blobs_path: null,
          routing_hash_function: "org.elasticsearch.cluster.routing.Murmur3HashFunction",
          self_referencing_column_name: "_id",
          reference_generation: "SYSTEM GENERATED",
        })),
        // System tables are listed too (§5.1), without shard or settings details.
        ...Object.keys(VIRTUAL_TABLES).map((k) => {
          const [schema, name] = k.split(".");
          return { table_catalog: "crate", table_schema: schema, table_name: name, table_type: "BASE TABLE" };
        }),
      ];
    case "crate_is.columns":
      return tables.flatMap((t) =>
        [
          ...t.columns.map((c) => ({
            c,
            name: c.name,
            type: c.type,
            path: [] as readonly string[],
            sub: false,
          })),
          ...t.columns.flatMap((c) =>
            (c.subColumns ?? []).map((sc) => ({
              c,
              name: subColumnName(c, sc),
              type: sc.type,
              path: sc.path,
              sub: true,
            })),
          ),
        ].map(({ c: top, name, type, path, sub }, i) => {
          const c = {
            ...top,
            name,
            type,
            notNull: sub ? false : top.notNull,
            defaultExpr: sub ? undefined : top.defaultExpr,
          };
          const [precision, radix] = numericPrecision(c.type);
          const isTs = c.type.base.startsWith("timestamp");
          return {
            table_catalog: "crate",
            table_schema: t.schema,
            table_name: t.name,
            column_name: c.name,
            ordinal_position: i + 1,
            data_type: dataTypeName(c.type),
            udt_name: dataTypeName(c.type),
            is_nullable: c.notNull ? "NO" : "YES",
            column_default: c.defaultExpr ?? null,
            character_maximum_length:
              c.type.base === "text" || c.type.base === "character" ? (c.type.length ?? null) : null,
            numeric_precision: precision,
            numeric_precision_radix: radix,
            numeric_scale: null,
            datetime_precision: isTs ? 3 : null,
            is_generated: "NEVER",
            generation_expression: null,
            is_identity: false,
            column_details: {
              name: top.name,
              path,
              ...(c.type.base === "object" ? { policy: c.type.policy ?? "dynamic" } : {}),
              oid: i + 1,
            },
          };
        }),
      );
    case "crate_is.table_constraints":
      return tables
        .flatMap((t) => [
          ...(t.pk.length ? [{ constraint_name: `${t.name}_pkey`, constraint_type: "PRIMARY KEY", t }] : []),
          ...(t.checks ?? []).map((c) => ({ constraint_name: c.name, constraint_type: "CHECK", t })),
          // Every NOT NULL column has its CHECK, key columns included (cratedb.md §0).
          ...t.columns
            .filter((c) => c.notNull)
            .map((c) => ({
              constraint_name: `${t.schema}_${t.name}_${c.name}_not_null`,
              constraint_type: "CHECK",
              t,
            })),
        ])
        .map(({ constraint_name, constraint_type, t }) => ({
          constraint_catalog: "crate",
          constraint_schema: t.schema,
          constraint_name,
          table_catalog: "crate",
          table_schema: t.schema,
          table_name: t.name,
          constraint_type,
          is_deferrable: "NO",
          initially_deferred: "NO",
          enforced: "YES",
          nulls_distinct: null,
        }));
    case "crate_is.key_column_usage":
      return tables.flatMap((t) =>
        t.pk.map((k, i) => ({
          constraint_catalog: "crate",
          constraint_schema: t.schema,
          constraint_name: `${t.name}_pkey`,
          table_catalog: "crate",
          table_schema: t.schema,
          table_name: t.name,
          column_name: k,
          ordinal_position: i + 1,
        })),
      );
    case "crate_is.schemata": {
      const names = new Set(["blob", "doc", "information_schema", "pg_catalog", "sys"]);
      for (const s of ctx.catalog.schemas())
        if (ctx.privileges.seesSchema(ctx.session.user, s) || tables.some((t) => t.schema === s))
          names.add(s);
      return [...names].sort().map((s) => ({ catalog_name: "crate", schema_name: s }));
    }
    case "crate_sys.nodes":
      return [
        {
          id: NODE_ID,
          name: "simulator",
          hostname: "localhost",
          version: {
            number: ctx.version.number,
            build_hash: "0000000000000000000000000000000000000000",
            build_snapshot: false,
            minimum_index_compatibility_version: "5.0.0",
            minimum_wire_compatibility_version: "5.0.0",
          },
        },
      ];
    case "crate_sys.cluster":
      return [{ id: "sim-cluster-0", name: "crate-simulator", master_node: NODE_ID, settings: {} }];
    case "crate_sys.jobs":
      // Statements run one at a time here: the only job running is the query reading sys.jobs.
      return [
        { id: randomUUID(), stmt: ctx.stmt, started: new Date().toISOString(), username: ctx.session.user },
      ];
    default:
      return [];
  }
}

/** Refreshes the synthetic tables a query references, as seen by the session's user. */
export async function materialise(ctx: Ctx, refs: readonly TableRef[]): Promise<void> {
  const done = new Set<string>();
  for (const r of refs) {
    if (r.virtual === undefined || done.has(r.virtual)) continue;
    done.add(r.virtual);
    await ctx.pg.query(`DELETE FROM ${r.virtual}`);
    await ctx.pg.query(
      `INSERT INTO ${r.virtual} SELECT * FROM jsonb_populate_recordset(null::${r.virtual}, $1::jsonb)`,
      [JSON.stringify(rowsFor(ctx, r.virtual))],
    );
  }
}

const q = (s: string) => `"${s.replaceAll('"', '""')}"`;

function settingText(v: SettingValue): string {
  return typeof v === "string" ? `'${v.replaceAll("'", "''")}'` : String(v);
}

/** `SHOW CREATE TABLE` text in CrateDB's layout (§5.4). */
export function showCreateTable(t: SimTable): string {
  const lines = t.columns.map((c) => {
    let s = `   ${q(c.name)} ${ddlTypeName(c.type)}`;
    if (c.defaultExpr !== undefined) s += ` DEFAULT ${c.defaultExpr}`;
    if (c.notNull) s += " NOT NULL";
    if (c.indexOff) s += " INDEX OFF";
    if (!c.columnstore) s += " STORAGE WITH (\n      columnstore = false\n   )";
    return s;
  });
  if (t.pk.length) lines.push(`   PRIMARY KEY (${t.pk.map(q).join(", ")})`);
  for (const c of t.checks ?? []) lines.push(`   CONSTRAINT ${q(c.name)} CHECK(${c.expr})`);
  let s = `CREATE TABLE IF NOT EXISTS ${q(t.schema)}.${q(t.name)} (\n${lines.join(",\n")}\n)\n`;
  s += `CLUSTERED BY (${q(t.clusteredBy ?? "_id")}) INTO ${t.shards} SHARDS\n`;
  if (t.partitionedBy.length) s += `PARTITIONED BY (${t.partitionedBy.map(q).join(", ")})\n`;
  const settings = [...t.settings.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `   ${k.includes(".") ? q(k) : k} = ${settingText(v)}`);
  s += `WITH (\n${settings.join(",\n")}\n)`;
  return s;
}
