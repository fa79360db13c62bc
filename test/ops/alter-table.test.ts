import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../src/cratedb/client/crate-client.ts";
import { qualified } from "../../src/cratedb/sql/ident.ts";
import { alterTable } from "../../src/ops/alter-table.ts";
import { createTable } from "../../src/ops/create-table.ts";
import { describeTable } from "../../src/ops/describe-table.ts";
import type { TableDef, TableRef } from "../../src/table-def.ts";
import { uniqueSchema } from "../helpers/cratedb.ts";
import { col, dropSchema, insertRows, recording, selectRows, testClient } from "./fixture.ts";

let client: CrateClient;
const schema = uniqueSchema("ops_alter");
const SYNCED = Date.parse("2024-01-02T03:04:05.678Z");

const base: TableDef = {
  name: "t",
  columns: [
    col("id", "INT", true),
    col("name", "STRING"),
    col("amount", "DOUBLE"),
    col("qty", "LONG"),
    col("_fivetran_synced", "UTC_DATETIME"),
  ],
};
const NAMES = ["id", "name", "amount", "qty", "_fivetran_synced"];
const ROWS = [
  [1, "one", 10.12, 7, SYNCED],
  [2, "two", -2.5, 1_000_000, SYNCED],
  [3, null, null, null, SYNCED],
];

let counter = 0;
async function seeded(def: TableDef = base, rows = ROWS, names = NAMES): Promise<TableRef> {
  counter += 1;
  const ref = { schema, table: `t${counter}` };
  await createTable(client, ref, { ...def, name: ref.table }, {});
  await insertRows(client, ref, names, rows);
  return ref;
}

const withName = (def: TableDef, ref: TableRef): TableDef => ({ ...def, name: ref.table });

/** Column order aside: a converted column moves to the end (CrateDB can't reorder columns). */
const byName = (def: TableDef | undefined): TableDef | undefined =>
  def && { ...def, columns: [...def.columns].sort((a, b) => (a.name < b.name ? -1 : 1)) };

before(() => {
  client = testClient();
});
after(async () => {
  await dropSchema(client, schema);
  await client.close();
});

describe("AlterTable without a key change", () => {
  test("an identical request sends no DDL and no writes", async () => {
    const ref = await seeded();
    const { client: rec, statements } = recording(client);
    await alterTable(rec, ref, withName(base, ref), false);
    await alterTable(rec, ref, withName(base, ref), true);
    assert.deepEqual(
      statements.filter((s) => !/^\s*(\/\*.*?\*\/\s*)?(SELECT|SHOW)\b/i.test(s)),
      [],
    );
  });

  test("added columns are nullable and existing rows keep their values", async () => {
    const ref = await seeded();
    const def = withName(
      { ...base, columns: [...base.columns, col("note", "XML"), col("flag", "BOOLEAN")] },
      ref,
    );
    await alterTable(client, ref, def, false);
    assert.deepEqual(await describeTable(client, ref), def);
    assert.deepEqual(await selectRows(client, ref, ["id", "name", "note", "flag"]), [
      [1, "one", null, null],
      [2, "two", null, null],
      [3, null, null, null],
    ]);
  });

  test("a type sharing the CrateDB type is relabelled, others are converted with values kept", async () => {
    const ref = await seeded();
    const def = withName(
      {
        ...base,
        columns: [
          col("id", "INT", true),
          col("name", "XML"),
          col("amount", "FLOAT"),
          col("qty", "INT"),
          col("_fivetran_synced", "UTC_DATETIME"),
        ],
      },
      ref,
    );
    await alterTable(client, ref, def, false);
    assert.deepEqual(byName(await describeTable(client, ref)), byName(def));
    assert.deepEqual(await selectRows(client, ref, NAMES), [
      [1, "one", 10.12, 7, SYNCED],
      [2, "two", -2.5, 1_000_000, SYNCED],
      [3, null, null, null, SYNCED],
    ]);
    const columns = await client.sql(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY column_name",
      [schema, ref.table],
    );
    assert.ok(!columns.rows.some((r) => String(r[0]).includes("__ft_")));
  });

  test("widening INT to STRING and DOUBLE to DECIMAL keeps the values", async () => {
    const ref = await seeded();
    const def = withName(
      {
        ...base,
        columns: [
          col("id", "INT", true),
          col("name", "STRING"),
          col("amount", "DECIMAL", false, { decimal: { precision: 12, scale: 2 } }),
          col("qty", "STRING"),
          col("_fivetran_synced", "UTC_DATETIME"),
        ],
      },
      ref,
    );
    await alterTable(client, ref, def, false);
    assert.deepEqual(byName(await describeTable(client, ref)), byName(def));
    const rows = await selectRows(client, ref, ["id", "amount", "qty"]);
    assert.deepEqual(
      rows.map((r) => [r[0], r[1] === null ? null : Number(r[1]), r[2]]),
      [
        [1, 10.12, "7"],
        [2, -2.5, "1000000"],
        [3, null, null],
      ],
    );
  });

  const refusals: [string, TableDef["columns"][number], RegExp][] = [
    ["LONG to SHORT with a value out of range", col("qty", "SHORT"), /"qty".*LONG to SHORT/],
    ["STRING to INT with non-numeric text", col("name", "INT"), /"name"/],
    [
      "DOUBLE to DECIMAL that would round",
      col("amount", "DECIMAL", false, { decimal: { precision: 5, scale: 1 } }),
      /"amount"/,
    ],
    ["STRING to UTC_DATETIME with text that isn't a time", col("name", "UTC_DATETIME"), /"name"/],
    ["UTC_DATETIME to INT", col("_fivetran_synced", "INT"), /"_fivetran_synced".*not numbers/],
  ];
  for (const [what, changed, message] of refusals) {
    test(`${what} is refused with a Task and nothing changes`, async () => {
      const ref = await seeded();
      const def = withName(
        { ...base, columns: base.columns.map((c) => (c.name === changed.name ? changed : c)) },
        ref,
      );
      await assert.rejects(
        alterTable(client, ref, def, false),
        (e: Error & { kind?: string }) => e.kind === "user" && message.test(e.message),
      );
      assert.deepEqual(await describeTable(client, ref), withName(base, ref));
      assert.deepEqual(await selectRows(client, ref, NAMES), ROWS);
    });
  }

  test("drop_columns=false keeps absent columns, drop_columns=true drops them", async () => {
    const ref = await seeded();
    const def = withName({ ...base, columns: base.columns.filter((c) => c.name !== "qty") }, ref);
    await alterTable(client, ref, def, false);
    assert.deepEqual(await describeTable(client, ref), withName(base, ref));
    await alterTable(client, ref, def, true);
    assert.deepEqual(await describeTable(client, ref), def);
    assert.deepEqual(await selectRows(client, ref, ["id", "name"]), [
      [1, "one"],
      [2, "two"],
      [3, null],
    ]);
  });

  test("a missing table fails with a Task", async () => {
    await assert.rejects(
      alterTable(client, { schema, table: "absent" }, { ...base, name: "absent" }, false),
      (e: Error & { kind?: string; code?: string }) => e.kind === "user" && e.code === "TABLE_MISSING",
    );
  });
});

describe("AlterTable with a key change (rebuild)", () => {
  test("adding a column to the key keeps every row and leaves no helper table", async () => {
    const ref = await seeded(base, ROWS.slice(0, 2));
    const def = withName(
      { ...base, columns: base.columns.map((c) => (c.name === "name" ? { ...c, primaryKey: true } : c)) },
      ref,
    );
    await alterTable(client, ref, def, false);
    assert.deepEqual(await describeTable(client, ref), def);
    assert.deepEqual(await selectRows(client, ref, NAMES), ROWS.slice(0, 2));
    const tables = await client.sql(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
      [schema],
    );
    assert.ok(!tables.rows.some((r) => String(r[0]).endsWith("__ft_rebuild")));
  });

  test("a key column absent from the request (drop_columns=false) leaves the key and becomes nullable", async () => {
    const keyed = {
      ...base,
      columns: base.columns.map((c) => (c.name === "name" ? { ...c, primaryKey: true } : c)),
    };
    const ref = await seeded(keyed, ROWS.slice(0, 2));
    await alterTable(
      client,
      ref,
      withName({ ...base, columns: base.columns.filter((c) => c.name !== "name") }, ref),
      false,
    );
    assert.deepEqual(await describeTable(client, ref), withName(base, ref));
    await insertRows(client, ref, ["id", "_fivetran_synced"], [[9, SYNCED]]);
    assert.deepEqual(await selectRows(client, ref, ["id", "name"]), [
      [1, "one"],
      [2, "two"],
      [9, null],
    ]);
  });

  test("a key change with added and converted columns in one request", async () => {
    const ref = await seeded(base, ROWS.slice(0, 2));
    const def = withName(
      {
        ...base,
        columns: [
          col("id", "LONG", true),
          col("name", "STRING", true),
          col("amount", "FLOAT"),
          col("qty", "LONG"),
          col("_fivetran_synced", "UTC_DATETIME"),
          col("extra", "JSON"),
        ],
      },
      ref,
    );
    await alterTable(client, ref, def, false);
    assert.deepEqual(await describeTable(client, ref), def);
    assert.deepEqual(await selectRows(client, ref, [...NAMES, "extra"]), [
      [1, "one", 10.12, 7, SYNCED, null],
      [2, "two", -2.5, 1_000_000, SYNCED, null],
    ]);
  });

  test("a new key column with NULL values is refused and nothing changes", async () => {
    const ref = await seeded();
    const def = withName(
      { ...base, columns: base.columns.map((c) => (c.name === "name" ? { ...c, primaryKey: true } : c)) },
      ref,
    );
    await assert.rejects(alterTable(client, ref, def, false), /"name".*no value/);
    assert.deepEqual(await describeTable(client, ref), withName(base, ref));
  });

  test("rows collapsing under the new key are refused; the table and its write access stay as they were", async () => {
    const ref = await seeded(base, [
      [1, "same", 1, 1, SYNCED],
      [2, "same", 2, 2, SYNCED],
    ]);
    const def = withName(
      { ...base, columns: base.columns.map((c) => ({ ...c, primaryKey: c.name === "name" })) },
      ref,
    );
    await assert.rejects(
      alterTable(client, ref, def, false),
      (e: Error & { code?: string }) => e.code === "ALTER_REBUILD_MISMATCH",
    );
    assert.deepEqual(await describeTable(client, ref), withName(base, ref));
    await insertRows(client, ref, ["id", "_fivetran_synced"], [[3, SYNCED]]);
    assert.equal((await selectRows(client, ref, ["id"])).length, 3);
  });

  test("a key change on 10 000 rows copies every row", async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => [i, `n${i}`, i / 4, i * 3, SYNCED + i]);
    const ref = await seeded(base, many);
    const def = withName(
      { ...base, columns: base.columns.map((c) => (c.name === "name" ? { ...c, primaryKey: true } : c)) },
      ref,
    );
    await alterTable(client, ref, def, false);
    const rows = await selectRows(client, ref, NAMES);
    assert.equal(rows.length, 10_000);
    assert.deepEqual(rows[9_999], [9_999, "n9999", 9_999 / 4, 29_997, SYNCED + 9_999]);
    assert.deepEqual(await describeTable(client, ref), def);
  });

  test("rows another writer put in the old table right at the swap are carried over", async () => {
    const ref = await seeded(base, ROWS.slice(0, 2));
    const def = withName(
      { ...base, columns: base.columns.map((c) => (c.name === "name" ? { ...c, primaryKey: true } : c)) },
      ref,
    );
    const old = { schema, table: `${ref.table}__ft_rebuild` };
    await alterTable(client, ref, def, false, {
      onStep: async (name) => {
        // Right after the swap the old table carries the helper name; a late writer still on it:
        if (name === "rebuild:swap") await insertRows(client, old, NAMES, [[5, "late", 5, 5, SYNCED]]);
      },
    });
    assert.deepEqual(
      (await selectRows(client, ref, ["id", "name"])).map((r) => r[1]),
      ["one", "two", "late"],
    );
  });
});

class StopAfter extends Error {
  constructor(step: string) {
    super(`stopped after ${step}`);
  }
}

describe("AlterTable recovery and hostile names", () => {
  test("a rebuild table left by a request for another definition is dropped and the new request wins", async () => {
    const ref = await seeded(base, ROWS.slice(0, 2));
    const first = withName(
      { ...base, columns: base.columns.map((c) => ({ ...c, primaryKey: c.name === "name" })) },
      ref,
    );
    await assert.rejects(
      alterTable(client, ref, first, false, {
        onStep: (s) => {
          if (s === "rebuild:copy") throw new StopAfter(s);
        },
      }),
      StopAfter,
    );
    const second = withName(
      { ...base, columns: base.columns.map((c) => (c.name === "name" ? { ...c, primaryKey: true } : c)) },
      ref,
    );
    await alterTable(client, ref, second, false);
    assert.deepEqual(await describeTable(client, ref), second);
    assert.deepEqual(await selectRows(client, ref, NAMES), ROWS.slice(0, 2));
    await insertRows(client, ref, ["id", "name", "_fivetran_synced"], [[7, "x", SYNCED]]);
  });

  test("a write block set by someone else fails with a Task and is left alone", async () => {
    const ref = await seeded();
    await client.sql(`ALTER TABLE ${qualified(ref)} SET ("blocks.write" = true)`);
    const def = withName({ ...base, columns: [...base.columns, col("extra", "INT")] }, ref);
    await assert.rejects(
      alterTable(client, ref, def, false),
      (e: Error & { code?: string; kind?: string }) => e.kind === "user" && e.code === "TABLE_WRITE_BLOCKED",
    );
    await client.sql(`ALTER TABLE ${qualified(ref)} RESET ("blocks.write")`);
  });

  test("conversions and rebuilds work on hostile table and column names", async () => {
    counter += 1;
    const ref = { schema, table: `Tab"le ${counter} select` };
    const def: TableDef = {
      name: ref.table,
      columns: [
        col('i"d', "INT", true),
        col("Na me,x", "STRING"),
        col("ünï 🚀", "LONG"),
        col("_fivetran_synced", "UTC_DATETIME"),
      ],
    };
    await createTable(client, ref, def, {});
    await insertRows(client, ref, ['i"d', "Na me,x", "ünï 🚀", "_fivetran_synced"], [[1, "a", 5, SYNCED]]);
    const next: TableDef = {
      name: ref.table,
      columns: [
        col('i"d', "INT", true),
        col("Na me,x", "STRING", true),
        col("ünï 🚀", "STRING"),
        col("_fivetran_synced", "UTC_DATETIME"),
      ],
    };
    await alterTable(client, ref, next, false);
    assert.deepEqual(byName(await describeTable(client, ref)), byName(next));
    assert.deepEqual(await selectRows(client, ref, ['i"d', "Na me,x", "ünï 🚀"]), [[1, "a", "5"]]);
  });
});

describe("AlterTable retried after a failure at any step converges", () => {
  async function stepsOf(def: (ref: TableRef) => TableDef): Promise<string[]> {
    const ref = await seeded(base, ROWS.slice(0, 2));
    const steps: string[] = [];
    await alterTable(client, ref, def(ref), false, {
      onStep: (s) => {
        steps.push(s);
      },
    });
    return steps;
  }

  async function convergesAfterEachStep(def: (ref: TableRef) => TableDef, expectedRows: unknown[][]) {
    const steps = await stepsOf(def);
    assert.ok(steps.length > 3, steps.join(","));
    for (const stop of steps) {
      const ref = await seeded(base, ROWS.slice(0, 2));
      await assert.rejects(
        alterTable(client, ref, def(ref), false, {
          onStep: (s) => {
            if (s === stop) throw new StopAfter(s);
          },
        }),
        StopAfter,
      );
      await alterTable(client, ref, def(ref), false);
      assert.deepEqual(
        byName(await describeTable(client, ref)),
        byName(def(ref)),
        `after stopping at ${stop}`,
      );
      assert.deepEqual(await selectRows(client, ref, NAMES), expectedRows, `rows after stopping at ${stop}`);
      const tables = await client.sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
        [schema],
      );
      assert.ok(!tables.rows.some((r) => String(r[0]).endsWith("__ft_rebuild")), `leftover after ${stop}`);
      const helpers = await client.sql(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? AND column_name LIKE '%__ft_convert'",
        [schema, ref.table],
      );
      assert.equal(helpers.rows.length, 0, `helper column after ${stop}`);
      await insertRows(client, ref, ["id", "name", "_fivetran_synced"], [[100, "w", SYNCED]]);
    }
  }

  test("a type conversion", async () => {
    const def = (ref: TableRef) =>
      withName(
        { ...base, columns: base.columns.map((c) => (c.name === "qty" ? col("qty", "STRING") : c)) },
        ref,
      );
    await convergesAfterEachStep(def, [
      [1, "one", 10.12, "7", SYNCED],
      [2, "two", -2.5, "1000000", SYNCED],
    ]);
  });

  test("a key rebuild", async () => {
    const def = (ref: TableRef) =>
      withName(
        { ...base, columns: base.columns.map((c) => (c.name === "name" ? { ...c, primaryKey: true } : c)) },
        ref,
      );
    await convergesAfterEachStep(def, ROWS.slice(0, 2));
  });
});
