/**
 * The decode limit: what reading the same batch files costs before any value is converted or
 * written — open, read, AES-256-CBC, zstd, then the CSV parser (records of field strings) or the
 * Parquet reader (Arrow record batches) — with the destination's own pieces from src/batch, the
 * way they are joined there. And the "read" figure: the whole batch reader (readBatchFile, with
 * conversion to typed values and chunking), still without writing. Each runs in a fresh process
 * (decode-main.ts) like the server it is compared with.
 */
import { readFileSync } from "node:fs";
import { tableFromIPC } from "apache-arrow";
import { ParquetFile, readParquet } from "parquet-wasm/node";
import { CsvParser } from "../../src/batch/csv-parser.ts";
import type { FileParams } from "../../src/batch/file-params.ts";
import { DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_ROW_BYTES, MAX_HEADER_FIELDS } from "../../src/batch/limits.ts";
import { plaintextChunks } from "../../src/batch/plaintext.ts";
import { readBatchFile } from "../../src/batch/read-batch-file.ts";
import { Utf8Text } from "../../src/batch/utf8-text.ts";
import { primaryKey } from "../../src/ops/write/rows.ts";
import { SYSTEM_COLUMN, type TableDef } from "../../src/table-def.ts";
import type { FileKind, Format } from "./workloads.ts";

export interface DecodeFile {
  readonly kind: FileKind;
  readonly path: string;
  readonly keyHex: string;
}

export interface DecodeSpec {
  readonly mode: "decode" | "read";
  readonly format: Format;
  readonly table: TableDef;
  readonly files: readonly DecodeFile[];
  readonly fileParams: FileParams;
}

export interface DecodeResult {
  readonly rows: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMB: number;
}

/** Slices as csv-rows.ts decodes them. */
const DECODE_SLICE = 64 * 1024;
const PARQUET_BATCH_ROWS = 16_384;

async function decodeCsv(bytes: AsyncIterable<Buffer>): Promise<number> {
  const text = new Utf8Text();
  const parser = new CsvParser({
    maxFieldChars: DEFAULT_MAX_FIELD_BYTES,
    maxRecordChars: DEFAULT_MAX_ROW_BYTES,
    maxFields: MAX_HEADER_FIELDS,
  });
  let records = 0;
  for await (const buf of bytes) {
    for (let at = 0; at < buf.length; at += DECODE_SLICE) {
      records += parser.push(text.write(buf.subarray(at, at + DECODE_SLICE))).length;
    }
  }
  records += parser.push(text.end()).length;
  if (parser.end() !== undefined) records++;
  return records - 1; // the header
}

async function decodeParquet(bytes: AsyncIterable<Buffer>): Promise<number> {
  const parts: Buffer[] = [];
  for await (const part of bytes) parts.push(part);
  const plaintext = Buffer.concat(parts);
  const file = await ParquetFile.fromFile(new Blob([plaintext]));
  const groups = file.metadata().numRowGroups();
  file.free();
  let rows = 0;
  for (let g = 0; g < groups; g++) {
    const decoded = readParquet(plaintext, { rowGroups: [g], batchSize: PARQUET_BATCH_ROWS });
    for (let b = 0; b < decoded.numBatches; b++) {
      rows += tableFromIPC(decoded.recordBatch(b)!.intoIPCStream()).numRows;
    }
    decoded.free();
  }
  return rows;
}

/** Columns each file kind must carry, as the write steps require them. */
function requiredFor(table: TableDef, kind: FileKind): string[] {
  const key = primaryKey(table).filter((c) => c !== SYSTEM_COLUMN.start);
  return kind === "earliest" ? [...key, SYSTEM_COLUMN.start] : [...key, SYSTEM_COLUMN.synced];
}

export async function runDecode(spec: DecodeSpec): Promise<DecodeResult> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let rows = 0;
  for (const file of spec.files) {
    const keys = { [file.path]: Buffer.from(file.keyHex, "hex") };
    if (spec.mode === "read") {
      for await (const chunk of readBatchFile(file.path, {
        table: spec.table,
        keys,
        fileParams: spec.fileParams,
        format: spec.format,
        required: requiredFor(spec.table, file.kind),
      })) {
        rows += chunk.rows.length;
      }
      continue;
    }
    const bytes = plaintextChunks(file.path, { keys, fileParams: spec.fileParams, format: spec.format });
    rows += spec.format === "csv" ? await decodeCsv(bytes) : await decodeParquet(bytes);
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    rows,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    // VmHWM, not getrusage's maxRSS: that one is inherited from the parent across fork and exec.
    peakRssMB: Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) / 1024,
  };
}
