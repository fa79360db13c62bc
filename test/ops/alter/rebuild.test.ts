import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import { qualified } from "../../../src/cratedb/sql/ident.ts";
import { alterTable } from "../../../src/ops/alter/alter.ts";
import { createTable } from "../../../src/ops/table/create.ts";
import { describeTable } from "../../../src/ops/table/describe.ts";
import type { TableDef, TableRef } from "../../../src/table-def.ts";
import { base, byName, NAMES, ROWS, Seeder, StopAfter, SYNCED, withName } from "../../helpers/alter.ts";
import { CutClient } from "../../helpers/cut-client.ts";
import { call, col, dropSchema, insertRows, selectRows, testClient } from "../../helpers/ops.ts";

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
    await alterTable(call(client), ref, def, false);
    assert.deepEqual(await describeTable(call(client), ref), def);
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
      call(client),
      ref,
      withName({ ...base, columns: base.columns.filter((c) => c.name !== "name") }, ref),
      false,
    );
    assert.deepEqual(await describeTable(call(client), ref), withName(base, ref));
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
    await alterTable(call(client), ref, def, false);
    assert.deepEqual(await describeTable(call(client), ref), def);
    assert.deepEqual(await selectRows(client, ref, [...NAMES, "extra"]), [
      [1, "one", 10.12, 7, SYNCED, null],
      [2, "two", -2.5, 1_000_000, SYNCED, null],
    ]);
  });

  test("a column with NULL values joins the key: those rows get the type's empty value", async () => {
    const ref = await seeded();
    const def = withName(
      { ...base, columns: base.columns.map((c) => (c.name === "name" ? { ...c, primaryKey: true } : c)) },
      ref,
    );
    await alterTable(call(client), ref, def, false);
    assert.deepEqual(await describeTable(call(client), ref), def);
    assert.deepEqual(await selectRows(client, ref, NAMES), [
      ...ROWS.slice(0, 2),
      [3, "", null, null, SYNCED],
    ]);
  });

  test("a new key column on a table with rows: every type's empty value, and the key holds them", async () => {
    const ref = await seeded();
    const added = [
      col("k_text", "STRING", true),
      col("k_int", "INT", true),
      col("k_long", "LONG", true),
      col("k_dec", "DECIMAL", true),
      col("k_bool", "BOOLEAN", true),
      col("k_utc", "UTC_DATETIME", true),
      col("k_naive", "NAIVE_DATETIME", true),
      col("k_time", "NAIVE_TIME", true),
    ];
    const def = withName({ ...base, columns: [...base.columns, ...added] }, ref);
    await alterTable(call(client), ref, def, false);
    assert.deepEqual(await describeTable(call(client), ref), def);
    const names = ["id", ...added.map((c) => c.name)];
    // Compared as text: a NUMERIC zero may come back as 0 or "0".
    const empty = ["", "0", "0", "0", "false", "0", "0", "00:00:00"];
    assert.deepEqual(
      (await selectRows(client, ref, names)).map((r) =>
        r.map((v) => String(Number(v) === 0 && v !== "" && typeof v !== "boolean" ? 0 : v)),
      ),
      [1, 2, 3].map((id) => [String(id), ...empty]),
    );
  });

  test("a key change on an empty table adds the new key column (the official sample's composite key)", async () => {
    const composite: TableDef = {
      name: "composite",
      columns: [
        col("pk1", "INT", true),
        col("pk2", "STRING", true),
        col("old_pk", "STRING", true),
        col("value", "STRING"),
        col("_fivetran_synced", "UTC_DATETIME"),
      ],
    };
    const ref = await seeded(composite, [], ["pk1"]);
    const def = withName(
      {
        name: "composite",
        columns: [
          col("pk1", "INT", true),
          col("pk2", "STRING", true),
          col("new_pk", "STRING", true),
          col("value", "STRING"),
          col("_fivetran_synced", "UTC_DATETIME"),
          col("old_pk", "STRING"),
        ],
      },
      ref,
    );
    await alterTable(call(client), ref, def, false);
    assert.deepEqual(byName(await describeTable(call(client), ref)), byName(def));
    await insertRows(client, ref, ["pk1", "pk2", "new_pk", "_fivetran_synced"], [[1, "a", "n", SYNCED]]);
    assert.deepEqual(await selectRows(client, ref, ["pk1", "pk2", "new_pk", "old_pk"]), [
      [1, "a", "n", null],
    ]);
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
      alterTable(call(client), ref, def, false),
      (e: Error & { code?: string }) => e.code === "ALTER_REBUILD_MISMATCH",
    );
    assert.deepEqual(await describeTable(call(client), ref), withName(base, ref));
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
    await alterTable(call(client), ref, def, false);
    const rows = await selectRows(client, ref, NAMES);
    assert.equal(rows.length, 10_000);
    assert.deepEqual(rows[9_999], [9_999, "n9999", 9_999 / 4, 29_997, SYNCED + 9_999]);
    assert.deepEqual(await describeTable(call(client), ref), def);
  });

  test("no other writer's insert or update lands between the copy and the swap", async () => {
    const ref = await seeded(base, ROWS.slice(0, 2));
    const def = withName(
      { ...base, columns: base.columns.map((c) => (c.name === "name" ? { ...c, primaryKey: true } : c)) },
      ref,
    );
    const refusals: string[] = [];
    const tryWrites = async (at: string) => {
      for (const sql of [
        `INSERT INTO ${qualified(ref)} ("id", "name", "_fivetran_synced") VALUES (5, 'late', 0)`,
        `UPDATE ${qualified(ref)} SET "qty" = 99 WHERE "id" = 1`,
      ]) {
        await client.sql(sql).then(
          () => assert.fail(`a write was accepted after ${at}`),
          (error: Error & { code?: string }) => refusals.push(`${at}:${error.code}`),
        );
      }
    };
    await alterTable(
      call(client, async (name) => {
        if (["rebuild:block-source", "rebuild:copy", "rebuild:verify"].includes(name)) await tryWrites(name);
      }),
      ref,
      def,
      false,
    );
    assert.equal(refusals.length, 6, refusals.join(", "));
    assert.deepEqual(await selectRows(client, ref, NAMES), ROWS.slice(0, 2));
    await insertRows(client, ref, ["id", "name", "_fivetran_synced"], [[5, "after", SYNCED]]);
    assert.equal((await selectRows(client, ref, ["id"])).length, 3);
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
      alterTable(
        call(client, (s) => {
          if (s === "rebuild:copy") throw new StopAfter(s);
        }),
        ref,
        first,
        false,
      ),
      StopAfter,
    );
    const second = withName(
      { ...base, columns: base.columns.map((c) => (c.name === "name" ? { ...c, primaryKey: true } : c)) },
      ref,
    );
    await alterTable(call(client), ref, second, false);
    assert.deepEqual(await describeTable(call(client), ref), second);
    assert.deepEqual(await selectRows(client, ref, NAMES), ROWS.slice(0, 2));
    await insertRows(client, ref, ["id", "name", "_fivetran_synced"], [[7, "x", SYNCED]]);
  });

  test("a write block set by someone else fails with a Task and is left alone", async () => {
    const ref = await seeded();
    await client.sql(`ALTER TABLE ${qualified(ref)} SET ("blocks.write" = true)`);
    const def = withName({ ...base, columns: [...base.columns, col("extra", "INT")] }, ref);
    await assert.rejects(
      alterTable(call(client), ref, def, false),
      (e: Error & { code?: string; kind?: string }) => e.kind === "user" && e.code === "TABLE_WRITE_BLOCKED",
    );
    await client.sql(`ALTER TABLE ${qualified(ref)} RESET ("blocks.write")`);
  });

  test("conversions and rebuilds work on hostile table and column names", async () => {
    const ref = { schema, table: `Tab'le-${seeder.nextRef().table}-SELECT` };
    const def: TableDef = {
      name: ref.table,
      columns: [
        col('i"d', "INT", true),
        col("Na me,x", "STRING"),
        col("ünï 🚀", "LONG"),
        col("_fivetran_synced", "UTC_DATETIME"),
      ],
    };
    await createTable(call(client), ref, def, {});
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
    await alterTable(call(client), ref, next, false);
    assert.deepEqual(byName(await describeTable(call(client), ref)), byName(next));
    assert.deepEqual(await selectRows(client, ref, ['i"d', "Na me,x", "ünï 🚀"]), [[1, "a", "5"]]);
  });
});

describe("AlterTable retried after a failure at any step converges", () => {
  async function stepsOf(def: (ref: TableRef) => TableDef): Promise<string[]> {
    const ref = await seeded(base, ROWS.slice(0, 2));
    const steps: string[] = [];
    await alterTable(
      call(client, (s) => {
        steps.push(s);
      }),
      ref,
      def(ref),
      false,
    );
    return steps;
  }

  /**
   * Stops the request right after `stop`: as a failure (the error reaches AlterTable, which cleans
   * up before answering), or as a crash (every later request fails too, so nothing is cleaned up
   * until the retry).
   */
  async function failAt(ref: TableRef, def: TableDef, stop: string, crash: boolean): Promise<void> {
    const cut = new CutClient(client);
    await assert.rejects(
      alterTable(
        call(cut, (s) => {
          if (s !== stop) return;
          cut.cut = crash;
          throw new StopAfter(s);
        }),
        ref,
        def,
        false,
      ),
      StopAfter,
    );
  }

  async function assertWritable(ref: TableRef, context: string): Promise<void> {
    const blocks = await client.sql(
      `SELECT settings['blocks']['write'], settings['blocks']['read_only_allow_delete'] FROM information_schema.tables WHERE table_schema = ? AND table_name = ?`,
      [ref.schema, ref.table],
    );
    assert.deepEqual(blocks.rows, [[false, false]], `blocks ${context}`);
  }

  async function convergesAfterEachStep(def: (ref: TableRef) => TableDef, expectedRows: unknown[][]) {
    const steps = await stepsOf(def);
    assert.ok(steps.length > 3, steps.join(","));
    for (const crash of [false, true]) {
      for (const stop of steps) {
        const context = `after ${crash ? "a crash" : "a failure"} at ${stop}`;
        const ref = await seeded(base, ROWS.slice(0, 2));
        await failAt(ref, def(ref), stop, crash);
        if (!crash) {
          // Answered only after cleaning up: writable, every column under its name, no helper.
          await assertWritable(ref, context);
          const columns = await client.sql(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
            [schema, ref.table],
          );
          const present = columns.rows.map((r) => String(r[0]));
          assert.deepEqual(present.filter((c) => NAMES.includes(c)).sort(), [...NAMES].sort(), context);
          assert.ok(!present.some((c) => c.endsWith("__ft_convert")), `helper column ${context}`);
          const tables = await client.sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_name LIKE '%__ft_rebuild'",
            [schema],
          );
          assert.equal(tables.rows.length, 0, `rebuild table ${context}`);
        }
        await alterTable(call(client), ref, def(ref), false);
        await assertWritable(ref, `${context} and a retry`);
        assert.deepEqual(byName(await describeTable(call(client), ref)), byName(def(ref)), context);
        assert.deepEqual(await selectRows(client, ref, NAMES), expectedRows, `rows ${context}`);
        const tables = await client.sql(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
          [schema],
        );
        assert.ok(!tables.rows.some((r) => String(r[0]).endsWith("__ft_rebuild")), `leftover ${context}`);
        const helpers = await client.sql(
          "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? AND column_name LIKE '%__ft_convert'",
          [schema, ref.table],
        );
        assert.equal(helpers.rows.length, 0, `helper column ${context}`);
        await insertRows(client, ref, ["id", "name", "_fivetran_synced"], [[100, "w", SYNCED]]);
      }
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
