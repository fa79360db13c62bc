import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { numericScalesFrom, type PhysicalTable } from "../../../src/cratedb/catalog.ts";
import { sameDefinition } from "../../../src/ops/table/create.ts";
import { resolveColumns } from "../../../src/ops/table/describe.ts";
import type { TypeRecord } from "../../../src/ops/table/type-metadata.ts";

const table: PhysicalTable = {
  ref: { schema: "s", table: "t" },
  isView: false,
  writeBlocked: false,
  settings: {},
  primaryKey: ["id"],
  columns: [
    { name: "id", dataType: "text", numericPrecision: null, nullable: false },
    { name: "doc", dataType: "text", numericPrecision: null, nullable: true },
    { name: "amount", dataType: "numeric", numericPrecision: 12, nullable: true },
    { name: "day", dataType: "timestamp without time zone", numericPrecision: null, nullable: true },
  ],
};

const strip = (cols: ReturnType<typeof resolveColumns>) => cols.map(({ physical: _, ...c }) => c);

describe("describing columns from type records", () => {
  test("records that still match the CrateDB type give the exact Fivetran type", () => {
    const records = new Map<string, TypeRecord>([
      ["doc", { type: "XML", storage: "text" }],
      ["amount", { type: "DECIMAL", decimal: { precision: 12, scale: 4 }, storage: "numeric(12)" }],
      ["day", { type: "NAIVE_DATE", storage: "timestamp without time zone" }],
      ["id", { type: "BINARY", storage: "text" }],
    ]);
    assert.deepEqual(strip(resolveColumns(table, records, new Map())), [
      { name: "id", type: "BINARY", primaryKey: true },
      { name: "doc", type: "XML", primaryKey: false },
      { name: "amount", type: "DECIMAL", primaryKey: false, decimal: { precision: 12, scale: 4 } },
      { name: "day", type: "NAIVE_DATE", primaryKey: false },
    ]);
  });

  test("stale records (another CrateDB type now) fall back to the closest type", () => {
    const records = new Map<string, TypeRecord>([
      ["doc", { type: "INT", storage: "integer" }],
      ["amount", { type: "DECIMAL", decimal: { precision: 10, scale: 2 }, storage: "numeric(10)" }],
    ]);
    assert.deepEqual(strip(resolveColumns(table, records, new Map([["amount", 3]]))).slice(1, 3), [
      { name: "doc", type: "STRING", primaryKey: false },
      { name: "amount", type: "DECIMAL", primaryKey: false, decimal: { precision: 12, scale: 3 } },
    ]);
  });

  test("no records at all describe every column by its closest type", () => {
    assert.deepEqual(
      strip(resolveColumns(table, new Map(), new Map())).map((c) => c.type),
      ["STRING", "STRING", "DECIMAL", "NAIVE_DATETIME"],
    );
  });

  test("NUMERIC scales are read from SHOW CREATE TABLE text, also for hostile names", () => {
    const ddl =
      'CREATE TABLE IF NOT EXISTS "s"."t" (\n   "a" NUMERIC(10, 2),\n   "we""ird a" NUMERIC(38, 10),\n   "b" TEXT\n)';
    const scales = numericScalesFrom(ddl, ["a", 'we"ird a', "b", "missing"]);
    assert.deepEqual(
      [...scales],
      [
        ["a", 2],
        ['we"ird a', 10],
      ],
    );
  });

  test("definitions are the same regardless of column order, but not with other params", () => {
    const a = [
      { name: "x", type: "DECIMAL" as const, primaryKey: false, decimal: { precision: 5, scale: 1 } },
      { name: "y", type: "INT" as const, primaryKey: true },
    ];
    assert.ok(sameDefinition(a, [...a].reverse()));
    assert.ok(!sameDefinition(a, [{ ...a[0]!, decimal: { precision: 5, scale: 2 } }, a[1]!]));
    assert.ok(!sameDefinition(a, [a[0]!, { ...a[1]!, primaryKey: false }]));
  });
});

describe("reading the physical table", () => {
  test("object sub-columns listed by information_schema are not reported as columns", async () => {
    const { readPhysicalTable } = await import("../../../src/cratedb/catalog.ts");
    const answers: Record<string, unknown[][]> = {
      "information_schema.tables": [
        ["BASE TABLE", { blocks: { write: true }, refresh_interval: 1000 }, 4, "0-1"],
      ],
      "information_schema.columns": [
        ["k", "integer", 32, "NO"],
        ["o", "object", null, "YES"],
        ["o['a']", "bigint", 64, "YES"],
        ["o['b']['c']", "text", null, "YES"],
      ],
      "information_schema.key_column_usage": [["k"]],
    };
    const fake = {
      async sql(stmt: string) {
        const key = Object.keys(answers).find((k) => stmt.includes(k)) ?? "";
        return { cols: [], rows: answers[key] ?? [], rowcount: 0 };
      },
      async bulk() {
        return { rowcount: 0, results: [] };
      },
    };
    const table = await readPhysicalTable(fake, { schema: "s", table: "t" });
    assert.deepEqual(
      table?.columns.map((c) => c.name),
      ["k", "o"],
    );
    assert.equal(table?.writeBlocked, true);
    assert.deepEqual(table?.settings, { shards: 4, replicas: "0-1" });
    assert.deepEqual(table?.primaryKey, ["k"]);
  });
});
