import { shownName } from "../errors.ts";
import { type ColumnDef, SYSTEM_COLUMN, type TableDef } from "../table-def.ts";
import { BatchFileError } from "./errors.ts";

/**
 * How a file's columns map onto the table: decided once per file from its header (CSV) or
 * schema (Parquet). The output order is the table's column order, whatever order the file uses
 * (the tester shuffles it per file).
 */
export interface ColumnPlan {
  /** Names of the file's columns, in table order. */
  readonly columns: readonly string[];
  readonly defs: readonly ColumnDef[];
  /** For each output column, its position in the file. */
  readonly sourceIndex: readonly number[];
  /** Number of columns in the file. */
  readonly fileWidth: number;
}

/**
 * Columns every file must carry unless the caller says otherwise: the primary key (without
 * `_fivetran_start`, which history delete files may omit) and `_fivetran_synced`.
 */
export function defaultRequiredColumns(table: TableDef): string[] {
  const pk = table.columns.filter((c) => c.primaryKey && c.name !== SYSTEM_COLUMN.start).map((c) => c.name);
  const synced = table.columns.some((c) => c.name === SYSTEM_COLUMN.synced) ? [SYSTEM_COLUMN.synced] : [];
  return [...pk, ...synced];
}

/**
 * The file's columns mapped onto the table. Header fields are file content: for a path that is
 * not a batch file at all (say /etc/passwd sent as one), the "header" is the file's first line.
 * So an error names a header field by its text only when that text is a column of the request's
 * table, or when the header carries every required column (the destination always requires a
 * fixed system column such as `_fivetran_synced`), which shows it to be a batch file header whose
 * fields are column names — then naming the unknown column is what the user needs. Otherwise the
 * field is named by position: "an unknown column (header field N)".
 */
export function planColumns(
  path: string,
  fileColumns: readonly string[],
  table: TableDef,
  required: readonly string[],
): ColumnPlan {
  const known = new Set(table.columns.map((c) => c.name));
  const present = new Set(fileColumns);
  const isHeader = required.length > 0 && required.every((name) => present.has(name));
  const place = (name: string, i: number) =>
    known.has(name) || isHeader ? { row: 0, column: name } : { row: 0, field: i + 1 };
  const position = new Map<string, number>();
  fileColumns.forEach((name, i) => {
    if (position.has(name)) {
      throw new BatchFileError(
        "BATCH_DUPLICATE_COLUMN",
        path,
        "the header names this column twice",
        place(name, i),
      );
    }
    position.set(name, i);
  });
  fileColumns.forEach((name, i) => {
    if (!known.has(name)) {
      throw new BatchFileError(
        "BATCH_UNKNOWN_COLUMN",
        path,
        `the table "${shownName(table.name)}" has no such column`,
        place(name, i),
      );
    }
  });
  for (const name of required) {
    if (!position.has(name)) {
      throw new BatchFileError("BATCH_MISSING_COLUMN", path, "required column is missing from the file", {
        row: 0,
        column: name,
      });
    }
  }
  const defs = table.columns.filter((c) => position.has(c.name));
  return {
    columns: defs.map((c) => c.name),
    defs,
    sourceIndex: defs.map((c) => position.get(c.name)!),
    fileWidth: fileColumns.length,
  };
}
