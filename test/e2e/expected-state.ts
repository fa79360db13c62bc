/**
 * Reference model: a plain in-memory destination implementing the RPC semantics of
 * fivetran-protocol.md §7 (written from the spec, not from src/). Fed the same TesterCalls the
 * replay harness sent, it yields the expected columns and rows of every table.
 * Values are kept as comparable text (normalise.ts).
 */
import { UNMODIFIED } from "../../src/batch/values.ts";
import { type ColumnDef, SYSTEM_COLUMN, type TableDef } from "../../src/table-def.ts";
import { applyHistoryBatch } from "./expected-history.ts";
import { applyMigration } from "./expected-migrate.ts";
import { cellValue, keyOf, type Model, type ModelRow, type ModelTable, tableOf } from "./expected-table.ts";
import { normalise } from "./normalise.ts";
import type { Row, TableBatch, TesterCall } from "./tester-calls.ts";

export type { Model, ModelRow, ModelTable };

export function expectedState(calls: readonly TesterCall[]): Model {
  const model: Model = new Map();
  for (const call of calls) apply(model, call);
  return model;
}

function apply(model: Model, call: TesterCall): void {
  switch (call.rpc) {
    case "createTable":
      if (model.has(call.table.name)) throw new Error(`model: CreateTable on existing ${call.table.name}`);
      model.set(call.table.name, { columns: call.table.columns.map((c) => ({ ...c })), rows: [] });
      return;
    case "alterTable":
      alterTable(tableOf(model, call.table.name), call.table, call.dropColumns);
      return;
    case "describeTable":
      return;
    case "truncate": {
      const table = model.get(call.table);
      if (table) truncate(table, call.cutoffMs, call.soft);
      return;
    }
    case "writeBatch":
      writeBatch(tableOf(model, call.batch.table.name), call.batch);
      return;
    case "writeHistoryBatch":
      applyHistoryBatch(tableOf(model, call.batch.table.name), call.batch);
      return;
    case "migrate":
      applyMigration(model, call.migration);
      return;
  }
}

/** §7.6: add missing columns, retype, re-key; absent columns are dropped only with drop_columns. */
function alterTable(table: ModelTable, def: TableDef, dropColumns: boolean): void {
  const wanted = new Map(def.columns.map((c) => [c.name, c]));
  const next: ColumnDef[] = [];
  for (const column of table.columns) {
    const target = wanted.get(column.name);
    if (target) {
      // A type change converts stored values: as the old type read them, cast to the new one
      // (DOUBLE → FLOAT loses precision, a smaller scale rounds).
      if (target.type !== column.type || target.decimal?.scale !== column.decimal?.scale) {
        for (const row of table.rows)
          row[column.name] = normalise(target, normalise(column, row[column.name]));
      }
      next.push({ ...target });
    } else if (dropColumns) {
      for (const row of table.rows) delete row[column.name];
    } else {
      next.push({ ...column, primaryKey: false });
    }
  }
  for (const column of def.columns) {
    if (table.columns.some((c) => c.name === column.name)) continue;
    next.push({ ...column });
    for (const row of table.rows) row[column.name] = null;
  }
  table.columns = next;
}

/** §7.7: rows synced strictly before the cutoff are deleted, or flagged deleted when soft. */
function truncate(table: ModelTable, cutoffMs: number, soft: boolean): void {
  const before = (row: ModelRow): boolean => {
    const synced = row[SYSTEM_COLUMN.synced];
    return synced !== null && synced !== undefined && Date.parse(synced) < cutoffMs;
  };
  if (soft) {
    for (const row of table.rows) if (before(row)) row[SYSTEM_COLUMN.deleted] = "true";
  } else {
    table.rows = table.rows.filter((row) => !before(row));
  }
}

/** §7.8: replace (last occurrence wins), then update (folded in order), then delete; by the request's PK. */
function writeBatch(table: ModelTable, batch: TableBatch): void {
  const pk = batch.table.columns.filter((c) => c.primaryKey).map((c) => c.name);
  const find = (row: Row): number => {
    const key = keyOf(table, row, pk);
    return table.rows.findIndex((r) => keyOf(table, r, pk) === key);
  };
  for (const row of batch.replace) {
    const i = find(row);
    const target: ModelRow =
      i >= 0 ? table.rows[i]! : Object.fromEntries(table.columns.map((c) => [c.name, null]));
    for (const [name, cell] of Object.entries(row)) target[name] = cellValue(table, name, cell);
    if (i < 0) table.rows.push(target);
  }
  for (const row of batch.update) {
    const target = table.rows[find(row)];
    if (!target) continue;
    for (const [name, cell] of Object.entries(row)) {
      if (cell !== UNMODIFIED) target[name] = cellValue(table, name, cell);
    }
  }
  for (const row of batch.delete) {
    const i = find(row);
    if (i >= 0) table.rows.splice(i, 1);
  }
}
