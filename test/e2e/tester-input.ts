/**
 * The sdk-tester's input JSON (fivetran-protocol.md §8.2) as typed values, and the table
 * definitions the tester derives from it (system columns added as current testers add them).
 */
import { readFileSync } from "node:fs";
import {
  type ColumnDef,
  FIVETRAN_TYPES,
  type FivetranType,
  SYSTEM_COLUMN,
  type TableDef,
} from "../../src/table-def.ts";

export type JsonValue = string | number | boolean | null;
export type InputRow = Readonly<Record<string, JsonValue>>;

export type ColumnSpec =
  | string
  | { readonly type: string; readonly precision?: number; readonly scale?: number };

export interface InputTable {
  readonly columns: Readonly<Record<string, ColumnSpec>>;
  readonly primary_key?: readonly string[];
  readonly history_mode?: boolean;
}

export type InputOp =
  | { readonly upsert: Readonly<Record<string, readonly InputRow[]>> }
  | { readonly update: Readonly<Record<string, readonly InputRow[]>> }
  | { readonly delete: Readonly<Record<string, readonly InputRow[]>> }
  | { readonly soft_delete: Readonly<Record<string, readonly InputRow[]>> }
  | { readonly truncate_before: readonly string[] }
  | { readonly soft_truncate_before: readonly string[] };

/** One group: migration kind → its parameter objects, run in the order written. */
export type MigrationGroup = Readonly<Record<string, readonly Readonly<Record<string, string>>[]>>;

export interface TesterInput {
  readonly create_table?: Readonly<Record<string, InputTable>>;
  readonly alter_table?: Readonly<Record<string, InputTable>>;
  readonly describe_table?: readonly string[];
  readonly ops?: readonly InputOp[];
  readonly schema_migration?: readonly MigrationGroup[];
}

const FIXTURES = new URL("../fixtures/fivetran-tester/", import.meta.url);

/**
 * Integers beyond 2^53 keep their exact text, as Java reads them; fractions go through a double,
 * as the tester's do (§8.3).
 */
export function loadInput(name: string): TesterInput {
  const exactIntegers = (_key: string, value: unknown, context?: { source?: string }): unknown =>
    typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value) && context?.source
      ? context.source
      : value;
  return JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8"), exactIntegers as never) as TesterInput;
}

export function fivetranType(name: string): FivetranType {
  const type = FIVETRAN_TYPES.find((t) => t === name);
  if (!type) throw new Error(`unknown data type ${name} in tester input`);
  return type;
}

function columnDef(name: string, spec: ColumnSpec, primaryKey: boolean): ColumnDef {
  if (typeof spec === "string") return { name, type: fivetranType(spec), primaryKey };
  const type = fivetranType(spec.type);
  return spec.precision !== undefined && spec.scale !== undefined
    ? { name, type, primaryKey, decimal: { precision: spec.precision, scale: spec.scale } }
    : { name, type, primaryKey };
}

/**
 * The definition the tester sends: the user columns, then `_fivetran_id` for keyless tables, the
 * history columns for history mode, `_fivetran_deleted` for every other table (testers from
 * 2.26.0408 on; older ones add it by AlterTable before the first soft op) and `_fivetran_synced`.
 */
export function testerTableDef(
  name: string,
  table: InputTable,
  options: { readonly deletedColumn?: boolean } = {},
): TableDef {
  const pk = table.primary_key ?? [];
  const history = table.history_mode === true;
  const columns = Object.entries(table.columns).map(([column, spec]) =>
    columnDef(column, spec, pk.includes(column)),
  );
  if (pk.length === 0) columns.push({ name: SYSTEM_COLUMN.id, type: "STRING", primaryKey: true });
  if (history) {
    columns.push(
      { name: SYSTEM_COLUMN.start, type: "UTC_DATETIME", primaryKey: true },
      { name: SYSTEM_COLUMN.end, type: "UTC_DATETIME", primaryKey: false },
      { name: SYSTEM_COLUMN.active, type: "BOOLEAN", primaryKey: false },
    );
  } else if (options.deletedColumn ?? true) {
    columns.push({ name: SYSTEM_COLUMN.deleted, type: "BOOLEAN", primaryKey: false });
  }
  columns.push({ name: SYSTEM_COLUMN.synced, type: "UTC_DATETIME", primaryKey: false });
  return { name, columns };
}

export const isHistoryTable = (def: TableDef): boolean =>
  def.columns.some((c) => c.name === SYSTEM_COLUMN.start && c.primaryKey);

/** The source key: PK columns without `_fivetran_start`. */
export const sourceKey = (def: TableDef): string[] =>
  def.columns.filter((c) => c.primaryKey && c.name !== SYSTEM_COLUMN.start).map((c) => c.name);
