/**
 * WriteBatch end to end against the CrateDB simulator: encrypted zstd file → read, parse, convert
 * → upsert bulk requests → REFRESH, for a 10-column and a 100-column table, CSV and Parquet (same
 * rows). Reports rows/s and MB/s of decompressed CSV. Bound by the simulator (PGlite on one core),
 * not by the destination. The "no database" lines run the same WriteBatch against a client that
 * builds and gzips every bulk body exactly as the real one does but sends nothing: the
 * destination's own ceiling. Set CRATEDB_URL to measure against a real cluster instead.
 */

import { stat } from "node:fs/promises";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { serializedArgs } from "../src/cratedb/client/arg-sets.ts";
import { bulkBodyOf, chunkBulk } from "../src/cratedb/client/chunking.ts";
import { CrateClient } from "../src/cratedb/client/crate-client.ts";
import { qualified } from "../src/cratedb/sql/ident.ts";
import { TYPE_RECORDS } from "../src/cratedb/sql/type-metadata.ts";
import type { BulkArgs, BulkOptions, BulkResult, SqlClient, SqlResult } from "../src/cratedb/sql-client.ts";
import { setLogSink } from "../src/log.ts";
import { createTable } from "../src/ops/table/create.ts";
import { writeBatch } from "../src/ops/write/batch.ts";
import type { ColumnDef, TableDef } from "../src/table-def.ts";
import { PROBE_TABLE, probeRows } from "../test/batch/memory-table.ts";
import { batchDir, type Cell, writeBatchFile } from "../test/helpers/batch-writer.ts";
import { call } from "../test/helpers/ops.ts";
import { startSimulator } from "../test/simulator/simulator.ts";

function wide(factor: number): { table: TableDef; rows: (count: number) => Generator<Cell[]> } {
  const columns: ColumnDef[] = [];
  for (let f = 0; f < factor; f++) {
    for (const c of PROBE_TABLE.columns) {
      const name = f === 0 ? c.name : `${c.name}_${f}`;
      columns.push({ ...c, name, primaryKey: f === 0 && c.primaryKey });
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

setLogSink(() => {});
const real = process.env["CRATEDB_URL"];
const simulator = real ? undefined : await startSimulator();
const client = new CrateClient({
  urls: [real ?? simulator!.url],
  username: process.env["CRATEDB_USER"] ?? "crate",
  password: process.env["CRATEDB_PASSWORD"] ?? "",
  verifyTls: true,
  requestBytes: 8 * 1024 * 1024,
  concurrency: 4,
  connectTimeoutMs: 5_000,
  requestTimeoutMs: 600_000,
});
const schema = `bench_write_${process.pid}`;
const gzipAsync = promisify(gzip);

/** Builds (and gzips) every request body like CrateClient, then reports every item applied. */
const sink: SqlClient = {
  async sql(): Promise<SqlResult> {
    return { cols: [], rows: [], rowcount: 1 };
  },
  async bulk(stmt: string, bulkArgs: BulkArgs, _options?: BulkOptions): Promise<BulkResult> {
    const args = serializedArgs(bulkArgs);
    for (const chunk of chunkBulk(stmt, args, 8 * 1024 * 1024)) {
      await gzipAsync(bulkBodyOf(stmt, chunk.groups), { level: 1 });
    }
    return { rowcount: args.count, results: Array.from({ length: args.count }, () => ({ rowcount: 1 })) };
  },
};
const { dir, cleanup } = await batchDir();

/** One WriteBatch of `mb` MB of CSV (one replace file) into `target`; prints one line. */
async function measure(
  label: string,
  factor: number,
  format: "csv" | "parquet",
  target: SqlClient,
  mb: number,
) {
  const { table, rows } = wide(factor);
  const count = Math.round((mb * 1e6) / (130 * factor));
  const params = { nullString: "null-x", unmodifiedString: "unmod-x" };
  const plain = await writeBatchFile({
    dir,
    columns: table.columns,
    rows: rows(count),
    ...params,
    compression: "none",
    encryption: "none",
  });
  const csvBytes = (await stat(plain.path)).size;
  const file = await writeBatchFile({ dir, format, columns: table.columns, rows: rows(count), ...params });
  const ref = { schema, table: `${table.name}_${format}` };
  if (target === client) await createTable(call(client), ref, table, {});
  const started = performance.now();
  const counts = await writeBatch(
    call(target),
    { ref, table, keys: file.keys, fileParams: file.fileParams, format },
    { replaceFiles: [file.path], updateFiles: [], deleteFiles: [] },
    { concurrency: 4 },
  );
  const seconds = (performance.now() - started) / 1000;
  if (counts.replaced !== count) throw new Error(`wrote ${counts.replaced} rows, expected ${count}`);
  if (target === client) {
    const stored = await client.sql(`SELECT count(*) AS n FROM ${qualified(ref)}`);
    if (Number(stored.rows[0]?.[0]) !== count)
      throw new Error(`table holds ${stored.rows[0]?.[0]} rows, not ${count}`);
    await client.sql(`DROP TABLE ${qualified(ref)}`);
  }
  const against = target === client ? (real ? "CrateDB" : "simulator") : "no database";
  const rate = Math.round(count / seconds).toLocaleString("en-US");
  console.log(
    `${label.padEnd(9)} ${format.padEnd(8)} ${against.padEnd(12)} rows ${String(count).padStart(7)}  CSV ${(csvBytes / 1e6).toFixed(1).padStart(5)} MB  ` +
      `${seconds.toFixed(2).padStart(6)} s  ${(csvBytes / 1e6 / seconds).toFixed(1).padStart(6)} MB/s  ${rate.padStart(9)} rows/s`,
  );
}

try {
  for (const [label, factor] of [
    ["10 cols", 1],
    ["100 cols", 10],
  ] as const) {
    for (const format of ["csv", "parquet"] as const) {
      await measure(label, factor, format, client, 4);
      await measure(label, factor, format, sink, 60);
    }
  }
} finally {
  await client.sql(`REFRESH TABLE ${qualified(TYPE_RECORDS)}`).catch(() => undefined);
  await client
    .sql(`DELETE FROM ${qualified(TYPE_RECORDS)} WHERE table_schema = ?`, [schema])
    .catch(() => undefined);
  await client.close();
  await simulator?.close();
  await cleanup();
}
