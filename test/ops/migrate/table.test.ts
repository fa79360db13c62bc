import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import { migrate } from "../../../src/ops/migrate/migrate.ts";
import { describeTable } from "../../../src/ops/table/describe.ts";
import { readTypeRecords } from "../../../src/ops/table/type-metadata.ts";
import type { TableDef, TableRef } from "../../../src/table-def.ts";
import { convergesAfterEachStep, SOFT_NAMES, SOFT_ROWS, softDelete } from "../../helpers/migrate.ts";
import { call, dropSchema, selectRows, TableSeeder, tableNames, testClient } from "../../helpers/ops.ts";

let client: CrateClient;
let seeder: TableSeeder;

before(() => {
  client = testClient();
  seeder = new TableSeeder(client, "ops_migrate_table");
});
after(async () => {
  await dropSchema(client, seeder.schema);
  await client.close();
});

const named = (def: TableDef, table: string): TableDef => ({ ...def, name: table });
const seeded = (table?: string) => seeder.seeded(softDelete, SOFT_NAMES, SOFT_ROWS, table);

describe("drop_table", () => {
  test("drops the table and its type records; dropping again succeeds", async () => {
    const ref = await seeded();
    assert.equal(await migrate(call(client), ref, { op: "drop_table" }), "success");
    assert.equal(await describeTable(call(client), ref), undefined);
    assert.equal((await readTypeRecords(call(client), ref)).size, 0);
    assert.equal(await migrate(call(client), ref, { op: "drop_table" }), "success");
  });

  test("stopped after any step and re-sent, it converges", async () => {
    await convergesAfterEachStep(
      () => seeded(),
      (ref, onStep) => migrate(call(client, onStep), ref, { op: "drop_table" }),
      async (ref, label) => {
        assert.equal(await describeTable(call(client), ref), undefined, label);
        assert.equal((await readTypeRecords(call(client), ref)).size, 0, label);
      },
    );
  });

  test("a table that never existed, or a name CrateDB can't hold, is a success", async () => {
    assert.equal(await migrate(call(client), seeder.nextRef(), { op: "drop_table" }), "success");
    assert.equal(
      await migrate(call(client), { schema: seeder.schema, table: "a.b" }, { op: "drop_table" }),
      "success",
    );
  });
});

describe("copy_table", () => {
  test("the copy has the same columns, types, key and rows, and the original stays", async () => {
    const from = await seeded();
    const to = seeder.nextRef("copy");
    const copy = { op: "copy_table", fromTable: from.table, toTable: to.table } as const;
    assert.equal(await migrate(call(client), from, copy), "success");
    assert.deepEqual(await describeTable(call(client), to), named(softDelete, to.table));
    assert.deepEqual(await describeTable(call(client), from), named(softDelete, from.table));
    assert.deepEqual(await selectRows(client, to, SOFT_NAMES), SOFT_ROWS);
    assert.deepEqual(await selectRows(client, from, SOFT_NAMES), SOFT_ROWS);
  });

  test("re-sent, or stopped after any step and re-sent, it converges on the same copy", async () => {
    let to: TableRef = seeder.nextRef();
    await convergesAfterEachStep(
      async () => {
        to = seeder.nextRef("copy");
        return seeded();
      },
      async (from, onStep) => {
        await migrate(call(client, onStep), from, {
          op: "copy_table",
          fromTable: from.table,
          toTable: to.table,
        });
        await migrate(call(client), from, { op: "copy_table", fromTable: from.table, toTable: to.table });
      },
      async (_from, label) => {
        assert.deepEqual(await describeTable(call(client), to), named(softDelete, to.table), label);
        assert.deepEqual(await selectRows(client, to, SOFT_NAMES), SOFT_ROWS, label);
      },
    );
  });

  test("a target with another definition is refused with a Task and left alone", async () => {
    const from = await seeded();
    const other = await seeder.seeded(
      { name: "x", columns: [softDelete.columns[0]!, softDelete.columns[1]!] },
      ["id", "name"],
      [[9, "keep"]],
    );
    await assert.rejects(
      migrate(call(client), from, { op: "copy_table", fromTable: from.table, toTable: other.table }),
      (e: Error & { code?: string; kind?: string }) =>
        e.code === "MIGRATE_TARGET_EXISTS" && e.kind === "user",
    );
    assert.deepEqual(await selectRows(client, other, ["id", "name"]), [[9, "keep"]]);
  });

  test("a missing source is a Task", async () => {
    const ref = seeder.nextRef();
    await assert.rejects(
      migrate(call(client), ref, { op: "copy_table", fromTable: ref.table, toTable: "nothing" }),
      (e: Error & { code?: string }) => e.code === "MIGRATE_TABLE_MISSING",
    );
  });
});

describe("rename_table", () => {
  test("renames within the schema with rows and type records; re-sent after success it succeeds", async () => {
    const from = await seeded();
    const to = seeder.nextRef("renamed");
    const rename = { op: "rename_table", fromTable: from.table, toTable: to.table } as const;
    assert.equal(await migrate(call(client), from, rename), "success");
    assert.equal(await describeTable(call(client), from), undefined);
    assert.deepEqual(await describeTable(call(client), to), named(softDelete, to.table));
    assert.deepEqual(await selectRows(client, to, SOFT_NAMES), SOFT_ROWS);
    assert.equal((await readTypeRecords(call(client), from)).size, 0);
    assert.equal(await migrate(call(client), from, rename), "success");
    assert.deepEqual(await describeTable(call(client), to), named(softDelete, to.table));
  });

  test("stopped after any step and re-sent, it converges", async () => {
    let to: TableRef = seeder.nextRef();
    await convergesAfterEachStep(
      async () => {
        to = seeder.nextRef("renamed");
        return seeded();
      },
      (from, onStep) =>
        migrate(call(client, onStep), from, { op: "rename_table", fromTable: from.table, toTable: to.table }),
      async (from, label) => {
        assert.equal(await describeTable(call(client), from), undefined, label);
        assert.deepEqual(await describeTable(call(client), to), named(softDelete, to.table), label);
        assert.deepEqual(await selectRows(client, to, SOFT_NAMES), SOFT_ROWS, label);
        assert.equal((await readTypeRecords(call(client), from)).size, 0, label);
      },
    );
  });

  test("an existing target is refused and both tables stay", async () => {
    const from = await seeded();
    const to = await seeded();
    await assert.rejects(
      migrate(call(client), from, { op: "rename_table", fromTable: from.table, toTable: to.table }),
      (e: Error & { code?: string }) => e.code === "MIGRATE_TARGET_EXISTS",
    );
    const names = await tableNames(client, seeder.schema);
    assert.ok(names.includes(from.table) && names.includes(to.table));
  });
});

describe("table operations with hostile names", () => {
  test("copy and rename tables whose names hold quotes, capitals, SQL and emoji", async () => {
    const from = await seeded("Wei'rd-tab_🚀");
    const copy = { op: "copy_table", fromTable: from.table, toTable: "Co'py-ünï" } as const;
    await migrate(call(client), from, copy);
    const copied = { schema: seeder.schema, table: "Co'py-ünï" };
    assert.deepEqual(await selectRows(client, copied, SOFT_NAMES), SOFT_ROWS);
    await migrate(call(client), copied, {
      op: "rename_table",
      fromTable: copied.table,
      toTable: "SELECT-;--",
    });
    const renamed = { schema: seeder.schema, table: "SELECT-;--" };
    assert.deepEqual(await describeTable(call(client), renamed), named(softDelete, renamed.table));
    await migrate(call(client), renamed, { op: "drop_table" });
    assert.equal(await describeTable(call(client), renamed), undefined);
  });
});
