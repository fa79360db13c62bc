/** Reference model of Migrate (fivetran-protocol.md §7.10). */
import { type ColumnDef, SYSTEM_COLUMN } from "../../src/table-def.ts";
import type { Model, ModelRow, ModelTable } from "./expected-table.ts";
import { keyOf, tableOf } from "./expected-table.ts";
import { normalise, type Value } from "./normalise.ts";
import { MAX_END } from "./tester-batches.ts";
import type { Migration } from "./tester-calls.ts";

const { start: START, end: END, active: ACTIVE, deleted: DELETED, synced: SYNCED } = SYSTEM_COLUMN;
/** The lowest timestamp Fivetran uses for versions that were already deleted. */
export const MIN_START = "0001-01-01T00:00:00.000Z";

const ms = (v: Value | undefined): number => (v ? Date.parse(v) : Number.NaN);
const iso = (t: number): string => new Date(t).toISOString();
const copyTable = (t: ModelTable): ModelTable => ({
  columns: t.columns.map((c) => ({ ...c })),
  rows: t.rows.map((r) => ({ ...r })),
});
const column = (t: ModelTable, name: string): ColumnDef | undefined => t.columns.find((c) => c.name === name);

function addColumn(t: ModelTable, def: ColumnDef): void {
  if (column(t, def.name)) return;
  t.columns.push(def);
  for (const row of t.rows) row[def.name] = null;
}

function dropColumn(t: ModelTable, name: string): void {
  t.columns = t.columns.filter((c) => c.name !== name);
  for (const row of t.rows) delete row[name];
}

export function applyMigration(model: Model, mig: Migration): void {
  switch (mig.op) {
    case "drop_table":
      model.delete(mig.table);
      return;
    case "copy_table":
      model.set(mig.to, copyTable(tableOf(model, mig.from)));
      return;
    case "rename_table":
      model.set(mig.to, tableOf(model, mig.from));
      model.delete(mig.from);
      return;
    case "copy_column": {
      const t = tableOf(model, mig.table);
      const from = column(t, mig.from)!;
      addColumn(t, { ...from, name: mig.to, primaryKey: false });
      for (const row of t.rows) row[mig.to] = row[mig.from] ?? null;
      return;
    }
    case "rename_column": {
      const t = tableOf(model, mig.table);
      t.columns = t.columns.map((c) => (c.name === mig.from ? { ...c, name: mig.to } : c));
      for (const row of t.rows) {
        row[mig.to] = row[mig.from] ?? null;
        delete row[mig.from];
      }
      return;
    }
    case "update_column_value": {
      const t = tableOf(model, mig.table);
      const c = column(t, mig.column)!;
      const value = mig.value === "NULL" || mig.value === "" ? null : normalise(c, mig.value);
      for (const row of t.rows) row[mig.column] = value;
      return;
    }
    case "add_column_with_default_value": {
      const t = tableOf(model, mig.table);
      addColumn(t, { name: mig.column, type: mig.type, primaryKey: false });
      const value = normalise(column(t, mig.column)!, mig.value);
      for (const row of t.rows) row[mig.column] = value;
      return;
    }
    case "add_column_in_history_mode": {
      const t = tableOf(model, mig.table);
      addColumn(t, { name: mig.column, type: mig.type, primaryKey: false });
      const value = normalise(column(t, mig.column)!, mig.value);
      newVersionsAt(t, mig.column, value, ms(mig.at), () => true);
      return;
    }
    case "drop_column_in_history_mode": {
      const t = tableOf(model, mig.table);
      newVersionsAt(t, mig.column, null, ms(mig.at), (row) => row[mig.column] !== null);
      return;
    }
    case "copy_table_to_history_mode": {
      const t = copyTable(tableOf(model, mig.from));
      model.set(mig.to, t);
      softDeleteToHistory(t, mig.deletedColumn);
      return;
    }
    case "sync_mode": {
      const t = tableOf(model, mig.table);
      if (mig.type === "SOFT_DELETE_TO_HISTORY") softDeleteToHistory(t, mig.deletedColumn);
      else historyToSoftDelete(t, mig.deletedColumn);
      return;
    }
  }
}

/**
 * History add/drop column at T: active versions older than T (and selected) get a successor at T
 * carrying `value`; versions already at T take the value; the predecessors are closed at T − 1 ms.
 */
function newVersionsAt(
  t: ModelTable,
  name: string,
  value: Value,
  at: number,
  selected: (row: ModelRow) => boolean,
): void {
  if (t.rows.length === 0) return;
  const active = t.rows.filter((r) => r[ACTIVE] === "true");
  if (active.some((r) => ms(r[START]) > at))
    throw new Error("model: an active version starts after the operation time");
  const older = active.filter((r) => ms(r[START]) < at && selected(r));
  for (const row of older) t.rows.push({ ...row, [name]: value, [START]: iso(at) });
  for (const row of t.rows) if (ms(row[START]) === at) row[name] = value;
  for (const row of older) {
    row[ACTIVE] = "false";
    row[END] = iso(at - 1);
  }
}

function softDeleteToHistory(t: ModelTable, deletedColumn: string): void {
  const flag = deletedColumn && column(t, deletedColumn) ? deletedColumn : undefined;
  const latest = t.rows.reduce((a, r) => Math.max(a, ms(r[SYNCED] ?? null)), Number.NEGATIVE_INFINITY);
  const key = t.columns.filter((c) => c.primaryKey);
  t.columns = [
    ...key,
    { name: START, type: "UTC_DATETIME", primaryKey: true },
    ...t.columns.filter((c) => !c.primaryKey),
    { name: END, type: "UTC_DATETIME", primaryKey: false },
    { name: ACTIVE, type: "BOOLEAN", primaryKey: false },
  ];
  for (const row of t.rows) {
    const deleted = flag !== undefined && row[flag] === "true";
    row[ACTIVE] = String(!deleted);
    row[START] = deleted ? MIN_START : iso(latest);
    row[END] = deleted ? MIN_START : MAX_END;
  }
  if (column(t, DELETED)) dropColumn(t, DELETED);
}

function historyToSoftDelete(t: ModelTable, deletedColumn: string): void {
  const key = t.columns.filter((c) => c.primaryKey && c.name !== START).map((c) => c.name);
  const newest = new Map<string, ModelRow>();
  for (const row of t.rows) {
    const k = keyOf(t, row, key);
    const seen = newest.get(k);
    if (!seen || ms(row[START]) > ms(seen[START])) newest.set(k, row);
  }
  t.rows = [...newest.values()];
  addColumn(t, { name: DELETED, type: "BOOLEAN", primaryKey: false });
  const flag = deletedColumn || DELETED;
  addColumn(t, { name: flag, type: "BOOLEAN", primaryKey: false });
  for (const row of t.rows) row[flag] = String(row[ACTIVE] !== "true");
  for (const name of [START, END, ACTIVE]) dropColumn(t, name);
}
