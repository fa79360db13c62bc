/**
 * Writes batch files exactly as Fivetran does (fivetran-protocol.md §6): CSV as Jackson writes
 * it (header first, quoting only where needed, sentinels for NULL and "unmodified") or Parquet
 * with the Avro-derived schema of §6.6; then compressed (zstd, gzip or not) and encrypted
 * (AES-256-CBC, random key and IV in front) or plain. Streams, so files of any size can be made.
 * Test and benchmark support only; never shipped.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, type Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, createZstdCompress } from "node:zlib";
import * as arrow from "apache-arrow";
import * as parquet from "parquet-wasm/node";
import { plainDecimal } from "../../src/batch/convert/decimal.ts";
import type { FileParams } from "../../src/batch/file-params.ts";
import { UNMODIFIED } from "../../src/batch/values.ts";
import type { ColumnDef } from "../../src/table-def.ts";

/** The official tester's sentinels (§8.3); the reader must take them from FileParams anyway. */
export const TESTER_NULL = "null-m8yilkvPsNulehxl2G6pmSQ3G3WWdLP";
export const TESTER_UNMODIFIED = "unmod-NcK9NIjPUutCsz4mjOQQztbnwnE1sY3";

/** A cell in Fivetran's text form (§5), NULL, or "unmodified". */
export type Cell = string | null | typeof UNMODIFIED;

export type WriterColumn = Pick<ColumnDef, "name" | "type" | "decimal">;

export interface BatchFileSpec {
  readonly dir: string;
  /** File name; default `batch-<n>.<format>[.zstd|.gz][.aes]`. */
  readonly name?: string;
  readonly columns: readonly WriterColumn[];
  /** One array per row, aligned with `columns`. */
  readonly rows: Iterable<readonly Cell[]> | AsyncIterable<readonly Cell[]>;
  readonly format?: "csv" | "parquet";
  readonly compression?: FileParams["compression"];
  readonly encryption?: FileParams["encryption"];
  readonly nullString?: string;
  readonly unmodifiedString?: string;
  /** Write the columns in a shuffled order (as the tester does), seeded for repeatability. */
  readonly shuffleSeed?: number;
  /** Quote every field (Jackson doesn't; used to check that quoting carries no meaning). */
  readonly quoteAll?: boolean;
  /** End records with CRLF instead of LF. */
  readonly crlf?: boolean;
  /** Rows per Parquet row group (default 10,000). */
  readonly rowGroupRows?: number;
}

export interface WrittenBatchFile {
  readonly path: string;
  /** The AES key (random per file); also present, and to be ignored, for plain files. */
  readonly key: Uint8Array;
  /** `{ [path]: key }` as the request's `keys` map carries it. */
  readonly keys: Record<string, Uint8Array>;
  readonly fileParams: FileParams;
  /** Column names in the order the file holds them. */
  readonly fileColumns: readonly string[];
}

let counter = 0;

export async function writeBatchFile(spec: BatchFileSpec): Promise<WrittenBatchFile> {
  const format = spec.format ?? "csv";
  const compression = spec.compression ?? "zstd";
  const encryption = spec.encryption ?? "aes";
  const fileParams: FileParams = {
    compression,
    encryption,
    nullString: spec.nullString ?? TESTER_NULL,
    unmodifiedString: spec.unmodifiedString ?? TESTER_UNMODIFIED,
  };
  const suffix =
    (compression === "zstd" ? ".zstd" : compression === "gzip" ? ".gz" : "") +
    (encryption === "aes" ? ".aes" : "");
  const path = join(spec.dir, spec.name ?? `batch-${++counter}.${format}${suffix}`);
  const order = permutation(spec.columns.length, spec.shuffleSeed);
  const columns = order.map((i) => spec.columns[i]!);
  const rows = reorder(spec.rows, order);

  const plain: Readable =
    format === "csv"
      ? Readable.from(csvText(columns, rows, fileParams, spec))
      : Readable.from([await parquetBytes(columns, rows, fileParams, spec.rowGroupRows ?? 10_000)]);
  const stages: Transform[] = [];
  if (compression === "zstd") stages.push(createZstdCompress({ chunkSize: 1 << 20 }));
  if (compression === "gzip") stages.push(createGzip({ chunkSize: 1 << 20 }));
  const key = randomBytes(32);
  if (encryption === "aes") stages.push(aesEncrypt(key));
  await pipeline([plain, ...stages, createWriteStream(path)]);
  return { path, key, keys: { [path]: key }, fileParams, fileColumns: columns.map((c) => c.name) };
}

/** A temporary directory for batch files, removed by the returned cleanup. */
export async function batchDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "batch-test-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** IV first, then AES-256-CBC with PKCS#7 padding (§6.2). */
function aesEncrypt(key: Uint8Array): Transform {
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  cipher.push(iv);
  return cipher;
}

function permutation(n: number, seed: number | undefined): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  if (seed === undefined) return order;
  let state = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

async function* reorder(
  rows: Iterable<readonly Cell[]> | AsyncIterable<readonly Cell[]>,
  order: readonly number[],
): AsyncGenerator<Cell[]> {
  for await (const row of rows) yield order.map((i) => row[i]!);
}

// Jackson quotes fields holding the separator, quotes, line breaks or edge whitespace, and
// writes the empty string as `""`.
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

function csvField(text: string, quoteAll: boolean): string {
  if (quoteAll || text === "" || NEEDS_QUOTES.test(text)) return `"${text.replaceAll('"', '""')}"`;
  return text;
}

async function* csvText(
  columns: readonly WriterColumn[],
  rows: AsyncIterable<Cell[]>,
  params: FileParams,
  spec: BatchFileSpec,
): AsyncGenerator<string> {
  const eol = spec.crlf ? "\r\n" : "\n";
  const quoteAll = spec.quoteAll ?? false;
  let out = columns.map((c) => csvField(c.name, quoteAll)).join(",") + eol;
  for await (const row of rows) {
    out +=
      row
        .map((cell) =>
          csvField(
            cell === null ? params.nullString : cell === UNMODIFIED ? params.unmodifiedString : cell,
            quoteAll,
          ),
        )
        .join(",") + eol;
    if (out.length >= 1 << 16) {
      yield out;
      out = "";
    }
  }
  if (out.length > 0) yield out;
}

/**
 * Parquet as parquet-avro writes Fivetran's schema (§6.6): BOOLEAN→boolean, SHORT/INT→INT32,
 * LONG→INT64, FLOAT→float, DOUBLE→double, DECIMAL→decimal, BINARY→bytes, everything else
 * (Instant, LocalDate, time, JSON, XML, STRING) as a UTF-8 string. NULL is a Parquet null;
 * "unmodified" can only be written into string columns, as the sentinel text.
 */
async function parquetBytes(
  columns: readonly WriterColumn[],
  rows: AsyncIterable<Cell[]>,
  params: FileParams,
  rowGroupRows: number,
): Promise<Uint8Array> {
  const cells: Cell[][] = columns.map(() => []);
  for await (const row of rows) {
    row.forEach((cell, k) => {
      cells[k]!.push(cell);
    });
  }
  const vectors: Record<string, arrow.Vector> = {};
  columns.forEach((column, k) => {
    vectors[column.name] = parquetVector(column, cells[k]!, params);
  });
  const table = new arrow.Table(vectors);
  const wasmTable = parquet.Table.fromIPCStream(arrow.tableToIPC(table, "stream"));
  const props = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.SNAPPY)
    .setMaxRowGroupSize(rowGroupRows)
    .build();
  return parquet.writeParquet(wasmTable, props);
}

function parquetVector(column: WriterColumn, cells: Cell[], params: FileParams): arrow.Vector {
  const type = column.type;
  const stringCell = (cell: Cell): string | null =>
    cell === null ? null : cell === UNMODIFIED ? params.unmodifiedString : cell;
  const typed = <T>(parse: (text: string) => T): (T | null)[] =>
    cells.map((cell) => {
      if (cell === UNMODIFIED)
        throw new Error(`"unmodified" is not representable in a Parquet ${type} column`);
      return cell === null ? null : parse(cell);
    });
  switch (type) {
    case "BOOLEAN":
      return arrow.vectorFromArray(
        typed((t) => t.toLowerCase() === "true"),
        new arrow.Bool(),
      );
    case "SHORT":
    case "INT":
      return arrow.vectorFromArray(typed(Number), new arrow.Int32());
    case "LONG":
      return arrow.vectorFromArray(typed(BigInt), new arrow.Int64());
    case "FLOAT":
      return arrow.vectorFromArray(typed(Number), new arrow.Float32());
    case "DOUBLE":
      return arrow.vectorFromArray(typed(Number), new arrow.Float64());
    case "DECIMAL":
      return decimalVector(
        column,
        typed((t) => t),
      );
    case "BINARY":
      return arrow.vectorFromArray(
        typed((t) => Buffer.from(t, "base64")),
        new arrow.Binary(),
      );
    default:
      return arrow.vectorFromArray(cells.map(stringCell), new arrow.Utf8());
  }
}

/** Decimal128 from plain decimal text, rescaled to the column's scale by string arithmetic. */
function decimalVector(column: WriterColumn, texts: (string | null)[]): arrow.Vector {
  const { precision, scale } = column.decimal ?? { precision: 38, scale: 10 };
  const words = new BigUint64Array(texts.length * 2);
  const validity = new Uint8Array(Math.ceil(texts.length / 8));
  texts.forEach((text, i) => {
    if (text === null) return;
    validity[i >> 3]! |= 1 << (i & 7);
    const plain = plainDecimal(text);
    const negative = plain.startsWith("-");
    const [int = "0", frac = ""] = plain.replace(/^-/, "").split(".");
    let unscaled = BigInt(int + frac.padEnd(scale, "0").slice(0, scale));
    if (negative) unscaled = -unscaled;
    const twos = BigInt.asUintN(128, unscaled);
    words[2 * i] = twos & 0xffff_ffff_ffff_ffffn;
    words[2 * i + 1] = twos >> 64n;
  });
  const nullCount = texts.filter((t) => t === null).length;
  return arrow.makeVector(
    arrow.makeData({
      type: new arrow.Decimal(scale, Math.min(precision, 38), 128),
      length: texts.length,
      nullCount,
      nullBitmap: nullCount > 0 ? validity : null,
      data: new Uint32Array(words.buffer),
    }),
  );
}
