/**
 * DDL builders. Table settings are the one place where numbers reach statement text: CrateDB's
 * DDL clauses take literals, so they are validated here (integers, a strict replicas pattern)
 * before rendering. Row values never appear in any statement.
 */
import type { TableRef } from "../../table-def.ts";
import { isValidReplicas, type TableSettings } from "../table-settings.ts";
import type { CrateType } from "../type-map.ts";
import { columnTypeSql } from "./column-type.ts";
import { ident, identList, qualified, type Sql } from "./ident.ts";

export interface PhysicalColumn {
  readonly name: string;
  readonly type: CrateType;
  readonly primaryKey: boolean;
}

function settingsClause(settings: TableSettings): string {
  const parts: string[] = [];
  if (settings.replicas !== undefined) {
    if (!isValidReplicas(settings.replicas))
      throw new RangeError("number_of_replicas must look like 1, 0-1 or 0-all");
    parts.push(`number_of_replicas = '${settings.replicas}'`);
  }
  if (settings.refreshIntervalMs !== undefined) {
    if (!Number.isSafeInteger(settings.refreshIntervalMs))
      throw new RangeError("refresh_interval must be an integer");
    parts.push(`refresh_interval = ${settings.refreshIntervalMs}`);
  }
  return parts.length > 0 ? ` WITH (${parts.join(", ")})` : "";
}

function shardsClause(settings: TableSettings): string {
  if (settings.shards === undefined) return "";
  if (!Number.isSafeInteger(settings.shards) || settings.shards < 1)
    throw new RangeError("shards must be a positive integer");
  return ` CLUSTERED INTO ${settings.shards} SHARDS`;
}

const columnDefSql = (c: PhysicalColumn): string => `${ident(c.name)} ${columnTypeSql(c.type)}`;

/**
 * CREATE TABLE "s"."t" ("id" BIGINT, "v" TEXT INDEX OFF STORAGE WITH (columnstore = false),
 * PRIMARY KEY ("id")) CLUSTERED INTO 4 SHARDS WITH (number_of_replicas = '0-1')
 *
 * Primary-key columns are NOT NULL implicitly; the schema is created implicitly (CREATE SCHEMA
 * needs cluster-level DDL privilege).
 */
export function createTableDdl(
  ref: TableRef,
  columns: readonly PhysicalColumn[],
  settings: TableSettings = {},
): Sql {
  const defs = columns.map(columnDefSql);
  const pk = columns.filter((c) => c.primaryKey).map((c) => c.name);
  if (pk.length > 0) defs.push(`PRIMARY KEY (${identList(pk)})`);
  return {
    stmt: `CREATE TABLE ${qualified(ref)} (${defs.join(", ")})${shardsClause(settings)}${settingsClause(settings)}`,
    args: [],
  };
}

/** ALTER TABLE "s"."t" ADD COLUMN "a" INTEGER, ADD COLUMN "b" TEXT */
export function addColumns(ref: TableRef, columns: readonly PhysicalColumn[]): Sql {
  return {
    stmt: `ALTER TABLE ${qualified(ref)} ${columns.map((c) => `ADD COLUMN ${columnDefSql(c)}`).join(", ")}`,
    args: [],
  };
}

/** ALTER TABLE "s"."t" DROP COLUMN "c" */
export const dropColumn = (ref: TableRef, column: string): Sql => ({
  stmt: `ALTER TABLE ${qualified(ref)} DROP COLUMN ${ident(column)}`,
  args: [],
});

/** ALTER TABLE "s"."t" RENAME COLUMN "a" TO "b" */
export const renameColumnDdl = (ref: TableRef, from: string, to: string): Sql => ({
  stmt: `ALTER TABLE ${qualified(ref)} RENAME COLUMN ${ident(from)} TO ${ident(to)}`,
  args: [],
});

/** DROP TABLE IF EXISTS "s"."t" */
export const dropTableIfExists = (ref: TableRef): Sql => ({
  stmt: `DROP TABLE IF EXISTS ${qualified(ref)}`,
  args: [],
});

/** REFRESH TABLE "s"."t": makes recent writes visible to search-based statements (cratedb.md §4.6). */
export const refreshTable = (ref: TableRef): Sql => ({ stmt: `REFRESH TABLE ${qualified(ref)}`, args: [] });

/** ALTER TABLE "s"."t" SET ("blocks.write" = true) */
export const blockWrites = (ref: TableRef): Sql => ({
  stmt: `ALTER TABLE ${qualified(ref)} SET ("blocks.write" = true)`,
  args: [],
});

/**
 * ALTER TABLE "s"."t" SET ("blocks.read_only_allow_delete" = true): refuses every row write
 * (INSERT, UPDATE and, despite the name, DELETE) but, unlike `blocks.write`, allows ALTER CLUSTER
 * SWAP TABLE. Checked on CrateDB 6.4.3.
 */
export const blockWritesAllowingSwap = (ref: TableRef): Sql => ({
  stmt: `ALTER TABLE ${qualified(ref)} SET ("blocks.read_only_allow_delete" = true)`,
  args: [],
});

/** ALTER TABLE "s"."t" RESET ("blocks.write") */
export const resetWriteBlock = (ref: TableRef): Sql => ({
  stmt: `ALTER TABLE ${qualified(ref)} RESET ("blocks.write")`,
  args: [],
});

/** ALTER TABLE "s"."t" RESET ("blocks.write", "blocks.read_only_allow_delete"): both blocks a rebuild sets. */
export const unblockWrites = (ref: TableRef): Sql => ({
  stmt: `ALTER TABLE ${qualified(ref)} RESET ("blocks.write", "blocks.read_only_allow_delete")`,
  args: [],
});

/**
 * ALTER CLUSTER SWAP TABLE "s"."a" TO "s"."b": exchanges the two names atomically. Without
 * `drop_source` the former target stays under the source name, so rows written to it in the
 * last moment can still be carried over before it is dropped.
 */
export const swapTables = (source: TableRef, target: TableRef): Sql => ({
  stmt: `ALTER CLUSTER SWAP TABLE ${qualified(source)} TO ${qualified(target)}`,
  args: [],
});
