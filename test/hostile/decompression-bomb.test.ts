/**
 * Decompression bombs: a few KB of zstd (or of Parquet, which compresses inside the file) that
 * decode to one huge field or row. Before the limits, a 22 KB file holding one 700 MB field cost
 * ~0.9 GB and ended in a generic INTERNAL error. Now a field or row over its limit fails while it
 * is being read, with a Task naming file, row and column.
 */
import assert from "node:assert/strict";
import { createCipheriv, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { after, before, describe, test } from "node:test";
import { createZstdCompress } from "node:zlib";
import { Compression, Encryption } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { CsvParser, CsvTooLarge } from "../../src/batch/csv-parser.ts";
import type { BatchFileError } from "../../src/batch/errors.ts";
import { readBatchFile } from "../../src/batch/read-batch-file.ts";
import { parseCli } from "../../src/cli/args.ts";
import { batchDir, writeBatchFile } from "../helpers/batch-writer.ts";
import {
  assertNothingLeaked,
  assertRetryConverges,
  assertServing,
  createTable,
  FILE_COLUMNS,
  goodFile,
  type Hostile,
  PLAIN_PARAMS,
  packedParams,
  rowsOf,
  SYNCED,
  startHostile,
  taskSummary,
  writeBatch,
} from "./fixture.ts";

const MiB = 1024 * 1024;

/**
 * A zstd + AES CSV file for FILE_COLUMNS whose one row holds a `fieldBytes` long note, streamed:
 * the field never exists in memory here either.
 */
async function bombFile(
  dir: string,
  name: string,
  fieldBytes: number,
): Promise<{ path: string; key: Buffer }> {
  const path = join(dir, name);
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  cipher.push(iv);
  const block = Buffer.alloc(MiB, "a");
  async function* plaintext() {
    yield Buffer.from("id,note,_fivetran_synced\n1,");
    for (let left = fieldBytes; left > 0; left -= MiB) yield left >= MiB ? block : block.subarray(0, left);
    yield Buffer.from(`,${SYNCED}\n`);
  }
  await pipeline(Readable.from(plaintext()), createZstdCompress(), cipher, createWriteStream(path));
  return { path, key };
}

describe("CSV bombs with the default limits", () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile("hostile_bomb");
    await createTable(h, "t");
  });
  after(() => h.close());

  test("a 100 MiB field in a small zstd file is refused while it is read", async () => {
    const bomb = await bombFile(h.dir, "bomb.csv.zstd.aes", 100 * MiB);
    assert.ok((await stat(bomb.path)).size < 64 * 1024, "the file is small");
    const res = await writeBatch(h, {
      replaceFiles: [bomb.path],
      keys: { [bomb.path]: bomb.key },
      fileParams: { ...PLAIN_PARAMS, compression: Compression.ZSTD, encryption: Encryption.AES },
    });
    const message = taskSummary(res);
    assert.equal(
      message,
      'batch file "bomb.csv.zstd.aes", row 1, column "note": the value is larger than 67108864 bytes, the most one field may hold (--max-field-bytes)',
    );
    assertNothingLeaked(h, message, ["aaaa"]);
    assert.deepEqual(await rowsOf(h, "t"), []);
    await assertServing(h);
    await assertRetryConverges(h, "t", await goodFile(h, [["1", "a"]]), [[1, "a"]]);
  });

  test("a row of a million fields is refused as soon as it has one field too many", async () => {
    const path = join(h.dir, "commas.csv");
    await pipeline(
      Readable.from([`id,note,_fivetran_synced\n2,`, ",".repeat(1_000_000), "\n"]),
      createWriteStream(path),
    );
    assert.equal(
      taskSummary(await writeBatch(h, { replaceFiles: [path] })),
      'batch file "commas.csv", row 1: row has more than 4 fields, the header has 3',
    );
    const header = join(h.dir, "header.csv");
    await pipeline(Readable.from([",".repeat(1_000_000), "\n"]), createWriteStream(header));
    const message = taskSummary(await writeBatch(h, { replaceFiles: [header] }));
    assert.equal(
      message,
      'batch file "header.csv", row 0: the header has more than 10000 fields, more than any table has columns',
    );
    assertNothingLeaked(h, message);
    assert.deepEqual(await rowsOf(h, "t"), [[1, "a"]]);
    await assertServing(h);
  });

  test("the parser refuses a field before the field ends", () => {
    const parser = new CsvParser({ maxFieldChars: 1_000, maxRecordChars: 10_000 });
    assert.equal(parser.push(`id,note\n1,"${"a".repeat(900)}`).length, 1);
    assert.throws(
      () => parser.push("a".repeat(200)),
      (error: unknown) =>
        error instanceof CsvTooLarge && error.what === "field" && error.record === 1 && error.field === 1,
    );
    const rows = new CsvParser({ maxFieldChars: 1_000, maxRecordChars: 1_500 });
    rows.push(`${"a".repeat(800)},`);
    assert.throws(
      () => rows.push("b".repeat(800)),
      (error: unknown) =>
        error instanceof CsvTooLarge && error.what === "record" && error.record === 0 && error.field === 1,
    );
  });
});

test("a field over the limit in the header's piece of text names its column only if the header is one", async () => {
  const { dir, cleanup } = await batchDir();
  try {
    const table = {
      name: "t",
      columns: FILE_COLUMNS.map((c) => ({ ...c, primaryKey: c.name === "id" })),
    };
    const read = async (text: string) => {
      const path = join(dir, "small.csv");
      await writeFile(path, text);
      try {
        for await (const _ of readBatchFile(path, {
          table,
          keys: {},
          fileParams: { compression: "none", encryption: "none", nullString: "", unmodifiedString: "" },
          format: "csv",
          limits: { maxFieldBytes: 1_000 },
        })) {
          // consume
        }
      } catch (error) {
        return error as BatchFileError;
      }
      assert.fail("expected an error");
    };
    const named = await read(`id,note,_fivetran_synced\n1,${"e".repeat(2_000)},${SYNCED}\n`);
    assert.equal(named.code, "BATCH_FIELD_TOO_LARGE");
    assert.equal(
      named.summary,
      'batch file "small.csv", row 1, column "note": the value is larger than 1000 bytes, the most one field may hold (--max-field-bytes)',
    );
    const unnamed = await read(`root:x:0:0:root:/root:/bin/bash\n${"e".repeat(2_000)}\n`);
    assert.equal(
      unnamed.summary,
      'batch file "small.csv", row 0, an unknown column (header field 1): the table "t" has no such column',
    );
  } finally {
    await cleanup();
  }
});

describe("CSV bombs with lower limits", () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile("hostile_bomb_row", { batchFiles: { maxFieldBytes: MiB, maxRowBytes: MiB / 2 } });
    await createTable(h, "t");
  });
  after(() => h.close());

  test("a row over the row limit is refused naming the column where it passed the limit", async () => {
    const file = await writeBatchFile({
      dir: h.dir,
      columns: FILE_COLUMNS,
      rows: [
        ["1", "small", SYNCED],
        ["2", "b".repeat(600 * 1024), SYNCED],
      ],
      encryption: "none",
      compression: "none",
      nullString: "",
      unmodifiedString: "",
    });
    const message = taskSummary(await writeBatch(h, { replaceFiles: [file.path], fileParams: PLAIN_PARAMS }));
    assert.match(
      message,
      /^batch file "batch-\d+\.csv", row 2, column "note": the row is larger than 524288 bytes, the most one row may hold \(--max-row-bytes\)$/,
    );
    assertNothingLeaked(h, message, ["bbbb"]);
    assert.deepEqual(await rowsOf(h, "t"), [], "the file's earlier rows were not written either");
    await assertServing(h);
    await assertRetryConverges(h, "t", await goodFile(h, [["1", "a"]]), [[1, "a"]]);
  });
});

describe("Parquet bombs", () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile("hostile_bomb_pq", {
      batchFileFormat: "parquet",
      batchFiles: { maxFieldBytes: MiB, maxRowBytes: 2 * MiB },
    });
    await createTable(h, "t");
  });
  after(() => h.close());

  const parquetFile = (rows: string[][], rowGroupRows = 10_000) =>
    writeBatchFile({ dir: h.dir, columns: FILE_COLUMNS, rows, format: "parquet", rowGroupRows });

  test("one huge value is refused from the footer's sizes, before decoding", async () => {
    const file = await parquetFile([["1", "a".repeat(5 * MiB), SYNCED]]);
    assert.ok((await stat(file.path)).size < 64 * 1024, "the file is small");
    const message = taskSummary(
      await writeBatch(h, { replaceFiles: [file.path], keys: file.keys, fileParams: packedParams(file) }),
    );
    assert.match(
      message,
      /^batch file "batch-\d+\.parquet\.zstd\.aes", row 1, column "note": the value is larger than 1048576 bytes, the most one field may hold \(--max-field-bytes\)$/,
    );
    assertNothingLeaked(h, message, ["aaaa"]);
    assert.deepEqual(await rowsOf(h, "t"), []);
    await assertServing(h);
  });

  test("a row group whose values are too large on average is refused naming its rows", async () => {
    const big = "c".repeat(3 * MiB);
    const file = await parquetFile([
      ["1", big, SYNCED],
      ["2", big, SYNCED],
    ]);
    const message = taskSummary(
      await writeBatch(h, { replaceFiles: [file.path], keys: file.keys, fileParams: packedParams(file) }),
    );
    assert.match(
      message,
      /^batch file "[^"]+", column "note": the value is larger than 1048576 bytes, the most one field may hold \(--max-field-bytes\) \(in rows 1–2\)$/,
    );
    assert.deepEqual(await rowsOf(h, "t"), []);
    await assertServing(h);
  });

  test("one large value among small ones is refused after decoding, naming its row", async () => {
    const rows = Array.from({ length: 20 }, (_, i) => [
      String(i + 1),
      i === 6 ? "d".repeat(MiB + 1) : "x",
      SYNCED,
    ]);
    const file = await parquetFile(rows);
    const message = taskSummary(
      await writeBatch(h, { replaceFiles: [file.path], keys: file.keys, fileParams: packedParams(file) }),
    );
    assert.match(
      message,
      /^batch file "[^"]+", row 7, column "note": the value is larger than 1048576 bytes, the most one field may hold \(--max-field-bytes\)$/,
    );
    assertNothingLeaked(h, message, ["dddd"]);
    assert.deepEqual(await rowsOf(h, "t"), []);
    await assertServing(h);
    const good = await parquetFile([["1", "a", SYNCED]]);
    await assertRetryConverges(h, "t", good, [[1, "a"]]);
  });
});

test("the limits come from the flags or their environment variables", () => {
  const fromFlags = parseCli(["--max-field-bytes", "16MiB", "--max-row-bytes=100000000"], {});
  assert.deepEqual(fromFlags.kind === "run" && fromFlags.options.batchFiles, {
    maxFieldBytes: 16 * MiB,
    maxRowBytes: 100_000_000,
  });
  const fromEnv = parseCli([], {
    CRATEDB_DESTINATION_MAX_FIELD_BYTES: "2048kib",
    CRATEDB_DESTINATION_MAX_ROW_BYTES: "1GiB",
  });
  assert.deepEqual(fromEnv.kind === "run" && fromEnv.options.batchFiles, {
    maxFieldBytes: 2 * MiB,
    maxRowBytes: 1024 * MiB,
  });
  for (const bad of ["0", "1000", "512MiB", "lots", "1.5MiB"]) {
    assert.throws(() => parseCli([`--max-field-bytes=${bad}`], {}), /--max-field-bytes: expected a size/);
  }
  assert.throws(() => parseCli(["--max-row-bytes=2GiB"], {}), /--max-row-bytes: expected a size/);
});
