/**
 * Type records: which Fivetran type (and DECIMAL params) each column was created for, kept in
 * CrateDB itself in "fivetran-destination"."column_types" (docs/type-mapping.md, "Type records").
 *
 * Every DDL path writes the records *before* it changes the table, so a retried CreateTable finds
 * the definition it asked for; DescribeTable uses a record only while the column's CrateDB type is
 * still the one recorded, and otherwise falls back to the closest type. Migrate keeps them in step
 * with renames and copies through the functions at the end of this file.
 */
import { CrateDbError } from "../../cratedb/errors.ts";
import {
  copyTableTypeRecords,
  createTypeRecordsTable,
  deleteTableTypeRecords,
  deleteTypeRecord,
  refreshTypeRecords,
  selectTypeRecords,
  upsertTypeRecord,
} from "../../cratedb/sql/type-metadata.ts";
import type { RequestOptions, SqlClient, SqlValue } from "../../cratedb/sql-client.ts";
import { crateTypeFor, storageOf } from "../../cratedb/type-map.ts";
import { warning } from "../../log.ts";
import {
  type ColumnDef,
  type DecimalParams,
  FIVETRAN_TYPES,
  type FivetranType,
  type TableRef,
} from "../../table-def.ts";
import { run } from "../run-sql.ts";

export interface TypeRecord {
  readonly type: FivetranType;
  readonly decimal?: DecimalParams;
  /** The column's storage signature when recorded (src/cratedb/type-map.ts `storageSignature`). */
  readonly storage: string;
}

/** Codes meaning "the records table isn't there or isn't readable": describe without records. */
const UNREADABLE = new Set([4041, 4045, 4010, 4011]);

async function ensureTable(client: SqlClient, options: RequestOptions): Promise<void> {
  try {
    await run(client, createTypeRecordsTable(), options);
  } catch (error) {
    // Another call created it at the same moment.
    if (!(error instanceof CrateDbError && error.crateCode === 4093)) throw error;
  }
}

/** Records the Fivetran type of each column (overwriting older records) and makes them visible. */
export async function recordColumnTypes(
  client: SqlClient,
  ref: TableRef,
  columns: readonly ColumnDef[],
  options: RequestOptions = {},
): Promise<void> {
  if (columns.length === 0) return;
  await ensureTable(client, options);
  const rows = columns.map((c): SqlValue[] => [
    ref.schema,
    ref.table,
    c.name,
    c.type,
    c.decimal?.precision ?? null,
    c.decimal?.scale ?? null,
    storageOf(crateTypeFor(c)),
  ]);
  await client.bulk(upsertTypeRecord().stmt, rows, options);
  await run(client, refreshTypeRecords(), options);
}

/** Removes the records of the named columns. */
export async function forgetColumnTypes(
  client: SqlClient,
  ref: TableRef,
  columns: readonly string[],
  options: RequestOptions = {},
): Promise<void> {
  if (columns.length === 0) return;
  await ensureTable(client, options);
  const rows = columns.map((c): SqlValue[] => [ref.schema, ref.table, c]);
  await client.bulk(deleteTypeRecord().stmt, rows, { ...options, missingRowIsOk: true });
  await run(client, refreshTypeRecords(), options);
}

/** Removes every record of a table (before it is created, and when Migrate drops it). */
export async function forgetTableTypes(
  client: SqlClient,
  ref: TableRef,
  options: RequestOptions = {},
): Promise<void> {
  await ensureTable(client, options);
  await run(client, refreshTypeRecords(), options);
  await run(client, deleteTableTypeRecords(ref), options);
  await run(client, refreshTypeRecords(), options);
}

/** Copies a table's records to another name (Migrate copy_table); the target's old records go. */
export async function copyTableTypes(
  client: SqlClient,
  from: TableRef,
  to: TableRef,
  options: RequestOptions = {},
): Promise<void> {
  await forgetTableTypes(client, to, options);
  await run(client, copyTableTypeRecords(from, to), options);
  await run(client, refreshTypeRecords(), options);
}

/** Moves a table's records to its new name (Migrate rename_table). */
export async function renameTableTypes(
  client: SqlClient,
  from: TableRef,
  to: TableRef,
  options: RequestOptions = {},
): Promise<void> {
  await copyTableTypes(client, from, to, options);
  await forgetTableTypes(client, from, options);
}

/** The records of one table by column name; none when the records table can't be read. */
export async function readTypeRecords(
  client: SqlClient,
  ref: TableRef,
  options: RequestOptions = {},
): Promise<Map<string, TypeRecord>> {
  const records = new Map<string, TypeRecord>();
  let rows: readonly (readonly unknown[])[];
  try {
    rows = (await run(client, selectTypeRecords(ref), options)).rows;
  } catch (error) {
    if (error instanceof CrateDbError && error.crateCode !== undefined && UNREADABLE.has(error.crateCode)) {
      if (error.crateCode === 4010 || error.crateCode === 4011) {
        warning(
          `Column type records in "fivetran-destination".column_types are not readable (CrateDB code ${error.crateCode}); describing ${ref.schema}.${ref.table} from its CrateDB types only.`,
        );
      }
      return records;
    }
    throw error;
  }
  for (const [column, type, precision, scale, storage] of rows) {
    if (!(FIVETRAN_TYPES as readonly unknown[]).includes(type)) continue;
    const decimal =
      precision != null && scale != null ? { precision: Number(precision), scale: Number(scale) } : undefined;
    records.set(String(column), {
      type: type as FivetranType,
      ...(decimal ? { decimal } : {}),
      storage: String(storage),
    });
  }
  return records;
}

/** Copies one column's record to another column of the same table (Migrate copy_column). */
export async function copyColumnType(
  client: SqlClient,
  ref: TableRef,
  from: string,
  to: string,
  options: RequestOptions = {},
): Promise<void> {
  const record = (await readTypeRecords(client, ref, options)).get(from);
  if (record === undefined) {
    await forgetColumnTypes(client, ref, [to], options);
    return;
  }
  await ensureTable(client, options);
  const row: SqlValue[] = [
    ref.schema,
    ref.table,
    to,
    record.type,
    record.decimal?.precision ?? null,
    record.decimal?.scale ?? null,
    record.storage,
  ];
  await client.bulk(upsertTypeRecord().stmt, [row], options);
  await run(client, refreshTypeRecords(), options);
}

/** Moves one column's record to its new name (Migrate rename_column). */
export async function renameColumnType(
  client: SqlClient,
  ref: TableRef,
  from: string,
  to: string,
  options: RequestOptions = {},
): Promise<void> {
  await copyColumnType(client, ref, from, to, options);
  await forgetColumnTypes(client, ref, [from], options);
}
