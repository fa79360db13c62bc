/**
 * Column-level migrations: copy_column, rename_column, add_column_with_default_value and
 * update_column_value (docs/migrate.md). Each first records the column's Fivetran type, then
 * changes the table, then fills values with one UPDATE over all rows (refreshed before, since
 * UPDATE without a key filter is search-based, and after, so the next call sees the values).
 */

import { addColumns, refreshTable, renameColumnDdl } from "../../cratedb/sql/ddl.ts";
import type { Sql } from "../../cratedb/sql/ident.ts";
import { copyColumnValues, setColumn } from "../../cratedb/sql/migrate.ts";
import { validateColumnNames } from "../../cratedb/sql/names.ts";
import type { SqlValue } from "../../cratedb/sql-client.ts";
import { shownTable } from "../../errors.ts";
import type { ColumnDef, TableRef } from "../../table-def.ts";
import { sameType } from "../alter/plan.ts";
import { type CallContext, run, step } from "../context.ts";
import { physicalColumns } from "../table/create.ts";
import type { DescribedColumn } from "../table/describe.ts";
import { forgetColumnTypes, recordColumnTypes } from "../table/type-metadata.ts";
import { columnOf, existingTable, MigrateRefusedError } from "./checks.ts";
import { columnValue } from "./values.ts";

export const plain = ({ physical: _, ...c }: DescribedColumn): ColumnDef => c;

/** Runs an all-rows UPDATE between refreshes. */
export async function updateAllRows(ctx: CallContext, ref: TableRef, sql: Sql): Promise<void> {
  await run(ctx, refreshTable(ref));
  await run(ctx, sql);
  await run(ctx, refreshTable(ref));
}

/** Adds a nullable column unless it exists; its type record goes first. */
export async function ensureColumn(
  ctx: CallContext,
  ref: TableRef,
  column: ColumnDef,
  exists: boolean,
  label: string,
): Promise<void> {
  if (exists) return;
  validateColumnNames(ref, [column.name]);
  await step(ctx, `${label}:record-type`, async () => {
    await recordColumnTypes(ctx, ref, [column]);
  });
  await step(ctx, `${label}:add-column`, async () => {
    await run(ctx, addColumns(ref, physicalColumns([column])));
  });
}

export function refuseKeyUpdate(ref: TableRef, column: DescribedColumn, what: string): void {
  if (!column.primaryKey) return;
  throw new MigrateRefusedError(
    "MIGRATE_KEY_COLUMN",
    `Migrate (${what}): column "${column.name}" is part of the primary key of ${shownTable(ref)}, and CrateDB can't change key values in place.`,
  );
}

/** Adds `to` with the type of `from` and copies every row's value. */
export async function copyColumn(ctx: CallContext, ref: TableRef, from: string, to: string): Promise<void> {
  const table = await existingTable(ctx, ref, "copy_column");
  const source = columnOf(table, from, "copy_column");
  const wanted: ColumnDef = { ...plain(source), name: to, primaryKey: false };
  const target = table.columns.find((c) => c.name === to);
  if (target !== undefined && !sameType(target, wanted)) {
    throw new MigrateRefusedError(
      "MIGRATE_TARGET_EXISTS",
      `Migrate (copy_column): column "${to}" already exists in ${shownTable(ref)} with type ${target.type}, not ${wanted.type} like "${from}".`,
    );
  }
  if (target !== undefined) refuseKeyUpdate(ref, target, "copy_column");
  await ensureColumn(ctx, ref, wanted, target !== undefined, "copy-column");
  await step(ctx, "copy-column:copy-values", async () => {
    await updateAllRows(ctx, ref, copyColumnValues(ref, from, to));
  });
  ctx.log.info(`copied column ${from} to ${to} in ${shownTable(ref)}`);
}

/**
 * RENAME COLUMN (CrateDB 5.6+). A re-run where `from` is gone and `to` exists renamed already:
 * only the old type record is forgotten.
 */
export async function renameColumn(ctx: CallContext, ref: TableRef, from: string, to: string): Promise<void> {
  const table = await existingTable(ctx, ref, "rename_column");
  const source = table.columns.find((c) => c.name === from);
  const target = table.columns.find((c) => c.name === to);
  if (source !== undefined && target !== undefined) {
    throw new MigrateRefusedError(
      "MIGRATE_TARGET_EXISTS",
      `Migrate (rename_column): column "${to}" already exists in ${shownTable(ref)}, so "${from}" can't take its name.`,
    );
  }
  if (source === undefined && target === undefined) columnOf(table, from, "rename_column");
  if (source !== undefined) {
    validateColumnNames(ref, [to]);
    await step(ctx, "rename-column:record-type", async () => {
      await recordColumnTypes(ctx, ref, [{ ...plain(source), name: to }]);
    });
    await step(ctx, "rename-column:rename", async () => {
      await run(ctx, renameColumnDdl(ref, from, to));
    });
  }
  await step(ctx, "rename-column:forget-type", async () => {
    await forgetColumnTypes(ctx, ref, [from]);
  });
  ctx.log.info(`renamed column ${from} to ${to} in ${shownTable(ref)}`);
}

/**
 * The value a migration string stands for in this column. `NULL` and the empty string are NULL
 * for every type but text, where they are literal unless `nullWord` (update_column_value, whose
 * tester sends `NULL` for "set to null") makes them NULL too.
 */
export function valueFor(column: ColumnDef, text: string, nullWord: boolean): SqlValue {
  const isText = ["STRING", "XML", "BINARY", "UNSPECIFIED"].includes(column.type);
  if ((nullWord || !isText) && (text === "NULL" || text === "")) return null;
  return columnValue(column, text);
}

/**
 * Adds the column if missing, then sets every existing row to the default — also when the
 * column existed (Fivetran re-sends this operation; CrateDB's ADD COLUMN … DEFAULT would not
 * backfill existing rows anyway).
 */
export async function addColumnWithDefault(
  ctx: CallContext,
  ref: TableRef,
  column: ColumnDef,
  defaultValue: string,
): Promise<void> {
  const table = await existingTable(ctx, ref, "add_column_with_default_value");
  const existing = table.columns.find((c) => c.name === column.name);
  // An existing column keeps its type: the value must fit what is there.
  const actual = existing ? plain(existing) : column;
  if (existing) refuseKeyUpdate(ref, existing, "add_column_with_default_value");
  const value = valueFor(actual, defaultValue, false);
  await ensureColumn(ctx, ref, column, existing !== undefined, "add-default");
  await step(ctx, "add-default:backfill", async () => {
    await updateAllRows(ctx, ref, setColumn(ref, column.name, value));
  });
  ctx.log.info(`added column ${column.name} with a default to ${shownTable(ref)}`);
}

/** Sets the column to the value on every row; `NULL` and the empty string mean NULL. */
export async function updateColumnValue(
  ctx: CallContext,
  ref: TableRef,
  column: string,
  text: string,
): Promise<void> {
  const table = await existingTable(ctx, ref, "update_column_value");
  const target = columnOf(table, column, "update_column_value");
  refuseKeyUpdate(ref, target, "update_column_value");
  const value = valueFor(plain(target), text, true);
  await step(ctx, "update-column:update", async () => {
    await updateAllRows(ctx, ref, setColumn(ref, column, value));
  });
  ctx.log.info(`set column ${column} on every row of ${shownTable(ref)}`);
}
