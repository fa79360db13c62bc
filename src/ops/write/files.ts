/**
 * What WriteBatch and WriteHistoryBatch share: the request's files and how to read them, the
 * tunables, and sending prepared rows so that a row CrateDB rejects is named by file, row and key
 * column names (never by its values).
 */
import {
  type BatchFileLimits,
  type BatchFormat,
  DEFAULT_ROW_CHUNK_BYTES,
  type FileParams,
  type RowChunk,
  readBatchFile,
  shownColumnName,
  shownFileName,
} from "../../batch/index.ts";
import { CrateDbError } from "../../cratedb/errors.ts";
import { refreshTable } from "../../cratedb/sql/ddl.ts";
import type { BulkSql } from "../../cratedb/sql/ident.ts";
import { validateColumnNames, validateTableRef } from "../../cratedb/sql/names.ts";
import type { BulkArgs } from "../../cratedb/sql-client.ts";
import { DestinationError } from "../../errors.ts";
import type { TableDef, TableRef } from "../../table-def.ts";
import { type CallContext, requestOptions, run } from "../context.ts";
import { KeyedPipeline } from "./pipeline.ts";

/** The parts of a Write(History)BatchRequest every step needs. */
export interface BatchSource {
  readonly ref: TableRef;
  /** The table as the request describes it: types, primary key. */
  readonly table: TableDef;
  /** The request's `keys`, by exact path. */
  readonly keys: Readonly<Record<string, Uint8Array>>;
  readonly fileParams: FileParams;
  readonly format: BatchFormat;
  /** What the operator allows the reader (`--batch-file-*` flags); absent: the defaults. */
  readonly limits?: BatchFileLimits;
}

export interface WriteSettings {
  /** Chunks in flight per step (the client's concurrency). */
  readonly concurrency: number;
  /** Target size of one chunk of rows (default 1 MiB). */
  readonly rowChunkBytes?: number;
}

/**
 * The request's table and column names, checked as CreateTable checks them: names CrateDB could
 * never hold (a NUL byte among them) are a Task, not a failed statement halfway through a batch.
 */
export function checkRequestedNames(source: BatchSource): void {
  validateTableRef(source.ref);
  validateColumnNames(
    source.ref,
    source.table.columns.map((c) => c.name),
  );
}

/** Every chunk of one file, in order. */
export function fileChunks(
  path: string,
  source: BatchSource,
  settings: WriteSettings,
  required: readonly string[] | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<RowChunk> {
  return readBatchFile(path, {
    table: source.table,
    keys: source.keys,
    fileParams: source.fileParams,
    format: source.format,
    rowChunkBytes: settings.rowChunkBytes ?? DEFAULT_ROW_CHUNK_BYTES,
    required,
    limits: source.limits,
    signal,
  });
}

/** What one step does with a chunk: the keys it touches and the work that writes it. */
export type ChunkWork = (
  sending: Sending,
  chunk: RowChunk,
) => { keys: readonly string[]; run: () => Promise<void> };

export interface FileStepRules {
  /** Columns each file must carry (default: the batch reader's). */
  readonly required?: readonly string[];
  /** The step's statements are searches: refresh before touching a key written since the last one. */
  readonly searchBased?: boolean;
  readonly keyColumns: readonly string[];
  readonly missingRowIsOk?: boolean | undefined;
  /** For statements that search for their rows: SEARCH_BULK_ITEMS. */
  readonly maxItemsPerRequest?: number;
}

/**
 * Every chunk of every file of one step through one KeyedPipeline, so writing overlaps parsing even
 * across file boundaries. Returns the number of rows read. Requests in flight are awaited whatever
 * happens, so nothing keeps writing after the RPC answered.
 */
export async function runStep(
  ctx: CallContext,
  source: BatchSource,
  settings: WriteSettings,
  paths: readonly string[],
  options: FileStepRules,
  work: ChunkWork,
): Promise<number> {
  const pipeline = new KeyedPipeline({
    concurrency: settings.concurrency,
    refresh: options.searchBased ? () => refresh(ctx, source.ref) : undefined,
  });
  let rows = 0;
  try {
    for (const path of paths) {
      const sending: Sending = {
        ctx,
        settings,
        path,
        keyColumns: options.keyColumns,
        missingRowIsOk: options.missingRowIsOk,
        maxItemsPerRequest: options.maxItemsPerRequest,
      };
      const chunks = fileChunks(path, source, settings, options.required, ctx.signal);
      try {
        for (;;) {
          // The chunk itself is not held while waiting for a slot: only what `work` kept of it.
          const next = await nextWork(chunks, sending, work);
          if (next === undefined) break;
          rows += next.rows;
          await pipeline.submit(next.keys, next.run);
        }
      } finally {
        await chunks.return(undefined);
      }
    }
    await pipeline.drain();
  } finally {
    await pipeline.settle();
  }
  return rows;
}

async function nextWork(
  chunks: AsyncGenerator<RowChunk>,
  sending: Sending,
  work: ChunkWork,
): Promise<{ rows: number; keys: readonly string[]; run: () => Promise<void> } | undefined> {
  const next = await chunks.next();
  if (next.done === true) return undefined;
  return { rows: next.value.rows.length, ...work(sending, next.value) };
}

export async function refresh(ctx: CallContext, ref: TableRef): Promise<void> {
  await run(ctx, refreshTable(ref));
}

/** A CrateDB failure while applying rows of a batch file, placed in that file. */
export class BatchWriteError extends DestinationError {
  constructor(where: string, cause: DestinationError) {
    super(cause.code, `${where}: ${cause.summary}`, { cause, hint: cause.hint ?? null });
    this.name = "BatchWriteError";
  }
}

export interface Sending {
  readonly ctx: CallContext;
  readonly settings: WriteSettings;
  readonly path: string;
  readonly keyColumns: readonly string[];
  /** Items naming a row that no longer exists are "nothing to do" (update/delete by key). */
  readonly missingRowIsOk?: boolean | undefined;
  /** Set for statements that search for their rows (SEARCH_BULK_ITEMS). */
  readonly maxItemsPerRequest?: number | undefined;
}

/**
 * Runs `sql` over `args` (one arg set per row); a failure is reported with the file and the row
 * number of the item CrateDB rejected, or the range of rows the request carried.
 */
export async function sendRows(
  sending: Sending,
  sql: BulkSql,
  args: BulkArgs,
  rowNumbers: readonly number[],
): Promise<void> {
  if (("kind" in args ? args.count : args.length) === 0) return;
  try {
    await sending.ctx.client.bulk(sql.bulk, args, {
      ...requestOptions(sending.ctx),
      keyColumns: sending.keyColumns,
      missingRowIsOk: sending.missingRowIsOk,
      maxItemsPerRequest: sending.maxItemsPerRequest,
    });
  } catch (error) {
    if (!(error instanceof CrateDbError) || error.kind === "transient") throw error;
    const file = `batch file "${shownFileName(sending.path)}"`;
    const keys = sending.keyColumns.map((c) => `"${shownColumnName(c)}"`).join(", ");
    const row = error.item === undefined ? undefined : rowNumbers[error.item];
    const where =
      row !== undefined
        ? `${file}, row ${row} (key columns ${keys})`
        : `${file}, rows ${rowRange(rowNumbers)}`;
    throw new BatchWriteError(where, error);
  }
}

/** "first–last" of row numbers that folding may have put out of order (no spread: arrays are large). */
function rowRange(rowNumbers: readonly number[]): string {
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const n of rowNumbers) {
    if (n < first) first = n;
    if (n > last) last = n;
  }
  return `${first}–${last}`;
}
