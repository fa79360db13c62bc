/**
 * Batch file decode throughput, end to end: read → AES-256-CBC → zstd → parse → convert, for a
 * 10-column and a 100-column table, CSV and Parquet, with the same rows in both. Reports MB/s of
 * decompressed CSV (the same figure for Parquet, for comparison) and rows/s; best of 3 runs.
 */

import { stat } from "node:fs/promises";
import { readBatchFile } from "../src/batch/read-batch-file.ts";
import type { ColumnDef, TableDef } from "../src/table-def.ts";
import { PROBE_TABLE, probeRows } from "../test/batch/memory-table.ts";
import { batchDir, type Cell, writeBatchFile } from "../test/helpers/batch-writer.ts";

const RUNS = 3;
const CSV_BYTES_TARGET = 60e6;

function wide(factor: number): { table: TableDef; rows: (count: number) => Generator<Cell[]> } {
  const columns: ColumnDef[] = [];
  for (let f = 0; f < factor; f++) {
    for (const c of PROBE_TABLE.columns) {
      if (f > 0 && (c.primaryKey || c.name === "_fivetran_synced")) {
        columns.push({ ...c, name: `${c.name}_${f}`, primaryKey: false });
      } else {
        columns.push({ ...c, name: f === 0 ? c.name : `${c.name}_${f}` });
      }
    }
  }
  return {
    table: { name: `wide_${columns.length}`, columns },
    *rows(count) {
      for (const row of probeRows(count)) {
        const out: Cell[] = [];
        for (let f = 0; f < factor; f++) out.push(...row);
        yield out;
      }
    },
  };
}

async function measure(label: string, factor: number, dir: string) {
  const { table, rows } = wide(factor);
  const count = Math.round(CSV_BYTES_TARGET / (130 * factor));
  const params = { nullString: "null-x", unmodifiedString: "unmod-x" };
  const csv = await writeBatchFile({ dir, columns: table.columns, rows: rows(count), ...params });
  const plainCsv = await writeBatchFile({
    dir,
    columns: table.columns,
    rows: rows(count),
    ...params,
    compression: "none",
    encryption: "none",
  });
  const csvBytes = (await stat(plainCsv.path)).size;
  const parquet = await writeBatchFile({
    dir,
    format: "parquet",
    columns: table.columns,
    rows: rows(count),
    ...params,
  });
  for (const [format, file] of [
    ["csv", csv],
    ["parquet", parquet],
  ] as const) {
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < RUNS; r++) {
      const started = performance.now();
      let seen = 0;
      for await (const chunk of readBatchFile(file.path, {
        table,
        keys: file.keys,
        fileParams: file.fileParams,
        format,
      })) {
        seen += chunk.rows.length;
      }
      if (seen !== count) throw new Error(`read ${seen} rows, expected ${count}`);
      best = Math.min(best, performance.now() - started);
    }
    const seconds = best / 1000;
    const size = (await stat(file.path)).size;
    console.log(
      `${label.padEnd(10)} ${format.padEnd(8)} rows ${String(count).padStart(7)}  CSV ${(csvBytes / 1e6).toFixed(1)} MB  file ${(size / 1e6).toFixed(1)} MB  ` +
        `${(best / 1000).toFixed(2)} s  ${(csvBytes / 1e6 / seconds).toFixed(0).padStart(4)} MB/s  ${Math.round(
          count / seconds,
        )
          .toLocaleString("en-US")
          .padStart(9)} rows/s`,
    );
  }
}

const { dir, cleanup } = await batchDir();
try {
  await measure("10 cols", 1, dir);
  await measure("100 cols", 10, dir);
} finally {
  await cleanup();
}
