/**
 * Sync-mode migrations (fivetran-protocol.md §7.10, docs/migrate.md): soft delete → history,
 * history → soft delete, and copy_table_to_history_mode. Both directions change the primary key
 * (`_fivetran_start` joins or leaves it), which CrateDB can't alter, so the values are prepared
 * in the table first and the key change goes through AlterTable's rebuild (create, copy, verify,
 * swap). A re-run first discards a rebuild an earlier attempt left, then repeats the preparing
 * steps, each of which converges.
 */
import { dropColumn, refreshTable } from "../../cratedb/sql/ddl.ts";
import {
  deletedFromActive,
  deleteOlderVersions,
  fillHistory,
  keysWithOlderVersions,
  maxOf,
  setWhereNull,
} from "../../cratedb/sql/migrate.ts";
import { validateTableRef } from "../../cratedb/sql/names.ts";
import type { SqlClient, SqlValue } from "../../cratedb/sql-client.ts";
import { info } from "../../log.ts";
import { type ColumnDef, SYSTEM_COLUMN, type TableRef } from "../../table-def.ts";
import { discardLeftoverRebuild, rebuildTable } from "../alter/rebuild.ts";
import { run } from "../run-sql.ts";
import { step } from "../steps.ts";
import { sameDefinition } from "../table/create.ts";
import { type DescribedTable, inspectTable } from "../table/describe.ts";
import { forgetColumnTypes, recordColumnTypes } from "../table/type-metadata.ts";
import { checkWritable, existingTable, hasColumn, MigrateRefusedError, quotedName } from "./checks.ts";
import { ensureColumn, plain, updateAllRows } from "./column.ts";
import { checkHistoryMode, HISTORY } from "./history.ts";
import { copyAllRows, copyTable } from "./table.ts";
import type { MigrateOptions } from "./types.ts";
import { instantMs } from "./values.ts";

/** Start and end of rows deleted before the history began, and the end of active versions. */
export const MIN_TIMESTAMP_MS = instantMs("0001-01-01T00:00:00Z") ?? 0;
export const MAX_TIMESTAMP_MS = instantMs("9999-12-31T23:59:59.999Z") ?? 0;

const historyColumns: readonly ColumnDef[] = [
  { name: HISTORY.start, type: "UTC_DATETIME", primaryKey: true },
  { name: HISTORY.end, type: "UTC_DATETIME", primaryKey: false },
  { name: HISTORY.active, type: "BOOLEAN", primaryKey: false },
];

/** The table, after discarding what an interrupted rebuild of it left. */
async function currentTable(
  client: SqlClient,
  ref: TableRef,
  what: string,
  options: MigrateOptions,
): Promise<DescribedTable> {
  validateTableRef(ref);
  const table = await inspectTable(client, ref, options);
  if (table !== undefined && (await discardLeftoverRebuild(client, table.physical, options))) {
    return existingTable(client, ref, what, options);
  }
  if (table === undefined) return existingTable(client, ref, what, options);
  checkWritable(table);
  return table;
}

const isHistory = (table: DescribedTable): boolean => table.physical.primaryKey.includes(HISTORY.start);

/** A BOOLEAN soft-delete column, or undefined when the table has none of that name. */
function softDeleteColumn(table: DescribedTable, name: string, what: string): string | undefined {
  const column = table.columns.find((c) => c.name === name);
  if (column === undefined) return undefined;
  if (column.type !== "BOOLEAN") {
    throw new MigrateRefusedError(
      "MIGRATE_BAD_SOFT_DELETE_COLUMN",
      `Migrate (${what}): soft-delete column "${name}" of ${quotedName(table.physical.ref)} is ${column.type}, not BOOLEAN.`,
    );
  }
  return name;
}

/**
 * Adds the history columns (joining `_fivetran_start` to the key) and drops `_fivetran_deleted`.
 * Rows flagged deleted become inactive versions at the minimum timestamp; the others active
 * versions from the table's latest `_fivetran_synced` on. A missing soft-delete column means
 * every row is active.
 */
export async function softDeleteToHistory(
  client: SqlClient,
  ref: TableRef,
  softDeletedColumn: string,
  options: MigrateOptions,
): Promise<void> {
  const what = "soft delete to history";
  let table = await currentTable(client, ref, what, options);
  if (isHistory(table)) {
    // Done already (or by an earlier attempt that stopped before its last step).
    await dropDeletedColumn(client, table, options);
    return;
  }
  const deleted = softDeleteColumn(table, softDeletedColumn || SYSTEM_COLUMN.deleted, what);
  const missing = historyColumns.filter((c) => !hasColumn(table, c.name));
  for (const column of missing) {
    await ensureColumn(client, ref, { ...column, primaryKey: false }, false, "to-history", options);
  }
  if (missing.length > 0) table = await existingTable(client, ref, what, options);

  await step(options, "to-history:fill", async () => {
    await run(client, refreshTable(ref), options);
    let startMs = Date.now(); // no sync time known: the versions start now
    if (hasColumn(table, SYSTEM_COLUMN.synced)) {
      const latest = (await run(client, maxOf(ref, SYSTEM_COLUMN.synced), options)).rows[0]?.[0];
      if (latest !== null && latest !== undefined) startMs = Number(latest);
    }
    if (deleted !== undefined) {
      const inactive = { startMs: MIN_TIMESTAMP_MS, endMs: MIN_TIMESTAMP_MS, active: false };
      await run(client, fillHistory(ref, HISTORY, inactive, deleted), options);
    }
    const active = { startMs, endMs: MAX_TIMESTAMP_MS, active: true };
    await updateAllRows(client, ref, fillHistory(ref, HISTORY, active), options);
  });

  const key = [...table.physical.primaryKey, HISTORY.start];
  const final = table.columns
    .filter((c) => c.name !== SYSTEM_COLUMN.deleted)
    .map((c): ColumnDef => ({ ...plain(c), primaryKey: key.includes(c.name) }));
  await rebuildTable(client, table.physical, final, [], options);
  await step(options, "to-history:record-types", async () => {
    await recordColumnTypes(client, ref, final, options);
    await forgetColumnTypes(client, ref, [SYSTEM_COLUMN.deleted], options);
  });
  info(`migrated ${ref.schema}.${ref.table} from soft delete to history mode`);
}

async function dropDeletedColumn(client: SqlClient, table: DescribedTable, options: MigrateOptions) {
  const ref = table.physical.ref;
  if (hasColumn(table, SYSTEM_COLUMN.deleted))
    await run(client, dropColumn(ref, SYSTEM_COLUMN.deleted), options);
  await forgetColumnTypes(client, ref, [SYSTEM_COLUMN.deleted], options);
}

/** Keys per round of keep-latest: bounds the memory the keys take, whatever the table's size. */
const KEYS_PER_ROUND = 10_000;

/** Deletes every version older than its key's latest, a bounded number of keys at a time. */
async function deleteOlderVersionsInPages(
  client: SqlClient,
  ref: TableRef,
  key: readonly string[],
  options: MigrateOptions,
): Promise<void> {
  const perRound = options.keysPerRound ?? KEYS_PER_ROUND;
  for (;;) {
    await run(client, refreshTable(ref), options); // the GROUP BY must not see deleted versions
    const latest = await run(client, keysWithOlderVersions(ref, key, HISTORY, perRound), options);
    if (latest.rows.length === 0) return;
    const args = latest.rows.map((r) => [...r] as SqlValue[]);
    await client.bulk(deleteOlderVersions(ref, key, HISTORY).stmt, args, options);
    if (latest.rows.length < perRound) {
      await run(client, refreshTable(ref), options);
      return;
    }
  }
}

/**
 * Keeps the latest version of each key (by `_fivetran_start`, active or not), flags it deleted
 * when it is not active, drops the history columns and restores the key without
 * `_fivetran_start`. `_fivetran_deleted` is added too (false) when another soft-delete column is
 * named.
 */
export async function historyToSoftDelete(
  client: SqlClient,
  ref: TableRef,
  softDeletedColumn: string,
  options: MigrateOptions,
): Promise<void> {
  const what = "history to soft delete";
  let table = await currentTable(client, ref, what, options);
  if (!hasColumn(table, HISTORY.start)) {
    // Done already (or by an earlier attempt that stopped before its last step).
    await forgetColumnTypes(client, ref, [HISTORY.start, HISTORY.end, HISTORY.active], options);
    return;
  }
  checkHistoryMode(table, what);
  const key = table.physical.primaryKey.filter((c) => c !== HISTORY.start);
  if (key.length === 0) {
    throw new MigrateRefusedError(
      "MIGRATE_NO_SOURCE_KEY",
      `Migrate (${what}): ${quotedName(ref)} has no primary key besides "${HISTORY.start}", so versions can't be told apart by record.`,
    );
  }
  const deleted = softDeletedColumn || SYSTEM_COLUMN.deleted;
  const flags = [...new Set([deleted, SYSTEM_COLUMN.deleted])];
  for (const name of flags) {
    if (hasColumn(table, name)) softDeleteColumn(table, name, what);
    const column: ColumnDef = { name, type: "BOOLEAN", primaryKey: false };
    await ensureColumn(client, ref, column, hasColumn(table, name), "to-soft-delete", options);
  }
  table = await existingTable(client, ref, what, options);

  await step(options, "to-soft-delete:keep-latest", async () => {
    await deleteOlderVersionsInPages(client, ref, key, options);
  });
  await step(options, "to-soft-delete:flag-deleted", async () => {
    await updateAllRows(client, ref, deletedFromActive(ref, deleted, HISTORY.active), options);
    if (deleted !== SYSTEM_COLUMN.deleted) {
      await updateAllRows(client, ref, setWhereNull(ref, SYSTEM_COLUMN.deleted, false), options);
    }
  });

  const dropped = new Set<string>([HISTORY.start, HISTORY.end, HISTORY.active]);
  const final = table.columns
    .filter((c) => !dropped.has(c.name))
    .map((c): ColumnDef => ({ ...plain(c), primaryKey: key.includes(c.name) }));
  await rebuildTable(client, table.physical, final, [], options);
  await step(options, "to-soft-delete:record-types", async () => {
    await forgetColumnTypes(client, ref, [...dropped], options);
  });
  info(`migrated ${ref.schema}.${ref.table} from history to soft delete mode`);
}

/**
 * Copies `from` into a new `to`, then migrates `to` to history mode. A `to` an earlier attempt
 * left is picked up where it stopped: copied rows are copied again (by key, converging), a `to`
 * already in history mode only finishes.
 */
export async function copyTableToHistoryMode(
  client: SqlClient,
  from: TableRef,
  to: TableRef,
  softDeletedColumn: string,
  options: MigrateOptions,
): Promise<void> {
  const what = "copy_table_to_history_mode";
  validateTableRef(to);
  const source = await existingTable(client, from, what, options);
  const existing = await inspectTable(client, to, options);
  const target =
    existing && (await discardLeftoverRebuild(client, existing.physical, options))
      ? await existingTable(client, to, what, options)
      : existing;
  const definition = (t: DescribedTable) => t.columns.map(plain);
  if (target === undefined || sameDefinition(definition(target), definition(source))) {
    await copyTable(client, from, to, options);
  } else if (!isHistory(target)) {
    // Stopped while adding or filling the history columns: the source's columns must all be there.
    const have = new Map(target.columns.map((c) => [c.name, c.type]));
    if (source.columns.some((c) => have.get(c.name) !== c.type)) {
      throw new MigrateRefusedError(
        "MIGRATE_TARGET_EXISTS",
        `Migrate (${what}): table ${quotedName(to)} already exists with a different definition than ${quotedName(from)}. Drop or rename it so the copy can be made.`,
      );
    }
    checkWritable(target);
    await step(options, "copy-table:copy-rows", async () => {
      await copyAllRows(client, source, to, options);
    });
  }
  await softDeleteToHistory(client, to, softDeletedColumn, options);
}
