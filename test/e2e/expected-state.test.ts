/**
 * The reference model checked against results worked out by hand from the spec, so that replay
 * failures point at the destination rather than at the model.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { UNMODIFIED } from "../../src/batch/values.ts";
import type { TableDef } from "../../src/table-def.ts";
import { expectedState } from "./expected-state.ts";
import { BatchCollector, MAX_END } from "./tester-batches.ts";
import type { TesterCall } from "./tester-calls.ts";
import { loadInput, testerTableDef } from "./tester-input.ts";

const HISTORY: TableDef = {
  name: "h",
  columns: [
    { name: "id", type: "INT", primaryKey: true },
    { name: "col1", type: "STRING", primaryKey: false },
    { name: "col2", type: "INT", primaryKey: false },
    { name: "_fivetran_start", type: "UTC_DATETIME", primaryKey: true },
    { name: "_fivetran_end", type: "UTC_DATETIME", primaryKey: false },
    { name: "_fivetran_active", type: "BOOLEAN", primaryKey: false },
    { name: "_fivetran_synced", type: "UTC_DATETIME", primaryKey: false },
  ],
};
const T = (day: number): string => `2024-01-0${day}T00:00:00.000Z`;
const minus1 = (day: number): string => `2024-01-0${day - 1}T23:59:59.999Z`;
const batch = { table: HISTORY, history: true, earliest: [], replace: [], update: [], delete: [] };

describe("reference model", () => {
  test("WriteHistoryBatch gives the guide's worked example result (§7.9)", () => {
    const synced = T(9);
    const calls: TesterCall[] = [
      { rpc: "createTable", table: HISTORY },
      {
        rpc: "writeHistoryBatch",
        batch: {
          ...batch,
          replace: [
            {
              id: "1",
              col1: "pqr",
              col2: "2",
              _fivetran_start: T(2),
              _fivetran_end: MAX_END,
              _fivetran_active: "true",
              _fivetran_synced: synced,
            },
            {
              id: "2",
              col1: "mno",
              col2: "3",
              _fivetran_start: T(2),
              _fivetran_end: MAX_END,
              _fivetran_active: "true",
              _fivetran_synced: synced,
            },
          ],
        },
      },
      {
        rpc: "writeHistoryBatch",
        batch: {
          ...batch,
          earliest: [
            { id: "1", _fivetran_start: T(3) },
            { id: "2", _fivetran_start: T(4) },
          ],
          update: [
            {
              id: "1",
              col1: "xyz",
              col2: UNMODIFIED,
              _fivetran_start: T(3),
              _fivetran_end: minus1(5),
              _fivetran_active: "false",
              _fivetran_synced: synced,
            },
            {
              id: "1",
              col1: "def",
              col2: UNMODIFIED,
              _fivetran_start: T(5),
              _fivetran_end: MAX_END,
              _fivetran_active: "true",
              _fivetran_synced: synced,
            },
            {
              id: "2",
              col1: UNMODIFIED,
              col2: "1000",
              _fivetran_start: T(4),
              _fivetran_end: MAX_END,
              _fivetran_active: "true",
              _fivetran_synced: synced,
            },
          ],
        },
      },
    ];
    const rows = expectedState(calls)
      .get("h")!
      .rows.map((r) => [
        r["id"],
        r["col1"],
        r["col2"],
        r["_fivetran_start"],
        r["_fivetran_end"],
        r["_fivetran_active"],
      ]);
    assert.deepEqual(
      rows.sort(),
      [
        ["1", "def", "2", T(5), MAX_END, "true"],
        ["1", "pqr", "2", T(2), minus1(3), "false"],
        ["1", "xyz", "2", T(3), minus1(5), "false"],
        ["2", "mno", "1000", T(4), MAX_END, "true"],
        ["2", "mno", "3", T(2), minus1(4), "false"],
      ].sort(),
    );
  });

  test("duplicate keys: last upsert wins, updates fold in order, deletes come last, misses are no-ops", () => {
    const input = loadInput("extra/duplicate_keys.json");
    const def = testerTableDef("orders", input.create_table!["orders"]!);
    const collector = new BatchCollector();
    (input.ops ?? []).forEach((op, i) => {
      const [kind, tables] = Object.entries(op)[0]!;
      const rows = (tables as Record<string, never[]>)["orders"];
      if (rows) collector.add(kind as "upsert", def, rows, Date.UTC(2024, 0, 1, 0, 0, i));
    });
    const calls: TesterCall[] = [
      { rpc: "createTable", table: def },
      ...collector.batches().map((b) => ({ rpc: "writeBatch" as const, batch: b })),
    ];
    const rows = expectedState(calls)
      .get("orders")!
      .rows.map((r) => [r["id"], r["item"], r["amount"], r["note"], r["_fivetran_deleted"]]);
    assert.deepEqual(rows.sort(), [
      ["1", "apple v2", "12", "updated twice", "false"],
      ["2", "pear", "20", null, "true"],
    ]);
  });

  test("Truncate removes rows synced strictly before the cutoff and keeps one synced at it", () => {
    const def = testerTableDef("t", { columns: { id: "INT" }, primary_key: ["id"] });
    const collector = new BatchCollector();
    collector.add("upsert", def, [{ id: 1 }], 1_000);
    collector.add("upsert", def, [{ id: 2 }], 2_000);
    const calls: TesterCall[] = [
      { rpc: "createTable", table: def },
      ...collector.batches().map((b) => ({ rpc: "writeBatch" as const, batch: b })),
      { rpc: "truncate", table: "t", cutoffMs: 2_000, soft: false },
    ];
    assert.deepEqual(
      expectedState(calls)
        .get("t")!
        .rows.map((r) => r["id"]),
      ["2"],
    );
  });

  test("the tester closes every version of a key but the newest and writes its earliest start", () => {
    const def = testerTableDef("h", {
      columns: { id: "INT", v: "STRING" },
      primary_key: ["id"],
      history_mode: true,
    });
    const collector = new BatchCollector();
    collector.add(
      "upsert",
      def,
      [
        { id: 1, v: "b", op_time: "2024-01-02T00:00:00Z" },
        { id: 1, v: "a", op_time: "2024-01-01T00:00:00Z" },
      ],
      5,
    );
    const [b] = collector.batches();
    assert.deepEqual(b!.earliest, [{ id: "1", _fivetran_start: "2024-01-01T00:00:00Z" }]);
    assert.deepEqual(
      b!.replace.map((r) => [r["v"], r["_fivetran_end"], r["_fivetran_active"]]),
      [
        ["b", MAX_END, "true"],
        ["a", "2024-01-01T23:59:59.999Z", "false"],
      ],
    );
  });
});
