import { type Table, tableFromIPC } from "apache-arrow";
import { ParquetFile, readParquet } from "parquet-wasm/node";
import { ChunkBuilder } from "./chunk-builder.ts";
import { planColumns } from "./column-plan.ts";
import { textConverter } from "./convert/converters.ts";
import type { RowOptions } from "./csv-rows.ts";
import { BatchFileError, fieldTooLarge, InvalidValue, rowTooLarge, ValueTooLarge } from "./errors.ts";
import { DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_ROW_BYTES } from "./limits.ts";
import { type CellContext, type CellReader, cellReader, fitsColumn } from "./parquet-values.ts";
import type { BatchValue, RowChunk } from "./values.ts";

/** Rows per record batch handed to Arrow: large enough to amortise the WASM round trip. */
const BATCH_ROWS = 16_384;
const CELL_OVERHEAD = 3;

export interface ParquetRowOptions extends RowOptions {
  readonly maxBytes: number;
}

/** The whole plaintext, up to `maxBytes`. */
async function plaintextBytes(path: string, bytes: AsyncIterable<Buffer>, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of bytes) {
    size += part.length;
    if (size > maxBytes) {
      throw new BatchFileError(
        "BATCH_TOO_LARGE",
        path,
        `the Parquet file is larger than ${maxBytes} bytes decompressed, the most read into memory`,
      );
    }
    parts.push(part);
  }
  return Buffer.concat(parts, size);
}

const unreadable = (path: string, cause: unknown) =>
  new BatchFileError("BATCH_BAD_PARQUET", path, "not a readable Parquet file", {}, { cause });
const undecodable = (path: string, cause: unknown) =>
  new BatchFileError("BATCH_BAD_PARQUET", path, "the Parquet data cannot be decoded", {}, { cause });

/**
 * Parquet needs random access (the footer is at the end), but Fivetran's files are encrypted
 * and compressed as a whole and plaintext must never touch the disk. So the plaintext is
 * collected in process memory — up to `maxBytes`, beyond which the file is refused with a clear
 * error — and decoded one row group at a time from there.
 *
 * Decoding uses parquet-wasm's synchronous `readParquet`: its asynchronous reader turns a
 * corrupt page into a WebAssembly trap that escapes as an uncaught exception and leaves the read
 * pending forever, while `readParquet` reports the same corruption as an ordinary error.
 * Memory: the plaintext in JS, a copy of it inside the WASM heap while a row group is decoded,
 * and the decoded row group.
 */
export async function* parquetRowChunks(
  path: string,
  bytes: AsyncIterable<Buffer>,
  options: ParquetRowOptions,
): AsyncGenerator<RowChunk> {
  const maxFieldBytes = options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
  const maxRowBytes = options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES;
  const plaintext = await plaintextBytes(path, bytes, options.maxBytes);
  let schema: Table;
  let rowGroups: RowGroupSizes[];
  try {
    // Footer only: the schema and, per row group, its rows and each column's decoded size.
    const file = await ParquetFile.fromFile(new Blob([plaintext]));
    try {
      schema = tableFromIPC(file.schema().intoIPCStream());
      rowGroups = rowGroupSizes(file);
    } finally {
      file.free();
    }
  } catch (cause) {
    throw unreadable(path, cause);
  }
  const { plan, contexts } = planParquet(path, schema, { ...options, maxFieldBytes });
  const chunks = new ChunkBuilder(plan.columns, options.rowChunkBytes);
  const limits = { maxBytes: options.maxBytes, maxFieldBytes, maxRowBytes };
  let row = 0;
  for (const [group, sizes] of rowGroups.entries()) {
    checkRowGroup(path, sizes, row + 1, plan.columns, limits);
    for (const batch of decodedBatches(path, plaintext, group, plan.columns)) {
      options.signal?.throwIfAborted();
      const readers: CellReader[] = plan.columns.map((name, k) =>
        cellReader(batch.getChild(name)!, contexts[k]!),
      );
      const n = readers.length;
      for (let i = 0; i < batch.numRows; i++) {
        row++;
        const values = new Array<BatchValue>(n);
        let rowBytes = 2;
        let rowSize = 0;
        for (let k = 0; k < n; k++) {
          let v: BatchValue;
          try {
            v = readers[k]!(i);
          } catch (error) {
            if (!(error instanceof InvalidValue)) throw error;
            throw new BatchFileError(
              error instanceof ValueTooLarge ? "BATCH_FIELD_TOO_LARGE" : "BATCH_BAD_VALUE",
              path,
              error.message,
              { row, column: plan.columns[k]! },
            );
          }
          values[k] = v;
          const size = typeof v === "string" ? v.length : 8;
          rowBytes += size + CELL_OVERHEAD;
          // Counted as CSV counts it: the values plus one byte per field.
          rowSize += size + 1;
          if (rowSize > maxRowBytes) {
            throw new BatchFileError("BATCH_ROW_TOO_LARGE", path, rowTooLarge(maxRowBytes), {
              row,
              column: plan.columns[k]!,
            });
          }
        }
        if (chunks.add(values, rowBytes)) yield chunks.take()!;
      }
    }
  }
  const rest = chunks.take();
  if (rest !== undefined) yield rest;
}

interface RowGroupSizes {
  readonly rows: number;
  /** Per column (top-level name): decoded bytes as the footer states them, and value count. */
  readonly columns: ReadonlyMap<string, { readonly bytes: number; readonly values: number }>;
}

function rowGroupSizes(file: ParquetFile): RowGroupSizes[] {
  const metadata = file.metadata();
  const groups: RowGroupSizes[] = [];
  for (let g = 0; g < metadata.numRowGroups(); g++) {
    const group = metadata.rowGroup(g);
    const columns = new Map<string, { bytes: number; values: number }>();
    for (const chunk of group.columns()) {
      const name = chunk.columnPath()[0] ?? "";
      const seen = columns.get(name) ?? { bytes: 0, values: 0 };
      columns.set(name, {
        bytes: seen.bytes + chunk.uncompressedSize(),
        values: Math.max(seen.values, chunk.numValues()),
      });
    }
    groups.push({ rows: group.numRows(), columns });
  }
  return groups;
}

/** Page headers, length prefixes and levels the footer's sizes include besides the values. */
const ENCODING_SLACK = 4096;

/**
 * Before a row group is decoded, from the sizes its footer states: Parquet compresses inside the
 * file, so a few KB may decode to hundreds of MB (one huge value), and the decoder holds the
 * whole row group. A column whose decoded bytes per value exceed the field limit must hold a value
 * over it; rows whose decoded bytes per row exceed the row limit must include a row over it; a
 * row group decoding to more than `maxBytes` is refused like a file that large. All three are
 * refused before decoding, naming the rows of the group (exactly, for a one-row group) and the
 * column. Values the footer understates (dictionary encoding repeats one stored value in many
 * rows) are caught per value after decoding.
 */
function checkRowGroup(
  path: string,
  sizes: RowGroupSizes,
  firstRow: number,
  columns: readonly string[],
  limits: { maxBytes: number; maxFieldBytes: number; maxRowBytes: number },
): void {
  if (sizes.rows === 0) return;
  const lastRow = firstRow + sizes.rows - 1;
  const rows = sizes.rows === 1 ? { row: firstRow } : {};
  const inRows = sizes.rows === 1 ? "" : ` (in rows ${firstRow}–${lastRow})`;
  let total = 0;
  let largest = { column: columns[0] ?? "", bytes: 0 };
  for (const column of columns) {
    const { bytes, values } = sizes.columns.get(column) ?? { bytes: 0, values: 0 };
    total += bytes;
    if (bytes > largest.bytes) largest = { column, bytes };
    if (values > 0 && (bytes - ENCODING_SLACK) / values > limits.maxFieldBytes) {
      throw new BatchFileError(
        "BATCH_FIELD_TOO_LARGE",
        path,
        `${fieldTooLarge(limits.maxFieldBytes)}${inRows}`,
        { ...rows, column },
      );
    }
  }
  if ((total - ENCODING_SLACK * columns.length) / sizes.rows > limits.maxRowBytes) {
    throw new BatchFileError("BATCH_ROW_TOO_LARGE", path, `${rowTooLarge(limits.maxRowBytes)}${inRows}`, {
      ...rows,
      column: largest.column,
    });
  }
  if (total > limits.maxBytes) {
    throw new BatchFileError(
      "BATCH_TOO_LARGE",
      path,
      `rows ${firstRow}–${lastRow} decode to more than ${limits.maxBytes} bytes, the most decoded at once`,
      { column: largest.column },
    );
  }
}

/**
 * One row group decoded, as Arrow tables of up to BATCH_ROWS rows. Only decoder failures become
 * BATCH_BAD_PARQUET; errors of our own code keep their identity.
 */
function* decodedBatches(path: string, plaintext: Uint8Array, group: number, columns: readonly string[]) {
  let decoded: ReturnType<typeof readParquet>;
  try {
    decoded = readParquet(plaintext, { rowGroups: [group], columns: [...columns], batchSize: BATCH_ROWS });
  } catch (cause) {
    throw undecodable(path, cause);
  }
  try {
    for (let b = 0; b < decoded.numBatches; b++) {
      let batch: Table;
      try {
        batch = tableFromIPC(decoded.recordBatch(b)!.intoIPCStream());
      } catch (cause) {
        throw undecodable(path, cause);
      }
      yield batch;
    }
  } finally {
    decoded.free();
  }
}

/** Column mapping from the file's schema, with each field's type checked against its column. */
function planParquet(path: string, schema: Table, options: ParquetRowOptions & { maxFieldBytes: number }) {
  const fields = schema.schema.fields;
  const plan = planColumns(
    path,
    fields.map((f) => f.name),
    options.table,
    options.required,
  );
  for (const [k, def] of plan.defs.entries()) {
    const field = fields[plan.sourceIndex[k]!]!;
    if (!fitsColumn(field.type, def.type)) {
      throw new BatchFileError(
        "BATCH_BAD_PARQUET",
        path,
        `Parquet type ${String(field.type)} cannot be read into a ${def.type} column`,
        { column: def.name },
      );
    }
  }
  const { nullString, unmodifiedString } = options.fileParams;
  const contexts: CellContext[] = plan.defs.map((column) => ({
    column,
    maxBytes: options.maxFieldBytes,
    text: textConverter(column),
    nullString: nullString === "" ? undefined : nullString,
    unmodifiedString: unmodifiedString === "" ? undefined : unmodifiedString,
  }));
  return { plan, contexts };
}
