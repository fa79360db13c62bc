/**
 * Batch files as Fivetran sends them (zstd, then AES-256-CBC; CSV or Parquet), written once per
 * run before anything is measured, with their sizes: on disk, and decrypted and decompressed.
 */
import { stat } from "node:fs/promises";
import { plaintextChunks } from "../../src/batch/plaintext.ts";
import { TESTER_NULL, TESTER_UNMODIFIED, writeBatchFile } from "../../test/helpers/batch-writer.ts";
import type { BatchFile, Sentinels } from "./rpc.ts";
import type { FileSpec, Format, Workload } from "./workloads.ts";

export const SENTINELS: Sentinels = { nullString: TESTER_NULL, unmodifiedString: TESTER_UNMODIFIED };

export interface GeneratedFile extends BatchFile {
  readonly format: Format;
  readonly rows: number;
  /** On disk: encrypted, compressed. */
  readonly bytes: number;
  /** Decrypted and decompressed (CSV text, or the Parquet file). */
  readonly plainBytes: number;
}

export interface FileSet {
  readonly files: readonly GeneratedFile[];
  readonly rows: number;
  readonly bytes: number;
  readonly plainBytes: number;
}

export async function plaintextSize(file: BatchFile, format: Format): Promise<number> {
  let size = 0;
  for await (const part of plaintextChunks(file.path, {
    keys: { [file.path]: file.key },
    fileParams: { compression: "zstd", encryption: "aes", ...SENTINELS },
    format,
  })) {
    size += part.length;
  }
  return size;
}

export async function writeSpec(
  dir: string,
  name: string,
  spec: FileSpec,
  format: Format,
): Promise<GeneratedFile> {
  const written = await writeBatchFile({
    dir,
    name: `${name}-${spec.kind}.${format}.zstd.aes`,
    format,
    columns: spec.columns,
    rows: spec.rows(),
    ...SENTINELS,
  });
  const file = { kind: spec.kind, path: written.path, key: written.key };
  return {
    ...file,
    format,
    rows: spec.count,
    bytes: (await stat(written.path)).size,
    plainBytes: await plaintextSize(file, format),
  };
}

export function fileSet(files: readonly GeneratedFile[]): FileSet {
  return {
    files,
    rows: files.reduce((n, f) => n + f.rows, 0),
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    plainBytes: files.reduce((n, f) => n + f.plainBytes, 0),
  };
}

/** Files made so far in this run, by workload, format and row count, so each is written once. */
export class FileCache {
  readonly #dir: string;
  readonly #made = new Map<string, Promise<FileSet>>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  get dir(): string {
    return this.#dir;
  }

  /** The measured call's files. */
  batch(w: Workload, format: Format): Promise<FileSet> {
    return this.#once(`${w.name}-${w.keys}-${format}`, async () => {
      const files: GeneratedFile[] = [];
      for (const spec of w.files(format))
        files.push(await writeSpec(this.#dir, `${w.name}-${w.keys}`, spec, format));
      return fileSet(files);
    });
  }

  /** The preload (always CSV: it is written by a server of its own, outside the measured time). */
  preload(w: Workload): Promise<FileSet> | undefined {
    const spec = w.preload;
    if (spec === undefined) return undefined;
    return this.#once(`${w.table.name}-preload-${w.keys}`, async () =>
      fileSet([await writeSpec(this.#dir, `${w.table.name}-preload-${w.keys}`, spec, "csv")]),
    );
  }

  #once(key: string, make: () => Promise<FileSet>): Promise<FileSet> {
    let made = this.#made.get(key);
    if (made === undefined) {
      made = make();
      this.#made.set(key, made);
    }
    return made;
  }
}
