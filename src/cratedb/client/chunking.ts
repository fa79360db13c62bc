/**
 * Splits `bulk_args` into request bodies of at most `limitBytes` serialized bytes. The body around
 * the arg sets is made per attempt (`bulkBodyOf`), because each attempt's statement text differs
 * (query id, deadline). An arg set that alone exceeds the limit still travels, alone, so
 * CrateDB's own limit decides.
 */
import type { SqlValue } from "../sql-client.ts";
import { stringifyRow, stringifyRows } from "./exact-json.ts";

export interface BulkChunk {
  /** Position of the chunk's first arg set in the whole bulk. */
  readonly start: number;
  readonly count: number;
  /** The chunk's arg sets as JSON, comma-separated, without brackets. */
  readonly rows: string;
}

/** Room for the leading comment and deadline the statement text gets per attempt. */
const TEXT_ALLOWANCE = 160;

export function* chunkBulk(
  stmt: string,
  bulkArgs: readonly (readonly SqlValue[])[],
  limitBytes: number,
): Generator<BulkChunk> {
  const frame = Buffer.byteLength(`{"stmt":${JSON.stringify(stmt)},"bulk_args":[]}`) + TEXT_ALLOWANCE;
  // Rows come chunked by size already (rowChunkBytes), so one request usually takes them all:
  // serialized in one call, about half the cost of one call per arg set.
  const all = stringifyRows(bulkArgs);
  if (frame + Buffer.byteLength(all) - 2 <= limitBytes || bulkArgs.length <= 1) {
    // A slice of a flat string shares its characters: no copy.
    if (bulkArgs.length > 0) yield { start: 0, count: bulkArgs.length, rows: all.slice(1, -1) };
    return;
  }
  let parts: string[] = [];
  let bytes = frame;
  let start = 0;
  for (let i = 0; i < bulkArgs.length; i++) {
    const row = stringifyRow(bulkArgs[i]!);
    const rowBytes = Buffer.byteLength(row);
    if (parts.length > 0 && bytes + 1 + rowBytes > limitBytes) {
      yield { start, count: parts.length, rows: parts.join(",") };
      parts = [];
      bytes = frame;
      start = i;
    }
    bytes += rowBytes + (parts.length > 0 ? 1 : 0);
    parts.push(row);
  }
  if (parts.length > 0) yield { start, count: parts.length, rows: parts.join(",") };
}

/** The arg sets of a retry, chosen from the whole bulk, as a chunk's `rows`. */
export const rowsOf = (rows: readonly (readonly SqlValue[])[]): string => rows.map(stringifyRow).join(",");

/** The body of one bulk request: the statement's final text around a chunk's rows. */
export function bulkBodyOf(text: string, rows: string): Buffer {
  return Buffer.from(`{"stmt":${JSON.stringify(text)},"bulk_args":[${rows}]}`);
}
