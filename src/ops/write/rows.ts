/**
 * Per-chunk row preparation shared by WriteBatch and WriteHistoryBatch: key strings, duplicate
 * folding in file order, and the checks that keep sentinels out of places they cannot be.
 */
import { type BatchValue, type RowChunk, shownColumnName, UNMODIFIED } from "../../batch/index.ts";
import { DestinationError, shownName, shownTable } from "../../errors.ts";
import type { TableDef, TableRef } from "../../table-def.ts";

/** Rows ready to send, with each row's 1-based position in its file (for error messages). */
export interface PreparedRows {
  readonly rows: BatchValue[][];
  readonly rowNumbers: number[];
  readonly keys: string[];
}

/** A value's part of a key string; type is fixed per column, so `1` and `"1"` never meet. */
const keyPart = (value: BatchValue): string =>
  value === null ? "\u0000" : typeof value === "symbol" ? "\u0001" : String(value);

/** One string per key: the value itself for one column, length-prefixed parts for several. */
export function keyOf(row: readonly BatchValue[], keyIndexes: readonly number[]): string {
  if (keyIndexes.length === 1) return keyPart(row[keyIndexes[0]!] ?? null);
  let key = "";
  for (const i of keyIndexes) {
    const part = keyPart(row[i] ?? null);
    key += `${part.length}:${part}`;
  }
  return key;
}

/** Positions of `names` in the chunk's columns; every one must be present. */
export function indexesOf(columns: readonly string[], names: readonly string[]): number[] {
  return names.map((name) => {
    const i = columns.indexOf(name);
    if (i < 0)
      throw new DestinationError("WRITE_COLUMN_MISSING", `column "${shownName(name, 64)}" not in file`);
    return i;
  });
}

export function primaryKey(table: TableDef): string[] {
  return table.columns.filter((c) => c.primaryKey).map((c) => c.name);
}

export class BatchRowError extends DestinationError {
  /** `file` as shownFileName gives it. */
  constructor(file: string, row: number, column: string, problem: string) {
    super(
      "BATCH_BAD_ROW",
      `batch file "${file}", row ${row}, column "${shownColumnName(column)}": ${problem}`,
    );
    this.name = "BatchRowError";
  }
}

/** Key columns must hold real values; `file` is the name shownFileName gives. */
export function checkKey(file: string, chunk: RowChunk, r: number, keyIndexes: readonly number[]): void {
  const row = chunk.rows[r]!;
  for (const i of keyIndexes) {
    const value = row[i];
    if (value === null || value === UNMODIFIED) {
      throw new BatchRowError(
        file,
        chunk.firstRow + r,
        chunk.columns[i]!,
        `a primary key column holds ${value === null ? "NULL" : "the unmodified marker"}`,
      );
    }
  }
}

/**
 * Replace rows, one per key: the last occurrence in the chunk wins (§7.8). The unmodified marker
 * has no meaning in a full row, so it is refused.
 */
export function lastPerKey(file: string, chunk: RowChunk, keyIndexes: readonly number[]): PreparedRows {
  for (let r = 0; r < chunk.rows.length; r++) {
    const u = chunk.rows[r]!.indexOf(UNMODIFIED);
    if (u >= 0) {
      throw new BatchRowError(
        file,
        chunk.firstRow + r,
        chunk.columns[u]!,
        "the unmodified marker in a replace file",
      );
    }
  }
  return onePerKey(file, chunk, keyIndexes, () => false);
}

/**
 * Update rows, one per key: later occurrences overlay only their modified columns on earlier ones,
 * which is what applying them one after another in file order gives (§7.8). The row number kept is
 * the last one folded in.
 */
export function foldedPerKey(file: string, chunk: RowChunk, keyIndexes: readonly number[]): PreparedRows {
  const at = new Map<string, number>();
  const out: PreparedRows = { rows: [], rowNumbers: [], keys: [] };
  for (let r = 0; r < chunk.rows.length; r++) {
    checkKey(file, chunk, r, keyIndexes);
    const row = chunk.rows[r]!;
    const key = keyOf(row, keyIndexes);
    const seen = at.get(key);
    if (seen === undefined) {
      at.set(key, out.rows.length);
      out.rows.push(row.slice());
      out.rowNumbers.push(chunk.firstRow + r);
      out.keys.push(key);
      continue;
    }
    const target = out.rows[seen]!;
    for (let i = 0; i < row.length; i++) if (row[i] !== UNMODIFIED) target[i] = row[i]!;
    out.rowNumbers[seen] = chunk.firstRow + r;
  }
  return out;
}

/**
 * Rows reduced to one per key, `keepFirst(kept, next)` deciding between two of the same key.
 * `checked` are the columns that must hold real values (default: the key).
 */
export function onePerKey(
  file: string,
  chunk: RowChunk,
  keyIndexes: readonly number[],
  keepFirst: (kept: readonly BatchValue[], next: readonly BatchValue[]) => boolean,
  checked: readonly number[] = keyIndexes,
): PreparedRows {
  const at = new Map<string, number>();
  const out: PreparedRows = { rows: [], rowNumbers: [], keys: [] };
  for (let r = 0; r < chunk.rows.length; r++) {
    checkKey(file, chunk, r, checked);
    const row = chunk.rows[r]!;
    const key = keyOf(row, keyIndexes);
    const seen = at.get(key);
    if (seen === undefined) {
      at.set(key, out.rows.length);
      out.rows.push(row);
      out.rowNumbers.push(chunk.firstRow + r);
      out.keys.push(key);
    } else if (!keepFirst(out.rows[seen]!, row)) {
      out.rows[seen] = row;
      out.rowNumbers[seen] = chunk.firstRow + r;
    }
  }
  return out;
}

/** Every write matches rows by key: a request without one can't be applied. */
export function requireKey(ref: TableRef, columns: readonly string[]): void {
  if (columns.length === 0) {
    throw new DestinationError(
      "TABLE_WITHOUT_KEY",
      `Table ${shownTable(ref)} has no primary key in the request.`,
    );
  }
}
