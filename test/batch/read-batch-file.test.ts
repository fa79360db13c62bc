import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import { readBatchFile } from "../../src/batch/read-batch-file.ts";
import type { BatchValue, RowChunk } from "../../src/batch/values.ts";
import type { TableDef } from "../../src/table-def.ts";
import { batchDir, type WrittenBatchFile, writeBatchFile } from "../helpers/batch-writer.ts";
import { ALL_TYPES, ALL_TYPES_ROWS } from "./all-types.ts";

let dir: string;
let cleanup: () => Promise<void>;
before(async () => {
  ({ dir, cleanup } = await batchDir());
});
after(() => cleanup());

async function readAll(
  file: WrittenBatchFile,
  table: TableDef,
  extra: { rowChunkBytes?: number; format?: "csv" | "parquet" } = {},
) {
  const chunks: RowChunk[] = [];
  for await (const chunk of readBatchFile(file.path, {
    table,
    keys: file.keys,
    fileParams: file.fileParams,
    format: extra.format ?? "csv",
    ...(extra.rowChunkBytes ? { rowChunkBytes: extra.rowChunkBytes } : {}),
  })) {
    chunks.push(chunk);
  }
  return chunks;
}

const expectedColumns = ALL_TYPES.columns.map((c) => c.name);

for (const compression of ["zstd", "gzip", "none"] as const) {
  for (const encryption of ["aes", "none"] as const) {
    test(`CSV with every type round-trips (${compression}, ${encryption === "aes" ? "encrypted" : "plain"})`, async () => {
      const file = await writeBatchFile({
        dir,
        columns: ALL_TYPES.columns,
        rows: ALL_TYPES_ROWS.map((r) => r.cells),
        compression,
        encryption,
        shuffleSeed: 7,
      });
      assert.notDeepEqual(file.fileColumns, expectedColumns, "the file's column order is shuffled");
      const chunks = await readAll(file, ALL_TYPES);
      assert.equal(chunks.length, 1);
      assert.deepEqual(chunks[0]!.columns, expectedColumns);
      assert.equal(chunks[0]!.firstRow, 1);
      assert.deepEqual(
        chunks[0]!.rows,
        ALL_TYPES_ROWS.map((r) => r.values),
      );
    });
  }
}

/**
 * Parquet stores floats as 32-bit and binary as bytes: adjust expectations. Decimals come out as
 * the same canonical text as from CSV, though Parquet stores them scaled.
 */
function parquetExpectation(values: BatchValue[]): BatchValue[] {
  return values.map((v, k) => {
    const column = ALL_TYPES.columns[k]!;
    if (v === null || typeof v === "symbol") return v;
    if (column.type === "FLOAT" && typeof v === "number") return Math.fround(v);
    if (column.type === "BINARY") return Buffer.from(String(v), "base64").toString("base64");
    return v;
  });
}

for (const [compression, encryption] of [
  ["zstd", "aes"],
  ["none", "aes"],
  ["none", "none"],
] as const) {
  test(`Parquet with every type round-trips (${compression}, ${encryption === "aes" ? "encrypted" : "plain"})`, async () => {
    const file = await writeBatchFile({
      dir,
      format: "parquet",
      columns: ALL_TYPES.columns,
      rows: ALL_TYPES_ROWS.map((r) => r.cells),
      compression,
      encryption,
      shuffleSeed: 3,
      rowGroupRows: 2,
    });
    const chunks = await readAll(file, ALL_TYPES, { format: "parquet" });
    assert.deepEqual(chunks[0]!.columns, expectedColumns);
    assert.deepEqual(
      chunks.flatMap((c) => c.rows),
      ALL_TYPES_ROWS.map((r) => parquetExpectation(r.values)),
    );
  });
}

const SMALL: TableDef = {
  name: "small",
  columns: [
    { name: "id", type: "LONG", primaryKey: true },
    { name: "name", type: "STRING", primaryKey: false },
    { name: "_fivetran_synced", type: "UTC_DATETIME", primaryKey: false },
  ],
};

test("rows come in chunks of about rowChunkBytes, numbered from 1, in file order", async () => {
  const rows = Array.from({ length: 1000 }, (_, i) => [String(i), `name-${i}`, "2024-01-01T00:00:00Z"]);
  const file = await writeBatchFile({ dir, columns: SMALL.columns, rows });
  const chunks = await readAll(file, SMALL, { rowChunkBytes: 2000 });
  assert.ok(chunks.length > 10, `${chunks.length} chunks`);
  let next = 1;
  for (const chunk of chunks) {
    assert.equal(chunk.firstRow, next);
    assert.ok(chunk.bytes >= 2000 || chunk === chunks.at(-1));
    assert.ok(chunk.bytes < 2100);
    next += chunk.rows.length;
  }
  assert.deepEqual(
    chunks.flatMap((c) => c.rows.map((r) => r[0])),
    rows.map((_, i) => i),
  );
});

test("a header-only file yields no rows", async () => {
  const file = await writeBatchFile({ dir, columns: SMALL.columns, rows: [] });
  assert.deepEqual(await readAll(file, SMALL), []);
});

test("a completely empty file yields no rows", async () => {
  const file = await writeBatchFile({
    dir,
    columns: SMALL.columns,
    rows: [],
    compression: "none",
    encryption: "none",
  });
  await writeFile(file.path, "");
  assert.deepEqual(await readAll(file, SMALL), []);
});

test("sentinels match after unquoting; an empty field is an empty string, never NULL", async () => {
  const file = await writeBatchFile({
    dir,
    columns: SMALL.columns,
    rows: [
      ["1", null, "2024-01-01T00:00:00Z"],
      ["2", "", "2024-01-01T00:00:00Z"],
    ],
    quoteAll: true,
    nullString: "my-null",
    unmodifiedString: "my-unmod",
  });
  const [chunk] = await readAll(file, SMALL);
  assert.deepEqual(
    chunk!.rows.map((r) => r[1]),
    [null, ""],
  );
});

test("the tester's sentinels are not special when FileParams names others", async () => {
  const file = await writeBatchFile({
    dir,
    columns: SMALL.columns,
    rows: [["1", "null-m8yilkvPsNulehxl2G6pmSQ3G3WWdLP", "2024-01-01T00:00:00Z"]],
    nullString: "other-null",
  });
  const [chunk] = await readAll(file, SMALL);
  assert.equal(chunk!.rows[0]![1], "null-m8yilkvPsNulehxl2G6pmSQ3G3WWdLP");
});

test("CRLF record ends are tolerated", async () => {
  const file = await writeBatchFile({
    dir,
    columns: SMALL.columns,
    rows: [["1", "a\r\nb", "2024-01-01T00:00:00Z"]],
    crlf: true,
  });
  const [chunk] = await readAll(file, SMALL);
  assert.deepEqual(chunk!.rows, [[1, "a\r\nb", Date.UTC(2024, 0, 1)]]);
});

test("the output holds only the file's columns, in table order", async () => {
  const table: TableDef = {
    name: "t",
    columns: [...SMALL.columns, { name: "retained", type: "STRING", primaryKey: false }],
  };
  const file = await writeBatchFile({
    dir,
    columns: [SMALL.columns[2]!, SMALL.columns[0]!],
    rows: [["2024-01-01T00:00:00Z", "5"]],
  });
  const [chunk] = await readAll(file, table);
  assert.deepEqual(chunk!.columns, ["id", "_fivetran_synced"]);
  assert.deepEqual(chunk!.rows, [[5, Date.UTC(2024, 0, 1)]]);
});

test("a plain file with a key in the map ignores the key", async () => {
  const file = await writeBatchFile({
    dir,
    columns: SMALL.columns,
    rows: [["1", "x", "2024-01-01T00:00:00Z"]],
    encryption: "none",
  });
  const [chunk] = await readAll(file, SMALL);
  assert.equal(chunk!.rows.length, 1);
});

test("leaving the loop early releases the file and stops reading", async () => {
  const rows = Array.from({ length: 5000 }, (_, i) => [String(i), "n", "2024-01-01T00:00:00Z"]);
  const file = await writeBatchFile({ dir, columns: SMALL.columns, rows });
  let seen = 0;
  for await (const chunk of readBatchFile(file.path, {
    table: SMALL,
    keys: file.keys,
    fileParams: file.fileParams,
    format: "csv",
    rowChunkBytes: 1000,
  })) {
    seen += chunk.rows.length;
    break;
  }
  assert.ok(seen > 0 && seen < 5000);
});

test("an aborted signal stops reading with the signal's reason", async () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => [String(i), "n", "2024-01-01T00:00:00Z"]);
  const file = await writeBatchFile({ dir, columns: SMALL.columns, rows });
  const controller = new AbortController();
  const reason = new Error("cancelled");
  await assert.rejects(async () => {
    for await (const _ of readBatchFile(file.path, {
      table: SMALL,
      keys: file.keys,
      fileParams: file.fileParams,
      format: "csv",
      rowChunkBytes: 1000,
      signal: controller.signal,
    })) {
      controller.abort(reason);
    }
  }, reason);
});
