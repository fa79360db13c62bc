import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import { ident, qualified } from "../../../src/cratedb/sql/ident.ts";
import { createTable } from "../../../src/ops/table/create.ts";
import { describeTable } from "../../../src/ops/table/describe.ts";
import {
  copyColumnType,
  copyTableTypes,
  renameColumnType,
  renameTableTypes,
} from "../../../src/ops/table/type-metadata.ts";
import type { TableDef } from "../../../src/table-def.ts";
import { uniqueSchema } from "../../helpers/cratedb.ts";
import { call, col, dropSchema, testClient } from "../../helpers/ops.ts";

let client: CrateClient;
const schema = uniqueSchema("ops_types");

before(() => {
  client = testClient();
});
after(async () => {
  await dropSchema(client, schema);
  await client.close();
});

const def: TableDef = {
  name: "src",
  columns: [
    col("id", "STRING", true),
    col("x", "XML"),
    col("d", "NAIVE_DATE"),
    col("n", "DECIMAL", false, { decimal: { precision: 50, scale: 5 } }),
  ],
};

describe("type records follow renames and copies made by Migrate", () => {
  test("a renamed table keeps its exact types; the old name keeps none", async () => {
    const from = { schema, table: "src" };
    const to = { schema, table: "renamed" };
    await createTable(call(client), from, def, {});
    await client.sql(`ALTER TABLE ${qualified(from)} RENAME TO ${ident(to.table)}`);
    await renameTableTypes(call(client), from, to);
    assert.deepEqual(await describeTable(call(client), to), { ...def, name: "renamed" });
    await client.sql(`CREATE TABLE ${qualified(from)} ("id" TEXT PRIMARY KEY, "x" TEXT)`);
    assert.deepEqual(await describeTable(call(client), from), {
      name: "src",
      columns: [col("id", "STRING", true), col("x", "STRING")],
    });
  });

  test("a copied table gets the same exact types", async () => {
    const from = { schema, table: "renamed" };
    const to = { schema, table: "copy" };
    await client.sql(
      `CREATE TABLE ${qualified(to)} ("id" TEXT PRIMARY KEY, "x" TEXT, "d" TIMESTAMP WITHOUT TIME ZONE, "n" TEXT)`,
    );
    await copyTableTypes(call(client), from, to);
    assert.deepEqual(await describeTable(call(client), to), { ...def, name: "copy" });
  });

  test("renamed and copied columns keep their exact types", async () => {
    const ref = { schema, table: "copy" };
    await client.sql(`ALTER TABLE ${qualified(ref)} RENAME COLUMN "x" TO "x2"`);
    await renameColumnType(call(client), ref, "x", "x2");
    await client.sql(`ALTER TABLE ${qualified(ref)} ADD COLUMN "d2" TIMESTAMP WITHOUT TIME ZONE`);
    await copyColumnType(call(client), ref, "d", "d2");
    const described = await describeTable(call(client), ref);
    assert.deepEqual(
      described?.columns.map((c) => [c.name, c.type]),
      [
        ["id", "STRING"],
        ["x2", "XML"],
        ["d", "NAIVE_DATE"],
        ["n", "DECIMAL"],
        ["d2", "NAIVE_DATE"],
      ],
    );
  });
});
