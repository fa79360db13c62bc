/**
 * Table-level migrations: drop_table, copy_table and rename_table (docs/migrate.md). Type records
 * travel with the table, so DescribeTable reports the copy or the renamed table exactly as the
 * original.
 */

import { type CopiedColumn, copyRows } from "../../cratedb/sql/alter.ts";
import { createTableDdl, dropTableIfExists, refreshTable } from "../../cratedb/sql/ddl.ts";
import { ident } from "../../cratedb/sql/ident.ts";
import { deleteAllRows, renameTable as renameTableSql } from "../../cratedb/sql/migrate.ts";
import { tableRefProblem, validateTableRef } from "../../cratedb/sql/names.ts";
import { shownTable } from "../../errors.ts";
import type { TableRef } from "../../table-def.ts";
import { type CallContext, run, step } from "../context.ts";
import { physicalColumns, sameDefinition } from "../table/create.ts";
import { type DescribedTable, inspectTable } from "../table/describe.ts";
import { copyTableTypes, forgetTableTypes } from "../table/type-metadata.ts";
import { checkWritable, existingTable, MigrateRefusedError } from "./checks.ts";

const definition = (t: DescribedTable) => t.columns.map(({ physical: _, ...c }) => c);

/** Drops the table (a missing one is fine) and then its type records. */
export async function dropTable(ctx: CallContext, ref: TableRef): Promise<void> {
  // A name CrateDB rejects can't belong to an existing table: nothing to drop.
  if (tableRefProblem(ref) !== undefined) return;
  await step(ctx, "drop-table:drop", async () => {
    await run(ctx, dropTableIfExists(ref));
  });
  await step(ctx, "drop-table:forget-types", async () => {
    await forgetTableTypes(ctx, ref);
  });
  ctx.log.info(`dropped table ${shownTable(ref)}`);
}

/**
 * Copies rows of `from` into `to` (same columns), converging when repeated: by key with
 * overwrite, or — for a table without a key — after emptying `to`.
 */
export async function copyAllRows(ctx: CallContext, from: DescribedTable, to: TableRef): Promise<void> {
  const key = from.physical.primaryKey;
  const columns: CopiedColumn[] = from.columns.map((c) => ({ name: c.name, expr: ident(c.name) }));
  if (key.length === 0) {
    await run(ctx, refreshTable(to));
    await run(ctx, deleteAllRows(to));
  }
  await run(ctx, refreshTable(from.physical.ref));
  await run(ctx, copyRows(to, from.physical.ref, columns, key, true));
  await run(ctx, refreshTable(to));
}

/**
 * Creates `to` with the columns, types, key and settings of `from`, and copies every row. A `to`
 * that already has exactly that definition is an earlier attempt's: the copy is repeated.
 */
export async function copyTable(ctx: CallContext, from: TableRef, to: TableRef): Promise<void> {
  validateTableRef(to);
  const source = await existingTable(ctx, from, "copy_table");
  const target = await inspectTable(ctx, to);
  if (target !== undefined && !sameDefinition(definition(target), definition(source))) {
    throw new MigrateRefusedError(
      "MIGRATE_TARGET_EXISTS",
      `Migrate (copy_table): table ${shownTable(to)} already exists with a different definition than ${shownTable(from)}.`,
    );
  }
  if (target !== undefined) checkWritable(target);
  if (target === undefined) {
    // Records first, as CreateTable does: a retry after a lost response finds them.
    await step(ctx, "copy-table:record-types", async () => {
      await copyTableTypes(ctx, from, to);
    });
    await step(ctx, "copy-table:create", async () => {
      await run(ctx, createTableDdl(to, physicalColumns(definition(source)), source.physical.settings));
    });
  }
  await step(ctx, "copy-table:copy-rows", async () => {
    await copyAllRows(ctx, source, to);
  });
  ctx.log.info(`copied table ${shownTable(from)} to ${shownTable(to)}`);
}

/**
 * Renames within the schema. A re-run where `from` is gone and `to` exists is an earlier attempt
 * that renamed already: only the type records are finished.
 */
export async function renameTable(ctx: CallContext, from: TableRef, to: TableRef): Promise<void> {
  validateTableRef(from);
  validateTableRef(to);
  const [source, target] = [await inspectTable(ctx, from), await inspectTable(ctx, to)];
  if (source !== undefined && target !== undefined) {
    throw new MigrateRefusedError(
      "MIGRATE_TARGET_EXISTS",
      `Migrate (rename_table): table ${shownTable(to)} already exists, so ${shownTable(from)} can't take its name.`,
    );
  }
  if (source === undefined && target === undefined) await existingTable(ctx, from, "rename_table");
  if (source !== undefined) {
    checkWritable(source);
    await step(ctx, "rename-table:copy-types", async () => {
      await copyTableTypes(ctx, from, to);
    });
    await step(ctx, "rename-table:rename", async () => {
      await run(ctx, renameTableSql(from, to.table));
    });
  }
  // Old records go last, also on a re-run after the rename (the new name's were copied before it).
  await step(ctx, "rename-table:forget-types", async () => {
    await forgetTableTypes(ctx, from);
  });
  ctx.log.info(`renamed table ${shownTable(from)} to ${to.table}`);
}
