import { readFile, writeFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import type { TableDef } from "../../src/table-def.ts";
import { drain, expectError, rows, SECRET, SYNCED, TABLE } from "../helpers/batch-errors.ts";
import type { Cell } from "../helpers/batch-writer.ts";
import { batchDir, writeBatchFile } from "../helpers/batch-writer.ts";

let dir: string;
let cleanup: () => Promise<void>;
before(async () => {
  ({ dir, cleanup } = await batchDir());
});
after(() => cleanup());

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

test("corrupt Parquet pages are reported as undecodable Parquet data", async () => {
  const many = Array.from({ length: 3000 }, (_, i): Cell[] => [String(i), "1.00", `note ${i}`, SYNCED]);
  const file = await writeBatchFile({
    dir,
    format: "parquet",
    columns: TABLE.columns,
    rows: many,
    compression: "none",
    encryption: "none",
  });
  const bytes = await readFile(file.path);
  // Damage the column data, keep the footer (the last few KB) intact.
  for (let i = 64; i < bytes.length / 2; i += 3) bytes[i] = bytes[i]! ^ 0xff;
  await writeFile(file.path, bytes);
  await expectError(
    file,
    { code: "BATCH_BAD_PARQUET", message: /the Parquet data cannot be decoded/ },
    { format: "parquet" },
  );
});
