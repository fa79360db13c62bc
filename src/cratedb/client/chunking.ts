/**
 * Splits `bulk_args` into request bodies of at most `limitBytes` serialized bytes. Each arg set
 * is serialized exactly once, straight into the body it ends up in. An arg set that alone
 * exceeds the limit still travels, alone, so CrateDB's own limit decides about it.
 */
import type { SqlValue } from "../sql-client.ts";
import { stringifyRow } from "./exact-json.ts";

export interface BulkChunk {
  /** Position of the chunk's first arg set in the whole bulk. */
  readonly start: number;
  readonly count: number;
  readonly body: Buffer;
}

export function* chunkBulk(
  stmt: string,
  bulkArgs: readonly (readonly SqlValue[])[],
  limitBytes: number,
): Generator<BulkChunk> {
  const head = `{"stmt":${JSON.stringify(stmt)},"bulk_args":[`;
  const tail = "]}";
  const frame = Buffer.byteLength(head) + tail.length;
  let parts: string[] = [];
  let bytes = frame;
  let start = 0;
  for (let i = 0; i < bulkArgs.length; i++) {
    const row = stringifyRow(bulkArgs[i]!);
    const rowBytes = Buffer.byteLength(row);
    if (parts.length > 0 && bytes + 1 + rowBytes > limitBytes) {
      yield { start, count: parts.length, body: Buffer.from(head + parts.join(",") + tail) };
      parts = [];
      bytes = frame;
      start = i;
    }
    bytes += rowBytes + (parts.length > 0 ? 1 : 0);
    parts.push(row);
  }
  if (parts.length > 0) {
    yield { start, count: parts.length, body: Buffer.from(head + parts.join(",") + tail) };
  }
}

/** The body of one bulk request over the given, already chosen arg sets. */
export function bulkBody(stmt: string, rows: readonly (readonly SqlValue[])[]): Buffer {
  return Buffer.from(`{"stmt":${JSON.stringify(stmt)},"bulk_args":[${rows.map(stringifyRow).join(",")}]}`);
}
