import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import { alterTable } from "../../../src/ops/alter/alter.ts";
import { describeTable } from "../../../src/ops/table/describe.ts";
import type { TableDef } from "../../../src/table-def.ts";
import { base, byName, NAMES, ROWS, Seeder, SYNCED, withName } from "../../helpers/alter.ts";
import { call, col, dropSchema, recording, selectRows, testClient } from "../../helpers/ops.ts";

let client: CrateClient;
let seeder: Seeder;
let schema: string;
const seeded = (...args: Parameters<Seeder["seeded"]>) => seeder.seeded(...args);

before(() => {
  client = testClient();
  seeder = new Seeder(client, "ops_alter");
  schema = seeder.schema;
});
after(async () => {
  await dropSchema(client, schema);
  await client.close();
});

describe("AlterTable without a key change", () => {
  test("an identical request sends no DDL and no writes", async () => {
    const ref = await seeded();
    const { client: rec, statements } = recording(client);
    await alterTable(call(rec), ref, withName(base, ref), false);
    await alterTable(call(rec), ref, withName(base, ref), true);
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
    await alterTable(call(client), ref, def, false);
    assert.deepEqual(await describeTable(call(client), ref), def);
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
    await alterTable(call(client), ref, def, false);
    assert.deepEqual(byName(await describeTable(call(client), ref)), byName(def));
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
    await alterTable(call(client), ref, def, false);
    assert.deepEqual(byName(await describeTable(call(client), ref)), byName(def));
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
        alterTable(call(client), ref, def, false),
        (e: Error & { kind?: string }) => e.kind === "user" && message.test(e.message),
      );
      assert.deepEqual(await describeTable(call(client), ref), withName(base, ref));
      assert.deepEqual(await selectRows(client, ref, NAMES), ROWS);
    });
  }

  test("drop_columns=false keeps absent columns, drop_columns=true drops them", async () => {
    const ref = await seeded();
    const def = withName({ ...base, columns: base.columns.filter((c) => c.name !== "qty") }, ref);
    await alterTable(call(client), ref, def, false);
    assert.deepEqual(await describeTable(call(client), ref), withName(base, ref));
    await alterTable(call(client), ref, def, true);
    assert.deepEqual(await describeTable(call(client), ref), def);
    assert.deepEqual(await selectRows(client, ref, ["id", "name"]), [
      [1, "one"],
      [2, "two"],
      [3, null],
    ]);
  });

  test("a missing table fails with a Task", async () => {
    await assert.rejects(
      alterTable(call(client), { schema, table: "absent" }, { ...base, name: "absent" }, false),
      (e: Error & { kind?: string; code?: string }) => e.kind === "user" && e.code === "TABLE_MISSING",
    );
  });
});
