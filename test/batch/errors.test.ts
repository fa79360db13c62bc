import assert from "node:assert/strict";
import { createCipheriv, randomBytes } from "node:crypto";
import { readFile, truncate, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { after, before, test } from "node:test";
import { BatchFileError } from "../../src/batch/errors.ts";
import { type ReadBatchFileOptions, readBatchFile } from "../../src/batch/read-batch-file.ts";
import type { TableDef } from "../../src/table-def.ts";
import { batchDir, type Cell, type WrittenBatchFile, writeBatchFile } from "../helpers/batch-writer.ts";

let dir: string;
let cleanup: () => Promise<void>;
before(async () => {
  ({ dir, cleanup } = await batchDir());
});
after(() => cleanup());

const TABLE: TableDef = {
  name: "orders",
  columns: [
    { name: "id", type: "LONG", primaryKey: true },
    { name: "amount", type: "DECIMAL", primaryKey: false, decimal: { precision: 10, scale: 2 } },
    { name: "note", type: "STRING", primaryKey: false },
    { name: "_fivetran_synced", type: "UTC_DATETIME", primaryKey: false },
  ],
};
const SYNCED = "2024-01-01T00:00:00Z";
const SECRET = "s3cr3t-customer-value";

async function drain(path: string, options: ReadBatchFileOptions): Promise<void> {
  for await (const _ of readBatchFile(path, options)) {
    // consume
  }
}

interface Expected {
  code: string;
  row?: number;
  column?: string;
  message: RegExp;
}

/** Reads the file, expecting a BatchFileError that names it and leaks neither value nor key. */
async function expectError(
  file: WrittenBatchFile,
  expected: Expected,
  overrides: Partial<ReadBatchFileOptions> = {},
): Promise<BatchFileError> {
  let caught: unknown;
  try {
    await drain(file.path, {
      table: TABLE,
      keys: file.keys,
      fileParams: file.fileParams,
      format: "csv",
      ...overrides,
    });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof BatchFileError, `expected a BatchFileError, got ${String(caught)}`);
  assert.equal(caught.code, expected.code);
  assert.equal(caught.kind, "user");
  assert.equal(caught.file, basename(file.path));
  assert.ok(caught.message.startsWith(`batch file "${basename(file.path)}"`), caught.message);
  assert.ok(!caught.message.includes(dir), "no directory in the message");
  assert.equal(caught.row, expected.row);
  assert.equal(caught.column, expected.column);
  assert.match(caught.message, expected.message);
  const key = Buffer.from(file.key);
  for (const secret of [SECRET, key.toString("hex"), key.toString("base64")]) {
    assert.ok(!caught.message.includes(secret), "no value or key in the message");
  }
  return caught;
}

const rows = (...extra: Cell[][]): Cell[][] => [["1", "1.50", "a", SYNCED], ...extra];

test("a file without a key in the request's map is refused", async () => {
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: rows() });
  await expectError(file, { code: "BATCH_KEY_MISSING", message: /no decryption key/ }, { keys: {} });
});

test("the key is looked up by the exact path", async () => {
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: rows() });
  await expectError(
    file,
    { code: "BATCH_KEY_MISSING", message: /no decryption key/ },
    { keys: { [`${file.path}/`]: file.key, [basename(file.path)]: file.key } },
  );
});

test("a key that is not 32 bytes is refused", async () => {
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: rows() });
  await expectError(
    file,
    { code: "BATCH_KEY_INVALID", message: /16 bytes, expected 32/ },
    {
      keys: { [file.path]: randomBytes(16) },
    },
  );
});

for (const compression of ["zstd", "gzip", "none"] as const) {
  test(`a wrong key is reported as such (${compression})`, async () => {
    const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: rows(), compression });
    await expectError(
      file,
      { code: "BATCH_DECRYPT_FAILED", message: /wrong key or corrupt file/ },
      {
        keys: { [file.path]: randomBytes(32) },
      },
    );
  });
}

test("bad PKCS#7 padding is reported at the end of the file", async () => {
  const file = await writeBatchFile({
    dir,
    columns: TABLE.columns,
    rows: rows(),
    compression: "none",
    encryption: "none",
  });
  const plain = await readFile(file.path);
  // Fill up to a whole block with bytes that are not valid padding, then encrypt without padding.
  const fill = 16 - (plain.length % 16);
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv).setAutoPadding(false);
  const body = Buffer.concat([plain, Buffer.alloc(fill, 0), Buffer.alloc(16, 0)]);
  await writeFile(file.path, Buffer.concat([iv, cipher.update(body), cipher.final()]));
  const encrypted = {
    ...file,
    key,
    keys: { [file.path]: key },
    fileParams: { ...file.fileParams, encryption: "aes" as const },
  };
  await expectError(encrypted, { code: "BATCH_BAD_PADDING", message: /padding check failed/ });
});

test("ciphertext cut short of a whole block is a truncated file", async () => {
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: rows() });
  const { size } = await import("node:fs/promises").then((fs) => fs.stat(file.path));
  await truncate(file.path, size - 5);
  await expectError(file, { code: "BATCH_TRUNCATED", message: /not a whole number of 16-byte blocks/ });
});

test("a file shorter than the IV is a truncated file", async () => {
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: rows() });
  await truncate(file.path, 10);
  await expectError(file, { code: "BATCH_TRUNCATED", message: /shorter than the 16-byte AES IV/ });
});

for (const compression of ["zstd", "gzip"] as const) {
  test(`truncated ${compression} data is reported as corrupt`, async () => {
    const many = Array.from({ length: 2000 }, (_, i): Cell[] => [String(i), "1.00", `note ${i}`, SYNCED]);
    const file = await writeBatchFile({
      dir,
      columns: TABLE.columns,
      rows: many,
      compression,
      encryption: "none",
    });
    const { size } = await import("node:fs/promises").then((fs) => fs.stat(file.path));
    await truncate(file.path, Math.floor(size / 2));
    await expectError(file, {
      code: "BATCH_CORRUPT_COMPRESSED",
      message: new RegExp(`${compression} data is corrupt or truncated`),
    });
  });

  test(`a plain file announced as ${compression} is refused`, async () => {
    const file = await writeBatchFile({
      dir,
      columns: TABLE.columns,
      rows: rows(),
      compression: "none",
      encryption: "none",
    });
    await expectError(
      file,
      { code: "BATCH_CORRUPT_COMPRESSED", message: new RegExp(`not a ${compression} stream`) },
      { fileParams: { ...file.fileParams, compression } },
    );
  });
}

test("corrupt zstd data in the middle of the stream is reported as corrupt", async () => {
  const many = Array.from({ length: 5000 }, (_, i): Cell[] => [String(i), "1.00", `note ${i}`, SYNCED]);
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: many, encryption: "none" });
  const bytes = await readFile(file.path);
  for (let i = 100; i < bytes.length - 100; i += 7) bytes[i] = bytes[i]! ^ 0x5a;
  await writeFile(file.path, bytes);
  await expectError(file, { code: "BATCH_CORRUPT_COMPRESSED", message: /zstd data is corrupt or truncated/ });
});

test("a missing file is unreadable", async () => {
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: rows() });
  await expectError(
    { ...file, path: `${file.path}.gone`, keys: { [`${file.path}.gone`]: file.key } },
    {
      code: "BATCH_FILE_UNREADABLE",
      message: /cannot read the file \(ENOENT\)/,
    },
  );
});

test("a row with more or fewer fields than the header is ragged", async () => {
  for (const [extra, count] of [
    [`,${SECRET}`, 5],
    ["", 3],
  ] as const) {
    const file = await writeBatchFile({
      dir,
      columns: TABLE.columns,
      rows: rows(),
      compression: "none",
      encryption: "none",
    });
    const row2 = count === 3 ? `2,1.00,${SECRET}` : `2,1.00,${SECRET},${SYNCED}${extra}`;
    await writeFile(file.path, `${await readFile(file.path, "utf8")}${row2}\n`);
    await expectError(file, {
      code: "BATCH_RAGGED_ROW",
      row: 2,
      message: new RegExp(`row has ${count} fields, the header has 4`),
    });
  }
});

test("a header column the table does not have is refused", async () => {
  const columns = [...TABLE.columns, { name: "surprise", type: "STRING" as const }];
  const file = await writeBatchFile({ dir, columns, rows: [["1", "1.00", "a", SYNCED, SECRET]] });
  await expectError(file, {
    code: "BATCH_UNKNOWN_COLUMN",
    row: 0,
    column: "surprise",
    message: /has no such column/,
  });
});

test("a header naming a column twice is refused", async () => {
  const columns = [...TABLE.columns, TABLE.columns[2]!];
  const file = await writeBatchFile({ dir, columns, rows: [["1", "1.00", "a", SYNCED, SECRET]] });
  await expectError(file, {
    code: "BATCH_DUPLICATE_COLUMN",
    row: 0,
    column: "note",
    message: /names this column twice/,
  });
});

test("a file without a primary key column or _fivetran_synced is refused", async () => {
  const noKey = await writeBatchFile({ dir, columns: TABLE.columns.slice(1), rows: [["1.00", "a", SYNCED]] });
  await expectError(noKey, {
    code: "BATCH_MISSING_COLUMN",
    row: 0,
    column: "id",
    message: /required column is missing/,
  });
  const noSynced = await writeBatchFile({
    dir,
    columns: TABLE.columns.slice(0, 3),
    rows: [["1", "1.00", "a"]],
  });
  await expectError(noSynced, {
    code: "BATCH_MISSING_COLUMN",
    row: 0,
    column: "_fivetran_synced",
    message: /required column is missing/,
  });
  // The caller may say what a file kind must carry instead.
  await drain(noSynced.path, {
    table: TABLE,
    keys: noSynced.keys,
    fileParams: noSynced.fileParams,
    format: "csv",
    required: ["id"],
  });
});

test("a value that does not parse as its type names row and column, not the value", async () => {
  const file = await writeBatchFile({
    dir,
    columns: TABLE.columns,
    rows: rows(["2", "1.00", "b", SYNCED], ["3", SECRET, "c", SYNCED]),
  });
  await expectError(file, {
    code: "BATCH_BAD_VALUE",
    row: 3,
    column: "amount",
    message: /not a decimal number/,
  });
});

test("a decimal too large for its precision is refused", async () => {
  const file = await writeBatchFile({
    dir,
    columns: TABLE.columns,
    rows: [["1", "123456789.5", "a", SYNCED]],
  });
  await expectError(file, {
    code: "BATCH_BAD_VALUE",
    row: 1,
    column: "amount",
    message: /out of range for DECIMAL\(10,2\)/,
  });
});

test("an empty field in a non-text column is malformed", async () => {
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: [["", "1.00", "a", SYNCED]] });
  await expectError(file, {
    code: "BATCH_BAD_VALUE",
    row: 1,
    column: "id",
    message: /empty value in a LONG column/,
  });
});

test("an unterminated quote is malformed CSV at its row", async () => {
  const file = await writeBatchFile({
    dir,
    columns: TABLE.columns,
    rows: rows(),
    compression: "none",
    encryption: "none",
  });
  await writeFile(file.path, `${await readFile(file.path, "utf8")}2,1.00,"${SECRET}`);
  await expectError(file, { code: "BATCH_MALFORMED_CSV", row: 2, message: /unterminated quoted field/ });
});

test("a file that is not Parquet is refused when Parquet is expected", async () => {
  const file = await writeBatchFile({
    dir,
    columns: TABLE.columns,
    rows: rows(),
    compression: "none",
    encryption: "none",
  });
  await expectError(
    file,
    { code: "BATCH_BAD_PARQUET", message: /not a Parquet file/ },
    { format: "parquet" },
  );
});

test("a Parquet file larger than the in-memory bound is refused", async () => {
  const many = Array.from({ length: 2000 }, (_, i): Cell[] => [String(i), "1.00", `note ${i}`, SYNCED]);
  const file = await writeBatchFile({ dir, format: "parquet", columns: TABLE.columns, rows: many });
  await expectError(
    file,
    { code: "BATCH_TOO_LARGE", message: /larger than 1000 bytes/ },
    {
      format: "parquet",
      maxParquetBytes: 1000,
    },
  );
});

test("a bad Parquet value names its 1-based row and column", async () => {
  const file = await writeBatchFile({
    dir,
    format: "parquet",
    columns: [...TABLE.columns.slice(0, 2), { name: "note", type: "STRING" }, TABLE.columns[3]!],
    rows: [
      ["1", "1.00", "a", SYNCED],
      ["2", "1.00", "b", SECRET],
    ],
  });
  await expectError(
    file,
    { code: "BATCH_BAD_VALUE", row: 2, column: "_fivetran_synced", message: /not a date-time/ },
    {
      format: "parquet",
    },
  );
});

test("a Parquet field whose type cannot fill its column is refused by name", async () => {
  const file = await writeBatchFile({
    dir,
    format: "parquet",
    columns: [{ name: "id", type: "LONG" }, { name: "amount", type: "BOOLEAN" }, TABLE.columns[3]!],
    rows: [["1", "true", SYNCED]],
  });
  await expectError(
    file,
    {
      code: "BATCH_BAD_PARQUET",
      column: "amount",
      message: /Parquet type Bool cannot be read into a DECIMAL column/,
    },
    {
      format: "parquet",
    },
  );
});

test("a Parquet integer outside its column's range is a bad value", async () => {
  const table: TableDef = {
    name: "t",
    columns: [{ name: "id", type: "SHORT", primaryKey: true }, TABLE.columns[3]!],
  };
  const file = await writeBatchFile({
    dir,
    format: "parquet",
    columns: [{ name: "id", type: "INT" }, TABLE.columns[3]!],
    rows: [
      ["1", SYNCED],
      ["40000", SYNCED],
    ],
  });
  await expectError(
    file,
    { code: "BATCH_BAD_VALUE", row: 2, column: "id", message: /out of range for SHORT/ },
    {
      format: "parquet",
      table,
    },
  );
});
