/**
 * The table that records which Fivetran type each column was created for
 * (docs/type-mapping.md, "Type records"). One row per column, keyed by schema, table and column
 * name, so renaming or copying a table or column is a plain UPDATE or INSERT … SELECT on it.
 */
import type { TableRef } from "../../table-def.ts";
import { type BulkSql, qualified, type Sql } from "./ident.ts";

/**
 * The destination's own schema. Fivetran names connector schemas with lower-case letters, digits
 * and underscores only, so a name with a dash never collides with one (`fivetran_metadata`, used
 * before, is the Fivetran Platform Connector's default schema). Every RPC refuses it.
 */
export const DESTINATION_SCHEMA = "fivetran-destination";

export const TYPE_RECORDS: TableRef = { schema: DESTINATION_SCHEMA, table: "column_types" };

const T = qualified(TYPE_RECORDS);
const KEY = '"table_schema", "table_name", "column_name"';

/**
 * CREATE TABLE IF NOT EXISTS "fivetran-destination"."column_types" (…)
 * `storage_type` is the CrateDB type the column had when recorded: a record only applies while
 * the column still has that type, so a table dropped and recreated outside Fivetran with other
 * types never inherits stale records.
 */
export const createTypeRecordsTable = (): Sql => ({
  stmt:
    `CREATE TABLE IF NOT EXISTS ${T} ("table_schema" TEXT, "table_name" TEXT, "column_name" TEXT,` +
    ' "fivetran_type" TEXT, "decimal_precision" INTEGER, "decimal_scale" INTEGER, "storage_type" TEXT,' +
    ` PRIMARY KEY (${KEY})) CLUSTERED INTO 1 SHARDS`,
  args: [],
});

/** Bulk statement; one arg set per column: schema, table, column, type, precision, scale, storage. */
export const upsertTypeRecord = (): BulkSql => ({
  bulk:
    `INSERT INTO ${T} (${KEY}, "fivetran_type", "decimal_precision", "decimal_scale", "storage_type")` +
    ` VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (${KEY}) DO UPDATE SET "fivetran_type" = excluded."fivetran_type",` +
    ' "decimal_precision" = excluded."decimal_precision", "decimal_scale" = excluded."decimal_scale",' +
    ' "storage_type" = excluded."storage_type"',
});

export const selectTypeRecords = (ref: TableRef): Sql => ({
  stmt:
    'SELECT "column_name", "fivetran_type", "decimal_precision", "decimal_scale", "storage_type"' +
    ` FROM ${T} WHERE "table_schema" = ? AND "table_name" = ?`,
  args: [ref.schema, ref.table],
});

/** Bulk statement by full key (real-time, no refresh needed); one arg set per column. */
export const deleteTypeRecord = (): BulkSql => ({
  bulk: `DELETE FROM ${T} WHERE "table_schema" = ? AND "table_name" = ? AND "column_name" = ?`,
});

/** Every record of one table (search-based: refresh the records table first). */
export const deleteTableTypeRecords = (ref: TableRef): Sql => ({
  stmt: `DELETE FROM ${T} WHERE "table_schema" = ? AND "table_name" = ?`,
  args: [ref.schema, ref.table],
});

/** Copies a table's records to another table name (Migrate copy/rename table). */
export const copyTableTypeRecords = (from: TableRef, to: TableRef): Sql => ({
  stmt:
    `INSERT INTO ${T} (${KEY}, "fivetran_type", "decimal_precision", "decimal_scale", "storage_type")` +
    ' SELECT ?, ?, "column_name", "fivetran_type", "decimal_precision", "decimal_scale", "storage_type"' +
    ` FROM ${T} WHERE "table_schema" = ? AND "table_name" = ?` +
    ` ON CONFLICT (${KEY}) DO UPDATE SET "fivetran_type" = excluded."fivetran_type",` +
    ' "decimal_precision" = excluded."decimal_precision", "decimal_scale" = excluded."decimal_scale",' +
    ' "storage_type" = excluded."storage_type"',
  args: [to.schema, to.table, from.schema, from.table],
});

export const refreshTypeRecords = (): Sql => ({ stmt: `REFRESH TABLE ${T}`, args: [] });
