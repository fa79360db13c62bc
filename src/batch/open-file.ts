/**
 * Opening and reading a batch file so that no path can hang a call: only regular files are read,
 * and a read that makes no progress for `stallTimeoutMs` fails naming the file.
 *
 * Why it matters: libuv runs file system calls on a pool of four threads. An `open()` of a FIFO
 * waits for a writer, and a read on a hung network or FUSE mount may never return; four such
 * calls occupy the whole pool, and every other file read, zstd/gzip stream and DNS lookup of the
 * process waits behind them while health still says SERVING.
 */
import type { Stats } from "node:fs";
import { constants } from "node:fs";
import { type FileHandle, open, readlink } from "node:fs/promises";
import { Readable } from "node:stream";
import { isAllowedResolved, notAllowed } from "./allowed-dirs.ts";
import { BatchFileError } from "./errors.ts";

export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/** Read size: large enough that per-read overhead vanishes, small enough to stay bounded. */
const READ_CHUNK = 1 << 18;

/**
 * O_NONBLOCK makes `open()` of a FIFO return at once instead of waiting for a writer (fstat then
 * refuses it); on a regular file it changes nothing. O_NOCTTY: a terminal never becomes ours.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** The part of a FileHandle the reader uses (tests substitute one whose reads never answer). */
export interface ReadableFile {
  read(buffer: Buffer, offset: number, length: number, position: null): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

export const stalled = (path: string, timeoutMs: number): BatchFileError =>
  new BatchFileError(
    "BATCH_FILE_STALLED",
    path,
    `opening or reading the file made no progress for ${timeoutMs / 1000} s; the file system holding it does not answer (--batch-file-stall-timeout)`,
  );

const unreadable = (path: string, error: unknown): BatchFileError =>
  // Not kept as the cause: Node's message quotes the full path, which is never shown or logged.
  new BatchFileError(
    "BATCH_FILE_UNREADABLE",
    path,
    `cannot read the file (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`,
  );

/**
 * `work`, or a BATCH_FILE_STALLED error once `timeoutMs` pass first. A late result is handed to
 * `late` (to close a handle nobody will use), a late failure ignored.
 */
export async function withinTime<T>(
  work: Promise<T>,
  path: string,
  timeoutMs: number,
  late: (value: T) => void = () => {},
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(stalled(path, timeoutMs));
    }, timeoutMs);
  });
  work.then(
    (value) => {
      if (timedOut) late(value);
    },
    () => {},
  );
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a named pipe (FIFO)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}

export interface OpenOptions {
  /** Checked again on the opened file, where the file system resolves it (see below). */
  readonly allowedDirs?: readonly string[] | undefined;
  readonly stallTimeoutMs: number;
}

/**
 * Opens `path` for reading without blocking and checks the opened file itself (fstat, no second
 * lookup of the path): it must be a regular file, and with an allow-list, the file the
 * descriptor refers to must lie in an allowed directory — so swapping a link between the
 * path check and the open leads nowhere.
 */
export async function openBatchFile(path: string, options: OpenOptions): Promise<FileHandle> {
  const { stallTimeoutMs } = options;
  let handle: FileHandle;
  try {
    handle = await withinTime(open(path, OPEN_FLAGS), path, stallTimeoutMs, (late) => {
      late.close().catch(() => {});
    });
  } catch (error) {
    throw error instanceof BatchFileError ? error : unreadable(path, error);
  }
  try {
    let stats: Stats;
    try {
      stats = await withinTime(handle.stat(), path, stallTimeoutMs);
    } catch (error) {
      throw error instanceof BatchFileError ? error : unreadable(path, error);
    }
    if (!stats.isFile()) {
      throw new BatchFileError(
        "BATCH_NOT_A_FILE",
        path,
        `the path names ${kindOf(stats)}; batch files are regular files`,
      );
    }
    const dirs = options.allowedDirs;
    if (dirs !== undefined && dirs.length > 0) {
      // Linux names the file an open descriptor refers to here; elsewhere the check before
      // opening stands alone.
      const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
      if (opened !== undefined && !(await isAllowedResolved(opened, dirs))) throw notAllowed(path);
    }
    return handle;
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}

/**
 * The bytes of an opened file as a stream. Each read is watched: one that has not answered after
 * `stallTimeoutMs` destroys the stream with BATCH_FILE_STALLED. Time the consumer takes does not
 * count (no read is pending while backpressure holds the stream).
 */
export class FileSource extends Readable {
  readonly #file: ReadableFile;
  readonly #path: string;
  readonly #stallTimeoutMs: number;

  constructor(file: ReadableFile, path: string, stallTimeoutMs: number) {
    super({ highWaterMark: READ_CHUNK });
    this.#file = file;
    this.#path = path;
    this.#stallTimeoutMs = stallTimeoutMs;
  }

  override _read(): void {
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    const timer = setTimeout(
      () => this.destroy(stalled(this.#path, this.#stallTimeoutMs)),
      this.#stallTimeoutMs,
    );
    this.#file.read(buffer, 0, READ_CHUNK, null).then(
      ({ bytesRead }) => {
        clearTimeout(timer);
        if (this.destroyed) return;
        this.push(bytesRead === 0 ? null : buffer.subarray(0, bytesRead));
      },
      (error: unknown) => {
        clearTimeout(timer);
        this.destroy(unreadable(this.#path, error));
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // FileHandle.close() waits for a read in progress, which on a hung file system may never
    // end: answer now and let the descriptor close whenever the read returns.
    this.#file.close().catch(() => {});
    callback(error);
  }
}
