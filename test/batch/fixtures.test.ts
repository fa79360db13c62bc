import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { FileParams } from "../../src/batch/file-params.ts";
import { readBatchFile } from "../../src/batch/read-batch-file.ts";
import { type BatchValue, UNMODIFIED } from "../../src/batch/values.ts";
import type { TableDef } from "../../src/table-def.ts";
import { TESTER_NULL, TESTER_UNMODIFIED } from "../helpers/batch-writer.ts";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/batch/${name}`, import.meta.url));
const keys = JSON.parse(readFileSync(fixture("test-keys.json"), "utf8")) as Record<string, string>;

/** The `transaction` table of the tester's input.json. */
const TRANSACTION: TableDef = {
  name: "transaction",
  columns: [
    { name: "id", type: "INT", primaryKey: true },
    { name: "amount_double", type: "DOUBLE", primaryKey: false },
    { name: "amount_float", type: "FLOAT", primaryKey: false },
    { name: "amount_decimal", type: "DECIMAL", primaryKey: false, decimal: { precision: 38, scale: 10 } },
    { name: "flag", type: "BOOLEAN", primaryKey: false },
    { name: "short_val", type: "SHORT", primaryKey: false },
    { name: "long_val", type: "LONG", primaryKey: false },
    { name: "time_val", type: "NAIVE_TIME", primaryKey: false },
    { name: "date_val", type: "NAIVE_DATE", primaryKey: false },
    { name: "datetime_val", type: "NAIVE_DATETIME", primaryKey: false },
    { name: "utc_val", type: "UTC_DATETIME", primaryKey: false },
    { name: "binary_val", type: "BINARY", primaryKey: false },
    { name: "xml_val", type: "XML", primaryKey: false },
    { name: "string_val", type: "STRING", primaryKey: false },
    { name: "json_val", type: "JSON", primaryKey: false },
    { name: "_fivetran_synced", type: "UTC_DATETIME", primaryKey: false },
  ],
};

const synced = (ms: number) => Date.UTC(2024, 0, 1, 0, 0, 0, ms);
const EXPECTED: BatchValue[][] = [
  [
    1,
    100.123456789,
    10.12,
    "12345.123456789", // 12345.123456789012 rounded to the column's scale of 10
    true,
    123,
    1234567890123456789n,
    "10:15:30",
    Date.UTC(2023, 9, 27),
    Date.UTC(2023, 9, 27, 15),
    Date.UTC(2023, 9, 27, 15),
    "[B@7d4991ad",
    "<a>1</a>",
    'Hello, "World"',
    '{"a": 1}',
    synced(123),
  ],
  [
    2,
    -2.2250738585072014e-308,
    3.4028234663852886e38,
    "12345678901234568000000",
    false,
    -32768,
    -9223372036854775807n,
    "23:59:59.999999",
    Date.UTC(2024, 1, 29),
    Date.UTC(2023, 9, 28, 11, 0, 0, 500),
    Date.UTC(2023, 9, 28, 9),
    "AP8=",
    null,
    "multi\nline \\\\ backslash",
    "[1,2]",
    synced(124),
  ],
  [
    3,
    "NaN",
    "-Infinity",
    UNMODIFIED,
    null,
    null,
    UNMODIFIED,
    null,
    null,
    null,
    null,
    null,
    UNMODIFIED,
    "",
    null,
    synced(125),
  ],
  [
    4,
    "Infinity",
    0,
    "0.0000000001",
    true,
    0,
    0,
    "00:00",
    -62_135_596_800_000 /* 0001-01-01 */,
    0,
    253_402_300_799_999,
    "",
    '<x y="1"/>',
    "😀 中文 é",
    '"s"',
    synced(126),
  ],
];

const VARIANTS: [string, FileParams["compression"], FileParams["encryption"]][] = [
  ["tester_upsert.csv", "none", "none"],
  ["tester_upsert.csv.gz", "gzip", "none"],
  ["tester_upsert.csv.zstd", "zstd", "none"],
  ["tester_upsert.csv.zstd.aes", "zstd", "aes"],
];

for (const [name, compression, encryption] of VARIANTS) {
  test(`the tester-style fixture ${name} decodes to the expected rows`, async () => {
    const path = fixture(name);
    const key = keys[name];
    const rows: BatchValue[][] = [];
    for await (const chunk of readBatchFile(path, {
      table: TRANSACTION,
      keys: key ? { [path]: Buffer.from(key, "hex") } : {},
      fileParams: { compression, encryption, nullString: TESTER_NULL, unmodifiedString: TESTER_UNMODIFIED },
      format: "csv",
    })) {
      assert.deepEqual(
        chunk.columns,
        TRANSACTION.columns.map((c) => c.name),
      );
      rows.push(...chunk.rows);
    }
    assert.deepEqual(rows, EXPECTED);
  });
}
