import { basename } from "node:path";
import { DestinationError, type ErrorKind } from "../errors.ts";

/**
 * Every problem found while reading a batch file. Messages name the file (basename only), the
 * data row (1-based; the CSV header is row 0) and the column — never a value, key or file
 * content, since those may be customer data or secrets.
 */
export type BatchErrorCode =
  | "BATCH_FILE_UNREADABLE"
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
  | "BATCH_TOO_LARGE";

export interface BatchErrorPlace {
  readonly row?: number;
  readonly column?: string;
}

export class BatchFileError extends DestinationError {
  override readonly code: BatchErrorCode;
  /** Basename of the batch file. */
  readonly file: string;
  readonly row: number | undefined;
  readonly column: string | undefined;

  constructor(
    code: BatchErrorCode,
    path: string,
    problem: string,
    place: BatchErrorPlace = {},
    options?: ErrorOptions & { kind?: ErrorKind },
  ) {
    const file = basename(path);
    const where = [`batch file "${file}"`];
    if (place.row !== undefined) where.push(`row ${place.row}`);
    if (place.column !== undefined) where.push(`column "${place.column}"`);
    super(code, options?.kind ?? "user", `${where.join(", ")}: ${problem}`, options);
    this.name = "BatchFileError";
    this.code = code;
    this.file = file;
    this.row = place.row;
    this.column = place.column;
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
