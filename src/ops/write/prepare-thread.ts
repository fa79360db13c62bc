/**
 * Prepare threads: one call's WriteBatch step prepared off the call's thread (prepare-worker.ts),
 * so one call can use two cores, and several calls more. The call's thread keeps ordering per key
 * (KeyedPipeline) and HTTP; the thread posts prepared chunks, a few ahead.
 *
 * Threads are few and only for large steps: each costs ~50 MB and ~50 ms to start, which a small
 * batch would not win back, and more threads than cores only compete. A step that finds no thread
 * free is prepared on its call's thread, as everything was before threads.
 */
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ArgGroup } from "../../cratedb/sql-client.ts";
import { DestinationError } from "../../errors.ts";
import type { PreparedChunk } from "./prepare.ts";
import {
  type FromPrepareThread,
  fromWire,
  type PrepareJob,
  type PrepareThreadData,
  type ToPrepareThread,
} from "./prepare-protocol.ts";
import { prepareWorkerScript, type WorkerScript } from "./worker-script.ts";

/** Steps whose files are smaller than this together (on disk, compressed) stay on the call's thread. */
export const DEFAULT_PREPARE_THREAD_MIN_BYTES = 1024 * 1024;
/**
 * A thread's young generation. V8 would size it by the machine's memory (~200 MB on a large host)
 * although a thread keeps only a few chunks; 16, 32 and 64 MB measured the same rows/s and peak
 * RSS (docs/benchmarks.md).
 */
const resourceLimits = { maxYoungGenerationSizeMb: 16 };
/** Prepared chunks a thread may hold ahead of the call: enough to never leave the call waiting. */
const CHUNKS_AHEAD = 2;

export interface PrepareThreadOptions {
  /** Threads at most, shared by all calls; 0: every step on its call's thread. */
  readonly threads: number;
  readonly minBytes?: number;
  readonly script?: WorkerScript;
}

/**
 * Two fewer than the cores: one for the calls' own thread (ordering, HTTP), one for what runs
 * beside every thread anyway (zstd and gzip in libuv's pool, V8's collector). On two cores a
 * thread gained only where the one thread had been the limit, and cost ~10 % more CPU per row and
 * ~50 MB (docs/benchmarks.md). Node 24's count honours CPU affinity and cgroup CPU quotas (libuv
 * ≥ 1.49), so a container limited to 4 CPUs on a large host gets 2, not the host's cores − 2.
 */
export const defaultPrepareThreads = (): number => Math.max(0, availableParallelism() - 2);

/** The process's prepare threads: how many may run, and which steps get one. */
export class PrepareThreads {
  readonly #capacity: number;
  readonly #minBytes: number;
  readonly #script: WorkerScript | undefined;
  #running = 0;
  #started = 0;
  #cpuMicros = 0;

  constructor(options: PrepareThreadOptions) {
    this.#capacity = Math.max(0, Math.floor(options.threads));
    this.#minBytes = options.minBytes ?? DEFAULT_PREPARE_THREAD_MIN_BYTES;
    this.#script = options.script;
  }

  /** Threads running now. */
  get running(): number {
    return this.#running;
  }

  /** Threads started since the process started. */
  get started(): number {
    return this.#started;
  }

  /** CPU seconds of the threads that ran to the end of their step (or its failure). */
  get cpuSeconds(): number {
    return this.#cpuMicros / 1e6;
  }

  /**
   * Prepared chunks of `job` from a thread, or undefined when the step is to be prepared on the
   * call's thread (small files, no thread free). A file that cannot be looked at counts as small:
   * reading it on the call's thread reports what is wrong with it.
   */
  async start(job: PrepareJob, signal: AbortSignal | undefined): Promise<PreparedStream | undefined> {
    if (this.#running >= this.#capacity || job.paths.length === 0) return undefined;
    let bytes = 0;
    for (const path of job.paths) {
      const size = await stat(path).then(
        (s) => (s.isFile() ? s.size : 0),
        () => 0,
      );
      bytes += size;
    }
    // Checked again: other calls may have taken the last thread while the files were looked at.
    if (bytes < this.#minBytes || this.#running >= this.#capacity) return undefined;
    this.#running++;
    this.#started++;
    return new PreparedStream(this.#script ?? prepareWorkerScript(), job, signal, (cpuMicros) => {
      this.#running--;
      this.#cpuMicros += cpuMicros;
    });
  }
}

export interface PreparedItem {
  /** Index into the job's paths. */
  readonly file: number;
  readonly chunk: PreparedChunk;
}

/**
 * A thread's prepared chunks, in file order. The thread starts with the stream; `return()` (which
 * `for await` calls when left early) stops it and frees its place, as does the end, a failure, or
 * the call's cancellation. Not a generator: one that was never iterated would never run its
 * clean-up.
 */
export class PreparedStream implements AsyncIterableIterator<PreparedItem> {
  readonly #worker: Worker;
  readonly #signal: AbortSignal | undefined;
  readonly #release: (cpuMicros: number) => void;
  readonly #inbox: FromPrepareThread[] = [];
  readonly #abort = (): void => void this.#worker.terminate();
  #stopped: DestinationError | undefined;
  #wake: (() => void) | undefined;
  #cpuMicros = 0;
  #closed = false;

  constructor(
    script: WorkerScript,
    job: PrepareJob,
    signal: AbortSignal | undefined,
    release: (cpuMicros: number) => void,
  ) {
    const workerData: PrepareThreadData = { ...job, credit: CHUNKS_AHEAD };
    this.#worker =
      "code" in script
        ? new Worker(script.code, { eval: true, workerData, resourceLimits })
        : new Worker(script.url, { workerData, resourceLimits });
    this.#signal = signal;
    this.#release = release;
    this.#worker.on("message", (message: FromPrepareThread) => {
      this.#inbox.push(message);
      this.#wake?.();
    });
    this.#worker.on("error", (error) => {
      // Named by its code only: its message is not ours to show.
      this.#stopped ??= threadStopped((error as NodeJS.ErrnoException).code ?? error.name, error);
      this.#wake?.();
    });
    this.#worker.on("exit", (code) => {
      this.#stopped ??= threadStopped(`exit code ${code}`);
      this.#wake?.();
    });
    signal?.addEventListener("abort", this.#abort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<PreparedItem, undefined>> {
    try {
      if (this.#closed) return { done: true, value: undefined };
      this.#signal?.throwIfAborted();
      while (this.#inbox.length === 0) {
        if (this.#stopped !== undefined) throw this.#signal?.aborted ? this.#signal.reason : this.#stopped;
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = undefined;
      }
      const message = this.#inbox.shift()!;
      if (message.type === "chunk") {
        // Granted before this chunk is sent, so the next one is prepared meanwhile.
        this.#worker.postMessage({ type: "more" } satisfies ToPrepareThread);
        return { done: false, value: { file: message.file, chunk: received(message.chunk) } };
      }
      this.#cpuMicros = message.cpuMicros;
      if (message.type === "failed") throw fromWire(message.error);
      await this.return();
      return { done: true, value: undefined };
    } catch (error) {
      await this.return();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<PreparedItem, undefined>> {
    if (!this.#closed) {
      this.#closed = true;
      this.#signal?.removeEventListener("abort", this.#abort);
      await this.#worker.terminate();
      this.#release(this.#cpuMicros);
    }
    return { done: true, value: undefined };
  }
}

/** The thread ended without an answer: out of its memory, killed, or an error outside its step. */
const threadStopped = (why: string, cause?: Error): DestinationError =>
  new DestinationError(
    "WRITE_PREPARE_THREAD_STOPPED",
    `the thread preparing batch file rows stopped (${why})`,
    {
      cause,
    },
  );

/** Structured cloning turns Buffers into Uint8Arrays; the client wants Buffers (same bytes, no copy). */
function received(chunk: PreparedChunk): PreparedChunk {
  return {
    ...chunk,
    sends: chunk.sends.map((send) => ({
      ...send,
      args: {
        ...send.args,
        groups: send.args.groups.map(
          (g): ArgGroup => ({
            json: Buffer.from(g.json.buffer, g.json.byteOffset, g.json.byteLength),
            count: g.count,
          }),
        ),
      },
    })),
  };
}
