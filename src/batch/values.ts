/** What the batch reader hands to ops: typed values ready for CrateDB's `/_sql` args. */

/** "This column keeps its current value" — the update file's unmodified marker, after parsing. */
export const UNMODIFIED: unique symbol = Symbol("unmodified");
export type Unmodified = typeof UNMODIFIED;

/**
 * One cell. `number`/`bigint` for integers (bigint only beyond ±2^53), decimal strings for
 * DECIMAL, epoch-millisecond numbers for the timestamp types, `"NaN"`/`"Infinity"`/`"-Infinity"`
 * for non-finite FLOAT/DOUBLE, strings for the text types.
 */
export type BatchValue = null | boolean | number | bigint | string | Unmodified;

export interface RowChunk {
  /** Names of the file's columns, in the table's column order; the same array for the whole file. */
  readonly columns: readonly string[];
  /** Each row holds one value per entry of `columns`, in that order. */
  readonly rows: BatchValue[][];
  /** 1-based data row number of `rows[0]` within the file (the CSV header is row 0). */
  readonly firstRow: number;
  /** Approximate serialized size of `rows` as JSON args, used to size requests. */
  readonly bytes: number;
}
