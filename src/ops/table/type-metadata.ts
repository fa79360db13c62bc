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
import type { SqlValue } from "../../cratedb/sql-client.ts";
import { crateTypeFor, storageOf } from "../../cratedb/type-map.ts";
import { shownTable } from "../../errors.ts";
import {
  type ColumnDef,
  type DecimalParams,
  FIVETRAN_TYPES,
  type FivetranType,
  type TableRef,
} from "../../table-def.ts";
import { type CallContext, requestOptions, run } from "../context.ts";

export interface TypeRecord {
  readonly type: FivetranType;
  readonly decimal?: DecimalParams;
  /** The column's storage signature when recorded (src/cratedb/type-map.ts `storageSignature`). */
  readonly storage: string;
}

/** Codes meaning "the records table isn't there or isn't readable": describe without records. */
const UNREADABLE: ReadonlySet<string> = new Set([
  "CRATEDB_UNKNOWN_TABLE",
  "CRATEDB_UNKNOWN_SCHEMA",
  "CRATEDB_PRIVILEGE",
]);

async function ensureTable(ctx: CallContext): Promise<void> {
  try {
    await run(ctx, createTypeRecordsTable());
  } catch (error) {
    // Another call created it at the same moment.
    if (!(error instanceof CrateDbError && error.code === "CRATEDB_TABLE_EXISTS")) throw error;
  }
}

/** Records the Fivetran type of each column (overwriting older records) and makes them visible. */
export async function recordColumnTypes(
  ctx: CallContext,
  ref: TableRef,
  columns: readonly ColumnDef[],
): Promise<void> {
  if (columns.length === 0) return;
  await ensureTable(ctx);
  const rows = columns.map((c): SqlValue[] => [
    ref.schema,
    ref.table,
    c.name,
    c.type,
    c.decimal?.precision ?? null,
    c.decimal?.scale ?? null,
    storageOf(crateTypeFor(c)),
  ]);
  await ctx.client.bulk(upsertTypeRecord().bulk, rows, requestOptions(ctx));
  await run(ctx, refreshTypeRecords());
}

/** Removes the records of the named columns. */
export async function forgetColumnTypes(
  ctx: CallContext,
  ref: TableRef,
  columns: readonly string[],
): Promise<void> {
  if (columns.length === 0) return;
  await ensureTable(ctx);
  const rows = columns.map((c): SqlValue[] => [ref.schema, ref.table, c]);
  await ctx.client.bulk(deleteTypeRecord().bulk, rows, { ...requestOptions(ctx), missingRowIsOk: true });
  await run(ctx, refreshTypeRecords());
}

/** Removes every record of a table (before it is created, and when Migrate drops it). */
export async function forgetTableTypes(ctx: CallContext, ref: TableRef): Promise<void> {
  await ensureTable(ctx);
  await run(ctx, refreshTypeRecords());
  await run(ctx, deleteTableTypeRecords(ref));
  await run(ctx, refreshTypeRecords());
}

/** Copies a table's records to another name (Migrate copy_table); the target's old records go. */
export async function copyTableTypes(ctx: CallContext, from: TableRef, to: TableRef): Promise<void> {
  await forgetTableTypes(ctx, to);
  await run(ctx, copyTableTypeRecords(from, to));
  await run(ctx, refreshTypeRecords());
}

/** Moves a table's records to its new name (Migrate rename_table). */
export async function renameTableTypes(ctx: CallContext, from: TableRef, to: TableRef): Promise<void> {
  await copyTableTypes(ctx, from, to);
  await forgetTableTypes(ctx, from);
}

/** The records of one table by column name; none when the records table can't be read. */
export async function readTypeRecords(ctx: CallContext, ref: TableRef): Promise<Map<string, TypeRecord>> {
  const records = new Map<string, TypeRecord>();
  let rows: readonly (readonly unknown[])[];
  try {
    rows = (await run(ctx, selectTypeRecords(ref))).rows;
  } catch (error) {
    if (error instanceof CrateDbError && UNREADABLE.has(error.code)) {
      if (error.code === "CRATEDB_PRIVILEGE") {
        ctx.log.warning(
          `Column type records in "fivetran-destination".column_types are not readable (${error.code}); describing ${shownTable(ref)} from its CrateDB types only.`,
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
  ctx: CallContext,
  ref: TableRef,
  from: string,
  to: string,
): Promise<void> {
  const record = (await readTypeRecords(ctx, ref)).get(from);
  if (record === undefined) {
    await forgetColumnTypes(ctx, ref, [to]);
    return;
  }
  await ensureTable(ctx);
  const row: SqlValue[] = [
    ref.schema,
    ref.table,
    to,
    record.type,
    record.decimal?.precision ?? null,
    record.decimal?.scale ?? null,
    record.storage,
  ];
  await ctx.client.bulk(upsertTypeRecord().bulk, [row], requestOptions(ctx));
  await run(ctx, refreshTypeRecords());
}

/** Moves one column's record to its new name (Migrate rename_column). */
export async function renameColumnType(
  ctx: CallContext,
  ref: TableRef,
  from: string,
  to: string,
): Promise<void> {
  await copyColumnType(ctx, ref, from, to);
  await forgetColumnTypes(ctx, ref, [from]);
}
