import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../src/cratedb/client/crate-client.ts";
import { qualified } from "../../src/cratedb/sql/ident.ts";
import { alterTable } from "../../src/ops/alter-table.ts";
import { createTable } from "../../src/ops/create-table.ts";
import { describeTable } from "../../src/ops/describe-table.ts";
import type { TableDef, TableRef } from "../../src/table-def.ts";
import { base, byName, NAMES, ROWS, Seeder, StopAfter, SYNCED, withName } from "./alter-fixture.ts";
import { col, dropSchema, insertRows, selectRows, testClient } from "./fixture.ts";

let client: CrateClient;
let seeder: Seeder;
let schema: string;
const seeded = (...args: Parameters<Seeder["seeded"]>) => seeder.seeded(...args);

before(() => {
  client = testClient();
  seeder = new Seeder(client, "ops_rebuild");
  schema = seeder.schema;
});
after(async () => {
  await dropSchema(client, schema);
  await client.close();
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
    // CrateDB refuses quotes and spaces in table names (not in column names): capitals, unicode,
    // dashes and a reserved word instead.
    const ref = { schema, table: `Ünï-Tab_${seeder.nextRef().table}_SELECT` };
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
