import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import type { SqlValue } from "../../../src/cratedb/sql-client.ts";
import { alterTable } from "../../../src/ops/alter/alter.ts";
import { createTable } from "../../../src/ops/table/create.ts";
import { describeTable } from "../../../src/ops/table/describe.ts";
import type { ColumnDef, TableDef } from "../../../src/table-def.ts";
import { Seeder } from "../../helpers/alter.ts";
import { call, col, dropSchema, insertRows, selectRows, testClient } from "../../helpers/ops.ts";

let client: CrateClient;
let seeder: Seeder;

before(() => {
  client = testClient();
  seeder = new Seeder(client, "ops_convert");
});
after(async () => {
  await dropSchema(client, seeder.schema);
  await client.close();
});

const dec = (precision: number, scale: number) => ({ decimal: { precision, scale } });
const MIDNIGHT = Date.parse("2024-03-04T00:00:00Z");

/** from column, values written, to column, and the values read back — "refused", or "any" value. */
const cases: [ColumnDef, SqlValue[], ColumnDef, unknown[] | "refused" | "any"][] = [
  [
    col("v", "DECIMAL", false, dec(10, 2)),
    ["1.20", "3.00"],
    col("v", "DECIMAL", false, dec(10, 1)),
    [1.2, 3],
  ],
  [col("v", "DECIMAL", false, dec(10, 2)), ["1.25"], col("v", "DECIMAL", false, dec(10, 1)), "refused"],
  [col("v", "DECIMAL", false, dec(10, 2)), ["12345678.91"], col("v", "DECIMAL", false, dec(9, 2)), "refused"],
  [
    col("v", "DECIMAL", false, dec(60, 10)),
    ["123.4500000000"],
    col("v", "DECIMAL", false, dec(20, 4)),
    [123.45],
  ],
  [
    col("v", "DECIMAL", false, dec(60, 10)),
    ["1.2345600000"],
    col("v", "DECIMAL", false, dec(20, 4)),
    "refused",
  ],
  [col("v", "NAIVE_DATETIME"), [MIDNIGHT], col("v", "NAIVE_DATE"), [MIDNIGHT]],
  [col("v", "NAIVE_DATETIME"), [MIDNIGHT + 3_600_000], col("v", "NAIVE_DATE"), "refused"],
  [col("v", "UTC_DATETIME"), [MIDNIGHT + 5], col("v", "NAIVE_DATETIME"), [MIDNIGHT + 5]],
  [col("v", "STRING"), ["2024-03-04T00:00:00.005Z"], col("v", "UTC_DATETIME"), [MIDNIGHT + 5]],
  [col("v", "STRING"), ["next tuesday"], col("v", "UTC_DATETIME"), "refused"],
  [col("v", "STRING"), ["aGVsbG8="], col("v", "BINARY"), ["aGVsbG8="]],
  [col("v", "STRING"), ["not base64!"], col("v", "BINARY"), "refused"],
  [col("v", "STRING"), ["10:15:30", "23:59:59.123"], col("v", "NAIVE_TIME"), ["10:15:30", "23:59:59.123"]],
  [col("v", "STRING"), ["25h"], col("v", "NAIVE_TIME"), "refused"],
  [col("v", "STRING"), ["12", "-7"], col("v", "INT"), [12, -7]],
  [col("v", "STRING"), ["1.5"], col("v", "INT"), "refused"],
  [col("v", "STRING"), ["true", "FALSE"], col("v", "BOOLEAN"), [true, false]],
  [col("v", "STRING"), ["yes"], col("v", "BOOLEAN"), "refused"],
  [col("v", "DOUBLE"), [0.1], col("v", "FLOAT"), [0.1]],
  [col("v", "DOUBLE"), [1e300], col("v", "FLOAT"), "refused"],
  [col("v", "LONG"), [5], col("v", "DOUBLE"), [5]],
  [col("v", "LONG"), [2n ** 53n + 1n], col("v", "DOUBLE"), "refused"],
  [col("v", "INT"), [16_777_217], col("v", "FLOAT"), "refused"],
  [col("v", "FLOAT"), [10.12], col("v", "DOUBLE"), [10.12]],
  [col("v", "LONG"), [2_147_483_647], col("v", "INT"), [2_147_483_647]],
  [col("v", "LONG"), [2_147_483_648], col("v", "INT"), "refused"],
  [col("v", "NAIVE_TIME"), ["10:15:30"], col("v", "STRING"), ["10:15:30"]],
  [col("v", "BOOLEAN"), [true], col("v", "STRING"), "any"],
];

describe("conversions against the database", () => {
  for (const [from, values, to, expected] of cases) {
    const label = (c: ColumnDef) =>
      c.type + (c.decimal ? `(${c.decimal.precision}, ${c.decimal.scale})` : "");
    test(`${label(from)} ${JSON.stringify(values, (_, v) => (typeof v === "bigint" ? String(v) : v))} → ${label(to)} ${expected === "refused" ? "is refused" : "keeps the values"}`, async () => {
      const ref = seeder.nextRef();
      const def: TableDef = { name: ref.table, columns: [col("id", "INT", true), from] };
      await createTable(call(client), ref, def, {});
      await insertRows(
        client,
        ref,
        ["id", "v"],
        values.map((v, i) => [i, v]),
      );
      const next: TableDef = { name: ref.table, columns: [col("id", "INT", true), to] };
      if (expected === "refused") {
        await assert.rejects(
          alterTable(call(client), ref, next, false),
          (e: Error & { code?: string }) => e.code === "ALTER_REFUSED",
        );
        assert.deepEqual(await describeTable(call(client), ref), def);
        return;
      }
      await alterTable(call(client), ref, next, false);
      assert.deepEqual(await describeTable(call(client), ref), next);
      const rows = await selectRows(client, ref, ["id", "v"]);
      if (Array.isArray(expected)) {
        assert.deepEqual(
          rows.map((r) => (typeof expected[0] === "number" ? Number(r[1]) : r[1])),
          expected,
        );
      }
    });
  }
});
