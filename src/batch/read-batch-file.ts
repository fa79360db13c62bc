import type { TableDef } from "../table-def.ts";
import { defaultRequiredColumns } from "./column-plan.ts";
import { csvRowChunks } from "./csv-rows.ts";
import type { BatchFormat, FileParams } from "./file-params.ts";
import {
  type BatchFileLimits,
  DEFAULT_MAX_FIELD_BYTES,
  DEFAULT_MAX_PARQUET_BYTES,
  DEFAULT_MAX_ROW_BYTES,
} from "./limits.ts";
import type { ParquetRowOptions } from "./parquet-rows.ts";
import { plaintextChunks } from "./plaintext.ts";
import { prefetched } from "./prefetch.ts";
import type { RowChunk } from "./values.ts";

export const DEFAULT_ROW_CHUNK_BYTES = 1024 * 1024;

export interface ReadBatchFileOptions {
  /** The table as the request describes it: column types pick the converters. */
  readonly table: TableDef;
  /** The request's `keys`, looked up by the exact path. Ignored when encryption is "none". */
  readonly keys: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;
  readonly fileParams: FileParams;
  readonly format: BatchFormat;
  /** Target serialized size of each chunk (default 1 MiB); a chunk ends after the row crossing it. */
  readonly rowChunkBytes?: number;
  /**
   * Columns the file must contain (default: the primary key without `_fivetran_start`, and
   * `_fivetran_synced`). History earliest-start files, for example, carry only the source key and
   * `_fivetran_start`; pass what the file kind promises.
   */
  readonly required?: readonly string[] | undefined;
  /** Upper bound on a Parquet file's plaintext, which is held in memory (default 256 MiB). */
  readonly maxParquetBytes?: number;
  /** What the operator allows (src/batch/limits.ts); each absent field takes its default. */
  readonly limits?: BatchFileLimits | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * One batch file as chunks of typed rows: read → decrypt → decompress → parse → convert, all
 * streaming with backpressure (CSV), in bounded memory. The next chunk is prepared while the
 * consumer works on the current one. Every failure is a `BatchFileError` naming the file (and
 * the row and column where it applies); leaving the loop early releases the file.
 */
export function readBatchFile(path: string, options: ReadBatchFileOptions): AsyncGenerator<RowChunk> {
  const bytes = plaintextChunks(path, options);
  const rowOptions = {
    table: options.table,
    fileParams: options.fileParams,
    required: options.required ?? defaultRequiredColumns(options.table),
    rowChunkBytes: options.rowChunkBytes ?? DEFAULT_ROW_CHUNK_BYTES,
    maxFieldBytes: options.limits?.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES,
    maxRowBytes: options.limits?.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES,
    signal: options.signal,
  };
  const rows =
    options.format === "parquet"
      ? lazyParquetRowChunks(path, bytes, {
          ...rowOptions,
          maxBytes: options.maxParquetBytes ?? DEFAULT_MAX_PARQUET_BYTES,
        })
      : csvRowChunks(path, bytes, rowOptions);
  return prefetched(rows);
}

/**
 * Parquet's decoder — a WebAssembly module and Apache Arrow, ~35 MB resident — loads with the
 * first Parquet file, so a destination that is sent CSV never carries it.
 */
async function* lazyParquetRowChunks(
  path: string,
  bytes: AsyncIterable<Buffer>,
  options: ParquetRowOptions,
): AsyncGenerator<RowChunk> {
  const { parquetRowChunks } = await import("./parquet-rows.ts");
  yield* parquetRowChunks(path, bytes, options);
}
