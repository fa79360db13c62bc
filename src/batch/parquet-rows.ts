import { type Table, tableFromIPC } from "apache-arrow";
import { ParquetFile, readParquet } from "parquet-wasm/node";
import { ChunkBuilder } from "./chunk-builder.ts";
import { planColumns } from "./column-plan.ts";
import { textConverter } from "./convert/converters.ts";
import type { RowOptions } from "./csv-rows.ts";
import { BatchFileError, InvalidValue } from "./errors.ts";
import { type CellContext, type CellReader, cellReader, fitsColumn } from "./parquet-values.ts";
import type { BatchValue, RowChunk } from "./values.ts";

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
export const DEFAULT_MAX_PARQUET_BYTES = 256 * 1024 * 1024;

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

export async function* parquetRowChunks(
  path: string,
  bytes: AsyncIterable<Buffer>,
  options: ParquetRowOptions,
): AsyncGenerator<RowChunk> {
  const plaintext = await plaintextBytes(path, bytes, options.maxBytes);
  let schema: Table;
  let rowGroups: number;
  try {
    // Footer only: the schema and the number of row groups.
    const file = await ParquetFile.fromFile(new Blob([plaintext]));
    try {
      schema = tableFromIPC(file.schema().intoIPCStream());
      rowGroups = file.metadata().numRowGroups();
    } finally {
      file.free();
    }
  } catch (cause) {
    throw unreadable(path, cause);
  }
  const { plan, contexts } = planParquet(path, schema, options);
  const chunks = new ChunkBuilder(plan.columns, options.chunkBytes);
  let row = 0;
  for (let group = 0; group < rowGroups; group++) {
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
        for (let k = 0; k < n; k++) {
          let v: BatchValue;
          try {
            v = readers[k]!(i);
          } catch (error) {
            if (!(error instanceof InvalidValue)) throw error;
            throw new BatchFileError("BATCH_BAD_VALUE", path, error.message, {
              row,
              column: plan.columns[k]!,
            });
          }
          values[k] = v;
          rowBytes += (typeof v === "string" ? v.length : 8) + CELL_OVERHEAD;
        }
        if (chunks.add(values, rowBytes)) yield chunks.take()!;
      }
    }
  }
  const rest = chunks.take();
  if (rest !== undefined) yield rest;
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
function planParquet(path: string, schema: Table, options: ParquetRowOptions) {
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
    text: textConverter(column),
    nullString: nullString === "" ? undefined : nullString,
    unmodifiedString: unmodifiedString === "" ? undefined : unmodifiedString,
  }));
  return { plan, contexts };
}
