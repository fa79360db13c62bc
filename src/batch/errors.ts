import { basename } from "node:path";
import { DestinationError, type DestinationErrorOptions, shownName } from "../errors.ts";

/**
 * Every problem found while reading a batch file. Messages name the file (basename only), the
 * data row (1-based; the CSV header is row 0) and the column — never a value, key or file
 * content, since those may be customer data or secrets.
 */
export type BatchErrorCode =
  | "BATCH_BAD_PATH"
  | "BATCH_FILE_NOT_ALLOWED"
  | "BATCH_FILE_UNREADABLE"
  | "BATCH_NOT_A_FILE"
  | "BATCH_FILE_STALLED"
  | "BATCH_KEY_MISSING"
  | "BATCH_KEY_INVALID"
  | "BATCH_DECRYPT_FAILED"
  | "BATCH_BAD_PADDING"
  | "BATCH_TRUNCATED"
  | "BATCH_CORRUPT_COMPRESSED"
  | "BATCH_MALFORMED_CSV"
  | "BATCH_RAGGED_ROW"
  | "BATCH_UNKNOWN_COLUMN"
  | "BATCH_DUPLICATE_COLUMN"
  | "BATCH_MISSING_COLUMN"
  | "BATCH_BAD_VALUE"
  | "BATCH_BAD_PARQUET"
  | "BATCH_TOO_LARGE"
  | "BATCH_FIELD_TOO_LARGE"
  | "BATCH_ROW_TOO_LARGE";

export interface BatchErrorPlace {
  readonly row?: number;
  /** A column of the request's table, or one the file's header shows to be a column name. */
  readonly column?: string;
  /**
   * 1-based position of a header field that is not a column of the table, named by position
   * only: its text may be anything the file holds (see column-plan.ts).
   */
  readonly field?: number;
}

/** File names are at most 255 bytes; this much identifies one in a message. */
const SHOWN_FILE_CHARS = 128;
/** Column names are at most 255 bytes; this much identifies one in a message. */
const SHOWN_COLUMN_CHARS = 64;

/**
 * How every message names a batch file: its base name only (the directory is the customer's
 * layout, not something the user needs), control characters escaped, cut to a short length.
 */
export function shownFileName(path: string): string {
  return shownName(basename(path), SHOWN_FILE_CHARS);
}

/** How every batch message names a column: control characters escaped, cut to a short length. */
export function shownColumnName(name: string): string {
  return shownName(name, SHOWN_COLUMN_CHARS);
}

export class BatchFileError extends DestinationError {
  override readonly code: BatchErrorCode;
  /** Basename of the batch file. */
  readonly file: string;
  readonly row: number | undefined;
  readonly column: string | undefined;
  readonly field: number | undefined;

  constructor(
    code: BatchErrorCode,
    path: string,
    problem: string,
    place: BatchErrorPlace = {},
    options?: DestinationErrorOptions,
  ) {
    const file = basename(path);
    const where = [`batch file "${shownFileName(path)}"`];
    if (place.row !== undefined) where.push(`row ${place.row}`);
    if (place.column !== undefined) where.push(`column "${shownColumnName(place.column)}"`);
    else if (place.field !== undefined) where.push(`an unknown column (header field ${place.field})`);
    super(code, `${where.join(", ")}: ${problem}`, options);
    this.name = "BatchFileError";
    this.code = code;
    this.file = file;
    this.row = place.row;
    this.column = place.column;
    this.field = place.field;
  }
}

/**
 * Thrown by value converters with the reason only; the row loop adds file, row and column.
 * Never carries the offending value.
 */
export class InvalidValue extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "InvalidValue";
  }
}

/** A value over the field size limit (Parquet); the row loop adds file, row and column. */
export class ValueTooLarge extends InvalidValue {
  constructor(limit: number) {
    super(fieldTooLarge(limit));
    this.name = "ValueTooLarge";
  }
}

export const fieldTooLarge = (limit: number): string =>
  `the value is larger than ${limit} bytes, the most one field may hold (--max-field-bytes)`;

export const rowTooLarge = (limit: number): string =>
  `the row is larger than ${limit} bytes, the most one row may hold (--max-row-bytes)`;
