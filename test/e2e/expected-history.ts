/** Reference model of WriteHistoryBatch (fivetran-protocol.md §7.9). */
import { UNMODIFIED } from "../../src/batch/values.ts";
import { SYSTEM_COLUMN } from "../../src/table-def.ts";
import { cellValue, keyOf, type ModelRow, type ModelTable } from "./expected-table.ts";
import type { Row, TableBatch } from "./tester-calls.ts";

const { start: START, end: END, active: ACTIVE } = SYSTEM_COLUMN;
const ms = (v: string | null | undefined): number => (v ? Date.parse(v) : Number.NaN);
const iso = (t: number): string => new Date(t).toISOString();

export function applyHistoryBatch(table: ModelTable, batch: TableBatch): void {
  const key = batch.table.columns.filter((c) => c.primaryKey && c.name !== START).map((c) => c.name);
  const k = (row: Row | ModelRow): string => keyOf(table, row, key);
  const versions = (row: Row | ModelRow): ModelRow[] => {
    const wanted = k(row);
    return table.rows.filter((r) => k(r) === wanted);
  };
  const startOf = (row: Row): number => ms(cellValue(table, START, row[START]));

  // 1. earliest_start: drop overlapping versions, close the active one (and, H1, the latest one
  //    if it still reaches past the new start).
  for (const row of batch.earliest) {
    const s = startOf(row);
    const wanted = k(row);
    table.rows = table.rows.filter((r) => k(r) !== wanted || ms(r[START]) < s);
    const remaining = versions(row);
    for (const r of remaining) {
      if (r[ACTIVE] === "true") {
        r[ACTIVE] = "false";
        r[END] = iso(s - 1);
      }
    }
    const latest = remaining.reduce<ModelRow | undefined>(
      (a, r) => (!a || ms(r[START]) > ms(a[START]) ? r : a),
      undefined,
    );
    if (latest && ms(latest[END]) >= s) {
      latest[END] = iso(s - 1);
      latest[ACTIVE] = "false";
    }
  }

  const upsertVersion = (row: ModelRow): void => {
    const wanted = k(row);
    const i = table.rows.findIndex((r) => k(r) === wanted && ms(r[START]) === ms(row[START]));
    if (i >= 0) table.rows[i] = row;
    else table.rows.push(row);
  };
  const blank = (): ModelRow => Object.fromEntries(table.columns.map((c) => [c.name, null]));

  // 2. replace: each row is a version exactly as given.
  for (const row of batch.replace) {
    const version = blank();
    for (const [name, cell] of Object.entries(row)) version[name] = cellValue(table, name, cell);
    upsertVersion(version);
  }

  // 3. update: fill unmodified fields from the base version (greatest start below this one),
  //    per key in ascending start order; no base → skipped.
  const updates = [...batch.update].sort((a, b) => startOf(a) - startOf(b));
  for (const row of updates) {
    const s = startOf(row);
    const base = versions(row)
      .filter((r) => ms(r[START]) < s)
      .reduce<ModelRow | undefined>((a, r) => (!a || ms(r[START]) > ms(a[START]) ? r : a), undefined);
    if (!base) continue;
    const version: ModelRow = { ...base };
    for (const [name, cell] of Object.entries(row)) {
      if (cell !== UNMODIFIED) version[name] = cellValue(table, name, cell);
    }
    upsertVersion(version);
  }

  // 4. delete: close the active version at the file's end time.
  for (const row of batch.delete) {
    for (const r of versions(row)) {
      if (r[ACTIVE] === "true") {
        r[ACTIVE] = "false";
        r[END] = cellValue(table, END, row[END]);
      }
    }
  }
}
