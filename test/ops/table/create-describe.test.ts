import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import { qualified } from "../../../src/cratedb/sql/ident.ts";
import { createTable } from "../../../src/ops/table/create.ts";
import { describeTable } from "../../../src/ops/table/describe.ts";
import { FIVETRAN_TYPES, type TableDef } from "../../../src/table-def.ts";
import { uniqueSchema } from "../../helpers/cratedb.ts";
import { call, col, dropSchema, insertRows, selectRows, testClient } from "../../helpers/ops.ts";

let client: CrateClient;
const schema = uniqueSchema("ops_create");

before(() => {
  client = testClient();
});
after(async () => {
  await dropSchema(client, schema);
  await client.close();
});

const everyType: TableDef = {
  name: "every_type",
  columns: [
    col("id", "LONG", true),
    ...FIVETRAN_TYPES.filter((t) => t !== "DECIMAL").map((t) => col(`c_${t.toLowerCase()}`, t)),
    col("dec_default", "DECIMAL"),
    col("dec_10_2", "DECIMAL", false, { decimal: { precision: 10, scale: 2 } }),
    col("dec_38_0", "DECIMAL", false, { decimal: { precision: 38, scale: 0 } }),
    col("dec_60_20", "DECIMAL", false, { decimal: { precision: 60, scale: 20 } }),
    col("_fivetran_synced", "UTC_DATETIME"),
    col("_fivetran_deleted", "BOOLEAN"),
  ],
};

describe("CreateTable and DescribeTable", () => {
  test("every Fivetran type and DECIMAL param set is described exactly as created", async () => {
    const ref = { schema, table: everyType.name };
    await createTable(call(client), ref, everyType, {});
    assert.deepEqual(await describeTable(call(client), ref), everyType);
  });

  test("string_byte_length is accepted but not reported", async () => {
    const ref = { schema, table: "with_lengths" };
    await createTable(
      call(client),
      ref,
      { name: ref.table, columns: [col("id", "STRING", true, { stringByteLength: 64 })] },
      {},
    );
    assert.deepEqual(await describeTable(call(client), ref), {
      name: ref.table,
      columns: [col("id", "STRING", true)],
    });
  });

  test("history-mode keys and system columns keep their primary-key flags and NOT NULL", async () => {
    const def: TableDef = {
      name: "history",
      columns: [
        col("id", "INT", true),
        col("_fivetran_start", "UTC_DATETIME", true),
        col("_fivetran_end", "UTC_DATETIME"),
        col("_fivetran_active", "BOOLEAN"),
        col("_fivetran_synced", "UTC_DATETIME"),
      ],
    };
    const ref = { schema, table: def.name };
    await createTable(call(client), ref, def, {});
    assert.deepEqual(await describeTable(call(client), ref), def);
    const nullable = await client.sql(
      "SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
      [schema, def.name],
    );
    assert.deepEqual(
      nullable.rows.map((r) => [r[0], r[1]]),
      [
        ["id", "NO"],
        ["_fivetran_start", "NO"],
        ["_fivetran_end", "YES"],
        ["_fivetran_active", "YES"],
        ["_fivetran_synced", "YES"],
      ],
    );
  });

  test("table settings from the configuration are applied", async () => {
    const ref = { schema, table: "with_settings" };
    await createTable(
      call(client),
      ref,
      { name: ref.table, columns: [col("id", "INT", true)] },
      {
        shards: 2,
        replicas: "0",
        refreshIntervalMs: 5000,
      },
    );
    const result = await client.sql(
      "SELECT number_of_shards, number_of_replicas, settings FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
      [schema, ref.table],
    );
    const [shards, replicas, settings] = result.rows[0] ?? [];
    assert.equal(Number(shards), 2);
    assert.equal(replicas, "0");
    assert.equal(Number((settings as { refresh_interval?: unknown }).refresh_interval), 5000);
  });

  test("a missing table or schema is not found", async () => {
    assert.equal(await describeTable(call(client), { schema, table: "nope" }), undefined);
    assert.equal(
      await describeTable(call(client), { schema: uniqueSchema("ops_none"), table: "nope" }),
      undefined,
    );
  });

  test("creating the same table again succeeds (a retry), a different definition fails with a Task", async () => {
    const ref = { schema, table: "retry" };
    const def: TableDef = { name: ref.table, columns: [col("id", "STRING", true), col("x", "XML")] };
    await createTable(call(client), ref, def, {});
    await createTable(call(client), ref, { name: ref.table, columns: [...def.columns].reverse() }, {});
    await assert.rejects(
      createTable(
        call(client),
        ref,
        { name: ref.table, columns: [col("id", "STRING", true), col("x", "STRING")] },
        {},
      ),
      (e: Error & { kind?: string; code?: string }) => e.kind === "user" && e.code === "TABLE_EXISTS",
    );
  });

  test("long text in a non-key STRING column is stored whole", async () => {
    const ref = { schema, table: "long_text" };
    await createTable(
      call(client),
      ref,
      { name: ref.table, columns: [col("id", "INT", true), col("body", "STRING")] },
      {},
    );
    const long = "ä".repeat(40_000);
    await insertRows(client, ref, ["id", "body"], [[1, long]]);
    assert.deepEqual(await selectRows(client, ref, ["id", "body"]), [[1, long]]);
  });

  test("hostile identifiers are created and described exactly", async () => {
    const ref = { schema: `${schema}_Ünï'q'`, table: "Ta-ble_'select'" };
    const def: TableDef = {
      name: ref.table,
      columns: [
        col('i"d', "STRING", true),
        col("select", "INT"),
        col("Mixed Case", "XML"),
        col("ünïcødé 🚀", "JSON"),
        col("é".repeat(127) + "x", "NAIVE_TIME"),
      ],
    };
    try {
      await createTable(call(client), ref, def, {});
      assert.deepEqual(await describeTable(call(client), ref), def);
      await insertRows(
        client,
        ref,
        def.columns.map((c) => c.name),
        [["k", 1, "<a/>", "[1]", "10:15:30"]],
      );
      assert.deepEqual(await selectRows(client, ref, ['i"d', "select"]), [["k", 1]]);
    } finally {
      await dropSchema(client, ref.schema);
    }
  });

  test("names CrateDB rejects fail with a Task before anything is created", async () => {
    for (const bad of ["a.b", "x[1]", "_id", "tab\there"]) {
      const ref = { schema, table: "rejected" };
      await assert.rejects(
        createTable(
          call(client),
          ref,
          { name: ref.table, columns: [col("id", "INT", true), col(bad, "INT")] },
          {},
        ),
        (e: Error & { kind?: string; code?: string }) => e.kind === "user" && e.code === "INVALID_NAME",
      );
      assert.equal(await describeTable(call(client), ref), undefined);
    }
    await assert.rejects(
      createTable(
        call(client),
        { schema, table: "a.b" },
        { name: "a.b", columns: [col("id", "INT", true)] },
        {},
      ),
      /Table name "a.b"/,
    );
    // CrateDB 6.4.3 refuses these characters in relation names (4002); the Task says which.
    for (const table of ["Order Items", 'Tab"le', "a/b", "a,b", "a#b"]) {
      await assert.rejects(
        createTable(call(client), { schema, table }, { name: table, columns: [col("id", "INT", true)] }, {}),
        (e: Error & { kind?: string; code?: string }) =>
          e.kind === "user" && e.code === "INVALID_NAME" && e.message.includes("it contains"),
      );
      assert.equal(await describeTable(call(client), { schema, table }), undefined);
    }
  });

  test("a table created outside Fivetran is described by the closest types", async () => {
    const ref = { schema, table: "foreign" };
    await client.sql(
      `CREATE TABLE ${qualified(ref)} ("k" INTEGER PRIMARY KEY, "n" NUMERIC(12, 3), "t" TEXT, "ts" TIMESTAMP WITHOUT TIME ZONE, "o" OBJECT(DYNAMIC), "d" DOUBLE PRECISION)`,
    );
    // Object keys become sub-columns in information_schema; they are not columns of their own.
    await client.sql(`INSERT INTO ${qualified(ref)} ("k", "o") VALUES (?, ?)`, [1, { a: 1, b: { c: "x" } }]);
    assert.deepEqual(await describeTable(call(client), ref), {
      name: ref.table,
      columns: [
        col("k", "INT", true),
        col("n", "DECIMAL", false, { decimal: { precision: 12, scale: 3 } }),
        col("t", "STRING"),
        col("ts", "NAIVE_DATETIME"),
        col("o", "JSON"),
        col("d", "DOUBLE"),
      ],
    });
  });

  test("a table dropped and recreated outside Fivetran with other types never inherits stale types", async () => {
    const ref = { schema, table: "recreated" };
    await createTable(
      call(client),
      ref,
      { name: ref.table, columns: [col("id", "INT", true), col("v", "XML"), col("w", "NAIVE_DATE")] },
      {},
    );
    await client.sql(`DROP TABLE ${qualified(ref)}`);
    await client.sql(`CREATE TABLE ${qualified(ref)} ("id" INTEGER PRIMARY KEY, "v" BIGINT, "w" TEXT)`);
    assert.deepEqual(await describeTable(call(client), ref), {
      name: ref.table,
      columns: [col("id", "INT", true), col("v", "LONG"), col("w", "STRING")],
    });
  });
});
