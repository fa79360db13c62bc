/** Shared pieces of the WriteBatch/WriteHistoryBatch tests: files written as Fivetran does, run through ops. */
import { UNMODIFIED } from "../../src/batch/values.ts";
import type { SqlClient } from "../../src/cratedb/sql-client.ts";
import { writeBatch } from "../../src/ops/write/batch.ts";
import type { BatchSource, WriteSettings } from "../../src/ops/write/files.ts";
import { writeHistoryBatch } from "../../src/ops/write/history.ts";
import type { TableDef, TableRef } from "../../src/table-def.ts";
import { type Cell, TESTER_NULL, type WriterColumn, writeBatchFile } from "./batch-writer.ts";
import { call } from "./ops.ts";

export const U: typeof UNMODIFIED = UNMODIFIED;
export { TESTER_NULL };

/** One batch file: its columns (default: the table's) and rows in Fivetran's text form. */
export interface FileSpec {
  readonly columns?: readonly WriterColumn[];
  readonly rows: readonly (readonly Cell[])[];
  readonly format?: "csv" | "parquet";
}

export interface Written {
  readonly paths: string[];
  readonly keys: Record<string, Uint8Array>;
}

let seed = 1;

export async function writeFiles(
  dir: string,
  table: TableDef,
  specs: readonly FileSpec[] = [],
): Promise<Written> {
  const out: Written = { paths: [], keys: {} };
  for (const spec of specs) {
    const file = await writeBatchFile({
      dir,
      columns: spec.columns ?? table.columns,
      rows: spec.rows,
      format: spec.format ?? "csv",
      shuffleSeed: seed++,
    });
    out.paths.push(file.path);
    Object.assign(out.keys, file.keys);
  }
  return out;
}

export function source(
  ref: TableRef,
  table: TableDef,
  keys: Record<string, Uint8Array>,
  format: "csv" | "parquet" = "csv",
): BatchSource {
  return {
    ref,
    table,
    keys,
    fileParams: {
      compression: "zstd",
      encryption: "aes",
      nullString: TESTER_NULL,
      unmodifiedString: "unmod-NcK9NIjPUutCsz4mjOQQztbnwnE1sY3",
    },
    format,
  };
}

export interface BatchSpec {
  readonly replace?: readonly FileSpec[] | undefined;
  readonly update?: readonly FileSpec[];
  readonly delete?: readonly FileSpec[];
  readonly earliest?: readonly FileSpec[];
}

export async function runWriteBatch(
  client: SqlClient,
  dir: string,
  ref: TableRef,
  table: TableDef,
  spec: BatchSpec,
  tuning: Pick<WriteSettings, "rowChunkBytes" | "threads"> = {},
): Promise<void> {
  const replace = await writeFiles(dir, table, spec.replace);
  const update = await writeFiles(dir, table, spec.update);
  const del = await writeFiles(dir, table, spec.delete);
  await writeBatch(
    call(client),
    source(ref, table, { ...replace.keys, ...update.keys, ...del.keys }, spec.replace?.[0]?.format),
    { replaceFiles: replace.paths, updateFiles: update.paths, deleteFiles: del.paths },
    { concurrency: 3, ...tuning },
  );
}

export async function runHistoryBatch(
  client: SqlClient,
  dir: string,
  ref: TableRef,
  table: TableDef,
  spec: BatchSpec,
  tuning: Pick<WriteSettings, "rowChunkBytes" | "threads"> = {},
): Promise<void> {
  const earliest = await writeFiles(dir, table, spec.earliest);
  const replace = await writeFiles(dir, table, spec.replace);
  const update = await writeFiles(dir, table, spec.update);
  const del = await writeFiles(dir, table, spec.delete);
  await writeHistoryBatch(
    call(client),
    source(ref, table, { ...earliest.keys, ...replace.keys, ...update.keys, ...del.keys }),
    {
      earliestStartFiles: earliest.paths,
      replaceFiles: replace.paths,
      updateFiles: update.paths,
      deleteFiles: del.paths,
    },
    { concurrency: 3, ...tuning },
  );
}
