/**
 * Sync-mode migrations (fivetran-protocol.md §7.10, docs/migrate.md): soft delete → history,
 * history → soft delete, and copy_table_to_history_mode. Both directions change the primary key
 * (`_fivetran_start` joins or leaves it), which CrateDB can't alter, so the values are prepared
 * in the table first and the key change goes through AlterTable's rebuild (create, copy, verify,
 * swap). A re-run first discards a rebuild an earlier attempt left, then repeats the preparing
 * steps, each of which converges.
 */

import { dropColumn, refreshTable } from "../../cratedb/sql/ddl.ts";
import { keyCastFor } from "../../cratedb/sql/fence.ts";
import {
  deletedFromActive,
  fillHistory,
  keysWithOlderVersions,
  maxOf,
  setWhereNull,
} from "../../cratedb/sql/migrate.ts";
import { validateTableRef } from "../../cratedb/sql/names.ts";
import { deleteByKey } from "../../cratedb/sql/write.ts";
import type { SqlValue } from "../../cratedb/sql-client.ts";
import { DestinationError, shownTable } from "../../errors.ts";
import { type ColumnDef, SYSTEM_COLUMN, type TableRef } from "../../table-def.ts";
import { discardLeftoverRebuild, rebuildTable } from "../alter/rebuild.ts";
import { type CallContext, requestOptions, run, step } from "../context.ts";
import { sameDefinition } from "../table/create.ts";
import { type DescribedTable, inspectTable } from "../table/describe.ts";
import { forgetColumnTypes, recordColumnTypes } from "../table/type-metadata.ts";
import { keyMaker, versionsOf } from "../write/versions.ts";
import { checkWritable, existingTable, hasColumn, MigrateRefusedError } from "./checks.ts";
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
async function currentTable(ctx: CallContext, ref: TableRef, what: string): Promise<DescribedTable> {
  validateTableRef(ref);
  const table = await inspectTable(ctx, ref);
  if (table !== undefined && (await discardLeftoverRebuild(ctx, table.physical))) {
    return existingTable(ctx, ref, what);
  }
  if (table === undefined) return existingTable(ctx, ref, what);
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
      `Migrate (${what}): soft-delete column "${name}" of ${shownTable(table.physical.ref)} is ${column.type}, not BOOLEAN.`,
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
  ctx: CallContext,
  ref: TableRef,
  softDeletedColumn: string,
): Promise<void> {
  const what = "soft delete to history";
  let table = await currentTable(ctx, ref, what);
  if (isHistory(table)) {
    // Done already (or by an earlier attempt that stopped before its last step).
    await dropDeletedColumn(ctx, table);
    return;
  }
  const deleted = softDeleteColumn(table, softDeletedColumn || SYSTEM_COLUMN.deleted, what);
  const missing = historyColumns.filter((c) => !hasColumn(table, c.name));
  for (const column of missing) {
    await ensureColumn(ctx, ref, { ...column, primaryKey: false }, false, "to-history");
  }
  if (missing.length > 0) table = await existingTable(ctx, ref, what);

  await step(ctx, "to-history:fill", async () => {
    await run(ctx, refreshTable(ref));
    let startMs = Date.now(); // no sync time known: the versions start now
    if (hasColumn(table, SYSTEM_COLUMN.synced)) {
      const latest = (await run(ctx, maxOf(ref, SYSTEM_COLUMN.synced))).rows[0]?.[0];
      if (latest !== null && latest !== undefined) startMs = Number(latest);
    }
    if (deleted !== undefined) {
      const inactive = { startMs: MIN_TIMESTAMP_MS, endMs: MIN_TIMESTAMP_MS, active: false };
      await run(ctx, fillHistory(ref, HISTORY, inactive, deleted));
    }
    const active = { startMs, endMs: MAX_TIMESTAMP_MS, active: true };
    await updateAllRows(ctx, ref, fillHistory(ref, HISTORY, active));
  });

  const key = [...table.physical.primaryKey, HISTORY.start];
  const final = table.columns
    .filter((c) => c.name !== SYSTEM_COLUMN.deleted)
    .map((c): ColumnDef => ({ ...plain(c), primaryKey: key.includes(c.name) }));
  await rebuildTable(ctx, table.physical, final, []);
  await step(ctx, "to-history:record-types", async () => {
    await recordColumnTypes(ctx, ref, final);
    await forgetColumnTypes(ctx, ref, [SYSTEM_COLUMN.deleted]);
  });
  ctx.log.info(`migrated ${shownTable(ref)} from soft delete to history mode`);
}

async function dropDeletedColumn(ctx: CallContext, table: DescribedTable) {
  const ref = table.physical.ref;
  if (hasColumn(table, SYSTEM_COLUMN.deleted)) await run(ctx, dropColumn(ref, SYSTEM_COLUMN.deleted));
  await forgetColumnTypes(ctx, ref, [SYSTEM_COLUMN.deleted]);
}

/** Keys per round of keep-latest: bounds the memory the keys take, whatever the table's size. */
const KEYS_PER_ROUND = 10_000;

/**
 * Deletes every version older than its key's latest, a bounded number of keys at a time. Each
 * round finds keys with older versions and their latest start, reads those keys' versions and
 * deletes the older ones by full primary key (K, `_fivetran_start`): lookups by document id, where
 * deleting by K and a start range would make CrateDB run one search per key.
 */
async function deleteOlderVersionsInPages(
  ctx: CallContext,
  table: DescribedTable,
  key: readonly string[],
  perRound: number,
): Promise<void> {
  const ref = table.physical.ref;
  const columns = table.columns.map(plain);
  const pk = [...key, HISTORY.start];
  const remove = deleteByKey(ref, pk, keyCastFor(columns, pk[0]));
  const keyFor = keyMaker({ columns }, key);
  const keyAt = key.map((_, i) => i);
  for (;;) {
    await run(ctx, refreshTable(ref)); // the GROUP BY must not see deleted versions
    const latest = await run(ctx, keysWithOlderVersions(ref, key, HISTORY, perRound));
    if (latest.rows.length === 0) return;
    const latestStart = new Map(latest.rows.map((r) => [keyFor(r, keyAt), Number(r[key.length])]));
    const keys = latest.rows.map((r) => r.slice(0, key.length) as SqlValue[]);
    const versions = await versionsOf(ctx, ref, keyFor, pk, key, keys);
    const older: SqlValue[][] = [];
    for (const [k, list] of versions) {
      const keep = latestStart.get(k);
      if (keep === undefined) continue;
      for (const version of list) if (version.start < keep) older.push(version.values as SqlValue[]);
    }
    // Keys said to have older versions whose versions were not found by key would come back in
    // every round: fail instead of looping (the two reads disagreeing is our bug, not the data's).
    if (older.length === 0) {
      throw new DestinationError(
        "MIGRATE_KEEP_LATEST_STUCK",
        `Migrate (history to soft delete): ${shownTable(ref)} has keys with older versions, but reading them by key found none`,
      );
    }
    // A version deleted by an earlier attempt of this round is gone already: nothing to do.
    await ctx.client.bulk(remove.bulk, older, {
      ...requestOptions(ctx),
      keyColumns: pk,
      missingRowIsOk: true,
    });
    if (latest.rows.length < perRound) {
      await run(ctx, refreshTable(ref));
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
  ctx: CallContext,
  ref: TableRef,
  softDeletedColumn: string,
  options: MigrateOptions = {},
): Promise<void> {
  const what = "history to soft delete";
  let table = await currentTable(ctx, ref, what);
  if (!hasColumn(table, HISTORY.start)) {
    // Done already (or by an earlier attempt that stopped before its last step).
    await forgetColumnTypes(ctx, ref, [HISTORY.start, HISTORY.end, HISTORY.active]);
    return;
  }
  checkHistoryMode(table, what);
  const key = table.physical.primaryKey.filter((c) => c !== HISTORY.start);
  if (key.length === 0) {
    throw new MigrateRefusedError(
      "MIGRATE_NO_SOURCE_KEY",
      `Migrate (${what}): ${shownTable(ref)} has no primary key besides "${HISTORY.start}", so versions can't be told apart by record.`,
    );
  }
  const deleted = softDeletedColumn || SYSTEM_COLUMN.deleted;
  const flags = [...new Set([deleted, SYSTEM_COLUMN.deleted])];
  for (const name of flags) {
    if (hasColumn(table, name)) softDeleteColumn(table, name, what);
    const column: ColumnDef = { name, type: "BOOLEAN", primaryKey: false };
    await ensureColumn(ctx, ref, column, hasColumn(table, name), "to-soft-delete");
  }
  table = await existingTable(ctx, ref, what);

  await step(ctx, "to-soft-delete:keep-latest", async () => {
    await deleteOlderVersionsInPages(ctx, table, key, options.keysPerRound ?? KEYS_PER_ROUND);
  });
  await step(ctx, "to-soft-delete:flag-deleted", async () => {
    await updateAllRows(ctx, ref, deletedFromActive(ref, deleted, HISTORY.active));
    if (deleted !== SYSTEM_COLUMN.deleted) {
      await updateAllRows(ctx, ref, setWhereNull(ref, SYSTEM_COLUMN.deleted, false));
    }
  });

  const dropped = new Set<string>([HISTORY.start, HISTORY.end, HISTORY.active]);
  const final = table.columns
    .filter((c) => !dropped.has(c.name))
    .map((c): ColumnDef => ({ ...plain(c), primaryKey: key.includes(c.name) }));
  await rebuildTable(ctx, table.physical, final, []);
  await step(ctx, "to-soft-delete:record-types", async () => {
    await forgetColumnTypes(ctx, ref, [...dropped]);
  });
  ctx.log.info(`migrated ${shownTable(ref)} from history to soft delete mode`);
}

/**
 * Copies `from` into a new `to`, then migrates `to` to history mode. A `to` an earlier attempt
 * left is picked up where it stopped: copied rows are copied again (by key, converging), a `to`
 * already in history mode only finishes.
 */
export async function copyTableToHistoryMode(
  ctx: CallContext,
  from: TableRef,
  to: TableRef,
  softDeletedColumn: string,
): Promise<void> {
  const what = "copy_table_to_history_mode";
  validateTableRef(to);
  const source = await existingTable(ctx, from, what);
  const existing = await inspectTable(ctx, to);
  const target =
    existing && (await discardLeftoverRebuild(ctx, existing.physical))
      ? await existingTable(ctx, to, what)
      : existing;
  const definition = (t: DescribedTable) => t.columns.map(plain);
  if (target === undefined || sameDefinition(definition(target), definition(source))) {
    await copyTable(ctx, from, to);
  } else if (!isHistory(target)) {
    // Stopped while adding or filling the history columns: the source's columns must all be there.
    const have = new Map(target.columns.map((c) => [c.name, c.type]));
    if (source.columns.some((c) => have.get(c.name) !== c.type)) {
      throw new MigrateRefusedError(
        "MIGRATE_TARGET_EXISTS",
        `Migrate (${what}): table ${shownTable(to)} already exists with a different definition than ${shownTable(from)}.`,
      );
    }
    checkWritable(target);
    await step(ctx, "copy-table:copy-rows", async () => {
      await copyAllRows(ctx, source, to);
    });
  }
  await softDeleteToHistory(ctx, to, softDeletedColumn);
}
