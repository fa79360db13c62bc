/**
 * add_column_in_history_mode and drop_column_in_history_mode (fivetran-protocol.md §7.10,
 * docs/migrate.md): the change becomes a new version of every active record at the operation
 * timestamp T, and the versions it supersedes end at T − 1 ms. Three steps, each converging on
 * repeat: new versions are inserted only where (key, T) is absent, the value is set on every
 * version at T, and only still-active versions before T are closed.
 */

import { countRows } from "../../cratedb/sql/alter.ts";
import { castTypeSql } from "../../cratedb/sql/column-type.ts";
import { refreshTable } from "../../cratedb/sql/ddl.ts";
import {
  closeActiveVersionsBefore,
  type HistoryColumns,
  insertVersionsAt,
  maxActiveStart,
  setColumnAt,
  type VersionColumn,
} from "../../cratedb/sql/migrate.ts";
import type { SqlValue } from "../../cratedb/sql-client.ts";
import { crateTypeFor } from "../../cratedb/type-map.ts";
import { shownTable } from "../../errors.ts";
import { type ColumnDef, SYSTEM_COLUMN, type TableRef } from "../../table-def.ts";
import { type CallContext, count, run, step } from "../context.ts";
import type { DescribedTable } from "../table/describe.ts";
import { columnOf, existingTable, MigrateRefusedError } from "./checks.ts";
import { ensureColumn, plain, refuseKeyUpdate, valueFor } from "./column.ts";
import { operationTimestampMs } from "./values.ts";

export const HISTORY: HistoryColumns = {
  start: SYSTEM_COLUMN.start,
  end: SYSTEM_COLUMN.end,
  active: SYSTEM_COLUMN.active,
};

/** The table must be in history mode: the three columns present, `_fivetran_start` in the key. */
export function checkHistoryMode(table: DescribedTable, what: string): void {
  if (!table.physical.primaryKey.includes(HISTORY.start)) {
    throw new MigrateRefusedError(
      "MIGRATE_NOT_HISTORY",
      `Migrate (${what}): ${shownTable(table.physical.ref)} is not a history-mode table ("${HISTORY.start}" is not part of its primary key).`,
    );
  }
  for (const name of [HISTORY.end, HISTORY.active]) columnOf(table, name, what);
}

interface VersionChange {
  readonly column: ColumnDef;
  readonly value: SqlValue;
  /** Drop: only versions where the column holds a value need a new version. */
  readonly onlyWhereSet: boolean;
  readonly label: string;
}

/**
 * Whether the table has rows; refuses (before anything is written) when an active version starts
 * after T, since a version at T would then overlap it.
 */
async function hasRowsBefore(ctx: CallContext, ref: TableRef, atMs: number, label: string): Promise<boolean> {
  await run(ctx, refreshTable(ref));
  if ((await count(ctx, countRows(ref))) === 0) return false;
  const latest = (await run(ctx, maxActiveStart(ref, HISTORY))).rows[0]?.[0];
  if (latest !== null && latest !== undefined && Number(latest) > atMs) {
    throw new MigrateRefusedError(
      "MIGRATE_HISTORY_CONFLICT",
      `Migrate (${label}) on ${shownTable(ref)} was refused and nothing was written: some active versions start after the operation timestamp ${new Date(atMs).toISOString()}, so a version at that time would overlap them.`,
    );
  }
  return true;
}

async function addVersionsAt(
  ctx: CallContext,
  table: DescribedTable,
  columnNames: readonly string[],
  change: VersionChange,
  atMs: number,
): Promise<void> {
  const ref = table.physical.ref;
  const { column, value, label } = change;
  const onlyWhereSet = change.onlyWhereSet ? column.name : undefined;
  const start = columnOf(table, HISTORY.start, label);
  const columns: VersionColumn[] = columnNames.map((name) => {
    if (name === column.name) return { name, value, castAs: castTypeSql(crateTypeFor(column)) };
    if (name === HISTORY.start) return { name, value: atMs, castAs: castTypeSql(crateTypeFor(plain(start))) };
    return { name, copy: true };
  });
  await step(ctx, `${label}:insert-versions`, async () => {
    await run(ctx, insertVersionsAt(ref, columns, table.physical.primaryKey, HISTORY, atMs, onlyWhereSet));
  });
  await step(ctx, `${label}:set-at-timestamp`, async () => {
    await run(ctx, refreshTable(ref));
    await run(ctx, setColumnAt(ref, column.name, value, HISTORY, atMs));
  });
  await step(ctx, `${label}:close-versions`, async () => {
    await run(ctx, refreshTable(ref));
    await run(ctx, closeActiveVersionsBefore(ref, HISTORY, atMs, onlyWhereSet));
    await run(ctx, refreshTable(ref));
  });
}

export async function addColumnInHistoryMode(
  ctx: CallContext,
  ref: TableRef,
  column: ColumnDef,
  defaultValue: string,
  operationTimestamp: string,
): Promise<void> {
  const label = "add-history-column";
  const atMs = operationTimestampMs(operationTimestamp);
  const table = await existingTable(ctx, ref, "add_column_in_history_mode");
  checkHistoryMode(table, "add_column_in_history_mode");
  const existing = table.columns.find((c) => c.name === column.name);
  if (existing) refuseKeyUpdate(ref, existing, "add_column_in_history_mode");
  const actual = existing ? plain(existing) : column;
  const value = valueFor(actual, defaultValue, false);
  const hasRows = await hasRowsBefore(ctx, ref, atMs, "add_column_in_history_mode");
  await ensureColumn(ctx, ref, column, existing !== undefined, label);
  if (!hasRows) return;
  const names = table.columns.map((c) => c.name);
  if (!existing) names.push(column.name);
  await addVersionsAt(ctx, table, names, { column: actual, value, onlyWhereSet: false, label }, atMs);
  ctx.log.info(`added column ${column.name} to history table ${shownTable(ref)}`);
}

/** The column stays (history keeps its old values); from T on, new versions hold NULL. */
export async function dropColumnInHistoryMode(
  ctx: CallContext,
  ref: TableRef,
  column: string,
  operationTimestamp: string,
): Promise<void> {
  const label = "drop-history-column";
  const atMs = operationTimestampMs(operationTimestamp);
  const table = await existingTable(ctx, ref, "drop_column_in_history_mode");
  checkHistoryMode(table, "drop_column_in_history_mode");
  const target = columnOf(table, column, "drop_column_in_history_mode");
  refuseKeyUpdate(ref, target, "drop_column_in_history_mode");
  if (!(await hasRowsBefore(ctx, ref, atMs, "drop_column_in_history_mode"))) return;
  const names = table.columns.map((c) => c.name);
  await addVersionsAt(
    ctx,
    table,
    names,
    { column: plain(target), value: null, onlyWhereSet: true, label },
    atMs,
  );
  ctx.log.info(`dropped column ${column} from history table ${shownTable(ref)} (kept for older versions)`);
}
