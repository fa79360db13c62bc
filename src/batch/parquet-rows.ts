import { openAsBlob } from "node:fs";
import { type Table, tableFromIPC } from "apache-arrow";
import { ParquetFile } from "parquet-wasm/node";
import { DestinationError } from "../errors.ts";
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
 * error — and decoded record batch by record batch from there. Memory: the plaintext file
 * (held once, as a Blob) plus one decoded batch; for plain files, one decoded batch only.
 */
export const DEFAULT_MAX_PARQUET_BYTES = 256 * 1024 * 1024;

/** Rows per decoded record batch: large enough to amortise the WASM round trip. */
const BATCH_ROWS = 16_384;
const CELL_OVERHEAD = 3;

export interface ParquetRowOptions extends RowOptions {
  readonly maxBytes: number;
}

/**
 * The Parquet plaintext as a Blob. A plain file is the plaintext already: it is opened as a
 * file-backed Blob and read in ranges, nothing held in memory. Otherwise the decrypted,
 * decompressed bytes are collected, up to `maxBytes`.
 */
async function plaintextBlob(
  path: string,
  bytes: AsyncIterable<Buffer>,
  options: ParquetRowOptions,
): Promise<Blob> {
  const { compression, encryption } = options.fileParams;
  if (compression === "none" && encryption === "none") {
    try {
      return await openAsBlob(path);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code ?? "unknown";
      throw new BatchFileError(
        "BATCH_FILE_UNREADABLE",
        path,
        `cannot read the file (${code})`,
        {},
        { cause },
      );
    }
  }
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of bytes) {
    size += part.length;
    if (size > options.maxBytes) {
      throw new BatchFileError(
        "BATCH_TOO_LARGE",
        path,
        `the Parquet file is larger than ${options.maxBytes} bytes decompressed, the most read into memory`,
      );
    }
    parts.push(part);
  }
  return new Blob(parts);
}

export async function* parquetRowChunks(
  path: string,
  bytes: AsyncIterable<Buffer>,
  options: ParquetRowOptions,
): AsyncGenerator<RowChunk> {
  const blob = await plaintextBlob(path, bytes, options);
  let file: ParquetFile;
  let schema: Table;
  try {
    file = await ParquetFile.fromFile(blob);
    schema = tableFromIPC(file.schema().intoIPCStream());
  } catch (cause) {
    throw new BatchFileError("BATCH_BAD_PARQUET", path, "not a readable Parquet file", {}, { cause });
  }
  try {
    const plan = planColumns(
      path,
      schema.schema.fields.map((f) => f.name),
      options.table,
      options.required,
    );
    for (const [k, def] of plan.defs.entries()) {
      const field = schema.schema.fields[plan.sourceIndex[k]!]!;
      if (!fitsColumn(field.type, def.type)) {
        throw new BatchFileError(
          "BATCH_BAD_PARQUET",
          path,
          `Parquet type ${String(field.type)} cannot be read into a ${def.type} column`,
          { column: def.name },
        );
      }
    }
    const nullString = options.fileParams.nullString === "" ? undefined : options.fileParams.nullString;
    const unmodifiedString =
      options.fileParams.unmodifiedString === "" ? undefined : options.fileParams.unmodifiedString;
    const contexts: CellContext[] = plan.defs.map((column) => ({
      column,
      text: textConverter(column),
      nullString,
      unmodifiedString,
    }));
    const chunks = new ChunkBuilder(plan.columns, options.chunkBytes);
    const stream = await file.stream({ batchSize: BATCH_ROWS, columns: [...plan.columns] });
    let row = 0;
    for await (const wasmBatch of stream as unknown as AsyncIterable<{ intoIPCStream(): Uint8Array }>) {
      options.signal?.throwIfAborted();
      const batch = tableFromIPC(wasmBatch.intoIPCStream());
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
    const rest = chunks.take();
    if (rest !== undefined) yield rest;
  } catch (error) {
    if (error instanceof DestinationError || options.signal?.aborted) throw error;
    // Failures inside the WASM decoder: a corrupt page, an unsupported encoding.
    throw new BatchFileError(
      "BATCH_BAD_PARQUET",
      path,
      "the Parquet data cannot be decoded",
      {},
      { cause: error },
    );
  } finally {
    file.free();
  }
}
