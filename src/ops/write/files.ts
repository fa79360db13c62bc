/**
 * What WriteBatch and WriteHistoryBatch share: the request's files and how to read them, the
 * tunables, and running a step's chunks through one KeyedPipeline (sending: sending.ts).
 */
import {
  type BatchFileLimits,
  type BatchFormat,
  DEFAULT_ROW_CHUNK_BYTES,
  type FileParams,
  type RowChunk,
  readBatchFile,
} from "../../batch/index.ts";
import { refreshTable } from "../../cratedb/sql/ddl.ts";
import { validateColumnNames, validateTableRef } from "../../cratedb/sql/names.ts";
import type { TableDef, TableRef } from "../../table-def.ts";
import { type CallContext, run } from "../context.ts";
import { KeyedPipeline } from "./pipeline.ts";
import { chunkPreparer, type WriteStepPlan } from "./prepare.ts";
import type { PreparedStream, PrepareThreads } from "./prepare-thread.ts";
import { type Sending, sendPrepared } from "./sending.ts";

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
  /** Where WriteBatch steps may be prepared off the call's thread; absent: all on it. */
  readonly threads?: PrepareThreads | undefined;
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
  return runWorks(
    ctx,
    source.ref,
    settings,
    options,
    worksOnThisThread(ctx, source, settings, paths, options, work),
  );
}

/**
 * A WriteBatch step: as runStep, with each chunk prepared by `plan` — in a prepare thread when
 * the settings have one free for a step this large, else here.
 */
export async function runWriteStep(
  ctx: CallContext,
  source: BatchSource,
  settings: WriteSettings,
  paths: readonly string[],
  options: FileStepRules,
  plan: WriteStepPlan,
): Promise<number> {
  const prepared = await settings.threads?.start(
    {
      plan,
      paths,
      read: {
        table: source.table,
        keys: source.keys,
        fileParams: source.fileParams,
        format: source.format,
        rowChunkBytes: settings.rowChunkBytes ?? DEFAULT_ROW_CHUNK_BYTES,
        required: options.required,
        limits: source.limits,
      },
    },
    ctx.signal,
  );
  if (prepared === undefined) {
    const prepare = chunkPreparer(plan);
    return runStep(ctx, source, settings, paths, options, (sending, chunk) => {
      const { keys, sends } = prepare(sending.path, chunk);
      return { keys, run: () => sendPrepared(sending, sends) };
    });
  }
  ctx.log.info(`${plan.kind} step: ${paths.length} file(s) read and prepared in a prepare thread`);
  const sendings = paths.map((path) => sendingFor(ctx, path, options));
  async function* works(stream: PreparedStream): AsyncGenerator<Work> {
    for await (const { file, chunk } of stream) {
      const sending = sendings[file]!;
      const { sends } = chunk;
      yield { rows: chunk.rows, keys: chunk.keys, run: () => sendPrepared(sending, sends) };
    }
  }
  try {
    return await runWorks(ctx, source.ref, settings, options, works(prepared));
  } finally {
    // Stops the thread whatever happened, even had the stream never been read.
    await prepared.return();
  }
}

/** What the pipeline runs for one chunk. */
interface Work {
  readonly rows: number;
  readonly keys: readonly string[];
  readonly run: () => Promise<void>;
}

async function runWorks(
  ctx: CallContext,
  ref: TableRef,
  settings: WriteSettings,
  options: FileStepRules,
  works: AsyncGenerator<Work>,
): Promise<number> {
  const pipeline = new KeyedPipeline({
    concurrency: settings.concurrency,
    refresh: options.searchBased ? () => refresh(ctx, ref) : undefined,
  });
  let rows = 0;
  try {
    try {
      for await (const work of works) {
        rows += work.rows;
        await pipeline.submit(work.keys, work.run);
      }
    } finally {
      await works.return(undefined);
    }
    await pipeline.drain();
  } finally {
    await pipeline.settle();
  }
  return rows;
}

async function* worksOnThisThread(
  ctx: CallContext,
  source: BatchSource,
  settings: WriteSettings,
  paths: readonly string[],
  options: FileStepRules,
  work: ChunkWork,
): AsyncGenerator<Work> {
  for (const path of paths) {
    const sending = sendingFor(ctx, path, options);
    const chunks = fileChunks(path, source, settings, options.required, ctx.signal);
    try {
      for (;;) {
        // The chunk itself is not held while the pipeline waits for a slot: only what `work` kept.
        const next = await nextWork(chunks, sending, work);
        if (next === undefined) break;
        yield next;
      }
    } finally {
      await chunks.return(undefined);
    }
  }
}

function sendingFor(ctx: CallContext, path: string, options: FileStepRules): Sending {
  return {
    ctx,
    path,
    keyColumns: options.keyColumns,
    missingRowIsOk: options.missingRowIsOk,
  };
}

async function nextWork(
  chunks: AsyncGenerator<RowChunk>,
  sending: Sending,
  work: ChunkWork,
): Promise<Work | undefined> {
  const next = await chunks.next();
  if (next.done === true) return undefined;
  return { rows: next.value.rows.length, ...work(sending, next.value) };
}

export async function refresh(ctx: CallContext, ref: TableRef): Promise<void> {
  await run(ctx, refreshTable(ref));
}
