import { addAbortSignal, pipeline, type Readable, Transform, type TransformCallback } from "node:stream";
import { checkAllowedPath } from "./allowed-dirs.ts";
import { decompressor, LEADING_BYTES, looksLike } from "./decompress.ts";
import { AesCbcDecrypt } from "./decrypt.ts";
import { BatchFileError } from "./errors.ts";
import type { BatchFormat, FileParams } from "./file-params.ts";
import type { BatchFileLimits } from "./limits.ts";
import { DEFAULT_STALL_TIMEOUT_MS, FileSource, openBatchFile, withinTime } from "./open-file.ts";

export interface PlaintextOptions {
  readonly keys: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;
  readonly fileParams: FileParams;
  readonly format: BatchFormat;
  readonly limits?: BatchFileLimits | undefined;
  readonly signal?: AbortSignal | undefined;
}

function keyFor(path: string, keys: PlaintextOptions["keys"]): Uint8Array | undefined {
  return keys instanceof Map ? keys.get(path) : (keys as Readonly<Record<string, Uint8Array>>)[path];
}

/**
 * The plaintext of one batch file as Buffers: read (256 KiB) → AES-256-CBC → zstd / gzip /
 * nothing, with backpressure between the stages (each holds about 256 KiB). Nothing is written to
 * disk. Errors from any stage come out typed as `BatchFileError`; an abort as the signal's reason.
 */
export async function* plaintextChunks(path: string, options: PlaintextOptions): AsyncGenerator<Buffer> {
  const { fileParams, format, signal } = options;
  // Node refuses such a path with an error quoting all of it; no file name holds a NUL anyway.
  if (path.includes("\0")) {
    throw new BatchFileError(
      "BATCH_BAD_PATH",
      path,
      "the file path contains a NUL byte, which no path can hold",
    );
  }
  const allowedDirs = options.limits?.allowedDirs;
  const stallTimeoutMs = options.limits?.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  if (allowedDirs !== undefined && allowedDirs.length > 0) {
    // Resolving the path touches the file system too, which may hang like a read.
    await withinTime(checkAllowedPath(path, allowedDirs), path, stallTimeoutMs);
  }
  const stages: NodeJS.ReadWriteStream[] = [];
  if (fileParams.encryption === "aes") {
    // Looked up by the exact path string Fivetran sent (fivetran-protocol.md §6.1).
    const key = keyFor(path, options.keys);
    if (key === undefined)
      throw new BatchFileError("BATCH_KEY_MISSING", path, "no decryption key was sent for this file");
    stages.push(new AesCbcDecrypt(path, key));
  }
  stages.push(new LeadingBytesCheck(path, fileParams, format));
  if (fileParams.compression !== "none") stages.push(decompressor(fileParams.compression));

  const handle = await openBatchFile(path, { allowedDirs, stallTimeoutMs });
  const source = new FileSource(handle, path, stallTimeoutMs);
  if (signal !== undefined) addAbortSignal(signal, source);
  // `pipeline` destroys every stage on the first error, the last one with that error, which the
  // loop below then throws; leaving the loop early destroys the whole chain.
  const last = pipeline(
    [source, ...stages] as unknown as [Readable, ...NodeJS.ReadWriteStream[]],
    () => {},
  ) as unknown as Readable;
  try {
    for await (const chunk of last) yield chunk as Buffer;
  } catch (error) {
    throw typedStreamError(error as Error, path, fileParams.compression, signal);
  }
}

function typedStreamError(error: Error, path: string, compression: string, signal?: AbortSignal): Error {
  if (error instanceof BatchFileError) return error;
  if (signal?.aborted) return signal.reason instanceof Error ? signal.reason : error;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if ("syscall" in error) {
    // Not kept as the cause: Node's message quotes the full path, which is never shown or logged.
    return new BatchFileError("BATCH_FILE_UNREADABLE", path, `cannot read the file (${code})`);
  }
  if (code.startsWith("Z_") || code.startsWith("ZSTD_") || code === "ERR_BUFFER_TOO_LARGE") {
    return new BatchFileError(
      "BATCH_CORRUPT_COMPRESSED",
      path,
      `${compression} data is corrupt or truncated`,
      {},
      { cause: error },
    );
  }
  return error;
}

/**
 * Passes bytes through after checking that the first ones match the announced format, so a
 * wrong key is reported as such instead of as a decompression or CSV error further on.
 */
class LeadingBytesCheck extends Transform {
  private readonly path: string;
  private readonly params: FileParams;
  private readonly format: BatchFormat;
  private head: Buffer[] | undefined = [];
  private headLength = 0;

  constructor(path: string, params: FileParams, format: BatchFormat) {
    super();
    this.path = path;
    this.params = params;
    this.format = format;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.head === undefined) {
      callback(null, chunk);
      return;
    }
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < LEADING_BYTES) {
      callback();
      return;
    }
    this.release(callback);
  }

  override _flush(callback: TransformCallback): void {
    // Shorter than LEADING_BYTES: decide on what there is (an empty plaintext passes here).
    if (this.head !== undefined && this.headLength > 0) this.release(callback);
    else callback();
  }

  private release(callback: TransformCallback): void {
    const all = Buffer.concat(this.head ?? []);
    this.head = undefined;
    if (looksLike(all.subarray(0, LEADING_BYTES), this.params.compression, this.format)) {
      callback(null, all);
      return;
    }
    const what =
      this.params.compression !== "none"
        ? `a ${this.params.compression} stream`
        : this.format === "parquet"
          ? "a Parquet file"
          : "UTF-8 CSV text";
    callback(
      this.params.encryption === "aes"
        ? new BatchFileError(
            "BATCH_DECRYPT_FAILED",
            this.path,
            `decrypted data is not ${what} (wrong key or corrupt file)`,
          )
        : new BatchFileError(
            this.params.compression !== "none"
              ? "BATCH_CORRUPT_COMPRESSED"
              : this.format === "parquet"
                ? "BATCH_BAD_PARQUET"
                : "BATCH_MALFORMED_CSV",
            this.path,
            `file content is not ${what} (check the file's compression and encryption settings)`,
          ),
    );
  }
}
