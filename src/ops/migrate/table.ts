/**
 * Table-level migrations: drop_table, copy_table and rename_table (docs/migrate.md). Type records
 * travel with the table, so DescribeTable reports the copy or the renamed table exactly as the
 * original.
 */
import { type CopiedColumn, copyRows } from "../../cratedb/sql/alter.ts";
import { createTable, dropTableIfExists, refreshTable } from "../../cratedb/sql/ddl.ts";
import { ident } from "../../cratedb/sql/ident.ts";
import { deleteAllRows, renameTable as renameTableSql } from "../../cratedb/sql/migrate.ts";
import { tableRefProblem, validateTableRef } from "../../cratedb/sql/names.ts";
import type { SqlClient } from "../../cratedb/sql-client.ts";
import { info } from "../../log.ts";
import type { TableRef } from "../../table-def.ts";
import { run } from "../run-sql.ts";
import { step } from "../steps.ts";
import { physicalColumns, sameDefinition } from "../table/create.ts";
import { type DescribedTable, inspectTable } from "../table/describe.ts";
import { copyTableTypes, forgetTableTypes } from "../table/type-metadata.ts";
import { checkWritable, existingTable, MigrateRefusedError, quotedName } from "./checks.ts";
import type { MigrateOptions } from "./types.ts";

const definition = (t: DescribedTable) => t.columns.map(({ physical: _, ...c }) => c);

/** Drops the table (a missing one is fine) and then its type records. */
export async function dropTable(client: SqlClient, ref: TableRef, options: MigrateOptions): Promise<void> {
  // A name CrateDB rejects can't belong to an existing table: nothing to drop.
  if (tableRefProblem(ref) !== undefined) return;
  await step(options, "drop-table:drop", async () => {
    await run(client, dropTableIfExists(ref), options);
  });
  await step(options, "drop-table:forget-types", async () => {
    await forgetTableTypes(client, ref, options);
  });
  info(`dropped table ${ref.schema}.${ref.table}`);
}

/**
 * Copies rows of `from` into `to` (same columns), converging when repeated: by key with
 * overwrite, or — for a table without a key — after emptying `to`.
 */
export async function copyAllRows(
  client: SqlClient,
  from: DescribedTable,
  to: TableRef,
  options: MigrateOptions,
): Promise<void> {
  const key = from.physical.primaryKey;
  const columns: CopiedColumn[] = from.columns.map((c) => ({ name: c.name, expr: ident(c.name) }));
  if (key.length === 0) {
    await run(client, refreshTable(to), options);
    await run(client, deleteAllRows(to), options);
  }
  await run(client, refreshTable(from.physical.ref), options);
  await run(client, copyRows(to, from.physical.ref, columns, key, true), options);
  await run(client, refreshTable(to), options);
}

/**
 * Creates `to` with the columns, types, key and settings of `from`, and copies every row. A `to`
 * that already has exactly that definition is an earlier attempt's: the copy is repeated.
 */
export async function copyTable(
  client: SqlClient,
  from: TableRef,
  to: TableRef,
  options: MigrateOptions,
): Promise<void> {
  validateTableRef(to);
  const source = await existingTable(client, from, "copy_table", options);
  const target = await inspectTable(client, to, options);
  if (target !== undefined && !sameDefinition(definition(target), definition(source))) {
    throw new MigrateRefusedError(
      "MIGRATE_TARGET_EXISTS",
      `Migrate (copy_table): table ${quotedName(to)} already exists with a different definition than ${quotedName(from)}. Drop or rename it so the copy can be made.`,
    );
  }
  if (target !== undefined) checkWritable(target);
  if (target === undefined) {
    // Records first, as CreateTable does: a retry after a lost response finds them.
    await step(options, "copy-table:record-types", async () => {
      await copyTableTypes(client, from, to, options);
    });
    await step(options, "copy-table:create", async () => {
      await run(
        client,
        createTable(to, physicalColumns(definition(source)), source.physical.settings),
        options,
      );
    });
  }
  await step(options, "copy-table:copy-rows", async () => {
    await copyAllRows(client, source, to, options);
  });
  info(`copied table ${from.schema}.${from.table} to ${to.schema}.${to.table}`);
}

/**
 * Renames within the schema. A re-run where `from` is gone and `to` exists is an earlier attempt
 * that renamed already: only the type records are finished.
 */
export async function renameTable(
  client: SqlClient,
  from: TableRef,
  to: TableRef,
  options: MigrateOptions,
): Promise<void> {
  validateTableRef(from);
  validateTableRef(to);
  const [source, target] = [
    await inspectTable(client, from, options),
    await inspectTable(client, to, options),
  ];
  if (source !== undefined && target !== undefined) {
    throw new MigrateRefusedError(
      "MIGRATE_TARGET_EXISTS",
      `Migrate (rename_table): table ${quotedName(to)} already exists, so ${quotedName(from)} can't take its name. Drop or rename it first.`,
    );
  }
  if (source === undefined && target === undefined)
    await existingTable(client, from, "rename_table", options);
  if (source !== undefined) {
    checkWritable(source);
    await step(options, "rename-table:copy-types", async () => {
      await copyTableTypes(client, from, to, options);
    });
    await step(options, "rename-table:rename", async () => {
      await run(client, renameTableSql(from, to.table), options);
    });
  }
  // Old records go last, also on a re-run after the rename (the new name's were copied before it).
  await step(options, "rename-table:forget-types", async () => {
    await forgetTableTypes(client, from, options);
  });
  info(`renamed table ${from.schema}.${from.table} to ${to.table}`);
}
