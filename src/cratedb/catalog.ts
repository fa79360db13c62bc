/**
 * Reads a table's physical definition from CrateDB's information_schema (cratedb.md §5): what
 * exists, never what Fivetran asked for (that is src/ops/type-metadata.ts).
 */
import type { TableRef } from "../table-def.ts";
import { selectColumns, selectPrimaryKey, selectTable, showCreateTable } from "./sql/catalog.ts";
import { ident } from "./sql/ident.ts";
import type { RequestOptions, SqlClient } from "./sql-client.ts";
import { isValidReplicas, type TableSettings } from "./table-settings.ts";

export interface PhysicalColumnInfo {
  readonly name: string;
  /** `information_schema.columns.data_type`, e.g. `text`, `numeric`, `timestamp with time zone`. */
  readonly dataType: string;
  readonly numericPrecision: number | null;
  readonly nullable: boolean;
}

export interface PhysicalTable {
  readonly ref: TableRef;
  readonly isView: boolean;
  /** `blocks.write` or `blocks.read_only_allow_delete` is set: inserts and updates are refused. */
  readonly writeBlocked: boolean;
  /** Shards, replicas and refresh interval as they are, so a rebuilt table keeps them. */
  readonly settings: TableSettings;
  readonly columns: readonly PhysicalColumnInfo[];
  /** Primary-key column names in key order. */
  readonly primaryKey: readonly string[];
}

const DEFAULT_REFRESH_MS = 1000;

const toNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const field = (o: unknown, key: string): unknown =>
  typeof o === "object" && o !== null ? (o as Record<string, unknown>)[key] : undefined;

const isWriteBlocked = (settings: unknown): boolean => {
  const blocks = field(settings, "blocks");
  return field(blocks, "write") === true || field(blocks, "read_only_allow_delete") === true;
};

function tableSettings(row: readonly unknown[]): TableSettings {
  const shards = toNumber(row[2]);
  const replicas = row[3];
  const refresh = toNumber(field(row[1], "refresh_interval"));
  return {
    ...(shards !== null && shards > 0 ? { shards } : {}),
    ...(typeof replicas === "string" && isValidReplicas(replicas) ? { replicas } : {}),
    // 1000 is CrateDB's default; setting it explicitly would stop idle tables from pausing refreshes.
    ...(refresh !== null && refresh !== DEFAULT_REFRESH_MS && Number.isSafeInteger(refresh)
      ? { refreshIntervalMs: refresh }
      : {}),
  };
}

/** The table's columns and key, or undefined when the table (or its schema) doesn't exist. */
export async function readPhysicalTable(
  client: SqlClient,
  ref: TableRef,
  options: RequestOptions = {},
): Promise<PhysicalTable | undefined> {
  const tableSql = selectTable(ref);
  const table = await client.sql(tableSql.stmt, tableSql.args, options);
  const row = table.rows[0];
  if (row === undefined) return undefined;
  const columnsSql = selectColumns(ref);
  const keySql = selectPrimaryKey(ref);
  const [columns, key] = await Promise.all([
    client.sql(columnsSql.stmt, columnsSql.args, options),
    client.sql(keySql.stmt, keySql.args, options),
  ]);
  return {
    ref,
    isView: row[0] === "VIEW",
    writeBlocked: isWriteBlocked(row[1]),
    settings: tableSettings(row),
    columns: columns.rows
      .filter((r) => !String(r[0]).includes("["))
      .map((r) => ({
        name: String(r[0]),
        dataType: String(r[1]),
        numericPrecision: toNumber(r[2]),
        nullable: r[3] === "YES" || r[3] === true,
      })),
    primaryKey: key.rows.map((r) => String(r[0])),
  };
}

/**
 * NUMERIC scales by column name, read from SHOW CREATE TABLE because information_schema reports
 * none. Columns whose scale can't be found are left out.
 */
export async function readNumericScales(
  client: SqlClient,
  ref: TableRef,
  columns: readonly string[],
  options: RequestOptions = {},
): Promise<Map<string, number>> {
  const sql = showCreateTable(ref);
  const result = await client.sql(sql.stmt, sql.args, options);
  return numericScalesFrom(String(result.rows[0]?.[0] ?? ""), columns);
}

/** Finds `"col" NUMERIC(p, s)` for each column in SHOW CREATE TABLE text. */
export function numericScalesFrom(ddl: string, columns: readonly string[]): Map<string, number> {
  const scales = new Map<string, number>();
  for (const column of columns) {
    const quoted = ident(column);
    let at = ddl.indexOf(`${quoted} `);
    while (at >= 0) {
      const rest = ddl.slice(at + quoted.length + 1);
      const match = /^NUMERIC\s*\(\s*\d+\s*,\s*(\d+)\s*\)/i.exec(rest);
      if (match?.[1] !== undefined) {
        scales.set(column, Number(match[1]));
        break;
      }
      at = ddl.indexOf(`${quoted} `, at + 1);
    }
  }
  return scales;
}
