/** The reference model's tables: columns and rows of comparable text values. */
import { UNMODIFIED } from "../../src/batch/values.ts";
import type { ColumnDef } from "../../src/table-def.ts";
import { normalise, type Value } from "./normalise.ts";
import type { Row } from "./tester-calls.ts";

export type ModelRow = Record<string, Value>;

export interface ModelTable {
  columns: ColumnDef[];
  rows: ModelRow[];
}

export type Model = Map<string, ModelTable>;

export function tableOf(model: Model, name: string): ModelTable {
  const table = model.get(name);
  if (!table) throw new Error(`model: table ${name} does not exist`);
  return table;
}

/** Comparable key of a row over the given columns. */
export function keyOf(table: ModelTable, row: Row | ModelRow, columns: readonly string[]): string {
  return JSON.stringify(
    columns.map((name) => {
      const column = table.columns.find((c) => c.name === name);
      const cell = row[name];
      return column && cell !== UNMODIFIED ? normalise(column, cell) : null;
    }),
  );
}

/** Model value of a file cell for a table column. */
export function cellValue(table: ModelTable, name: string, cell: Row[string] | undefined): Value {
  const column = table.columns.find((c) => c.name === name);
  if (!column || cell === UNMODIFIED || cell === undefined) return null;
  return normalise(column, cell);
}
