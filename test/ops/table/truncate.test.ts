import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import { createTable } from "../../../src/ops/table/create.ts";
import { truncate } from "../../../src/ops/table/truncate.ts";
import type { TableDef } from "../../../src/table-def.ts";
import { uniqueSchema } from "../../helpers/cratedb.ts";
import { call, col, dropSchema, insertRows, selectRows, tableNames, testClient } from "../../helpers/ops.ts";

let client: CrateClient;
const schema = uniqueSchema("ops_truncate");
const CUTOFF = Date.parse("2024-05-01T12:00:00.500Z");

const def = (name: string): TableDef => ({
  name,
  columns: [
    col("id", "INT", true),
    col("_fivetran_synced", "UTC_DATETIME"),
    col("_fivetran_deleted", "BOOLEAN"),
  ],
});

/** Rows synced in the same second as the cutoff: 1 ms before, at, and 1 ms after it. */
async function filledTable(name: string): Promise<{ schema: string; table: string }> {
  const ref = { schema, table: name };
  await createTable(call(client), ref, def(name), {});
  await insertRows(
    client,
    ref,
    ["id", "_fivetran_synced", "_fivetran_deleted"],
    [
      [1, CUTOFF - 1000, false],
      [2, CUTOFF - 1, false],
      [3, CUTOFF, false],
      [4, CUTOFF + 1, false],
    ],
  );
  return ref;
}

before(() => {
  client = testClient();
});
after(async () => {
  await dropSchema(client, schema);
  await client.close();
});

describe("Truncate", () => {
  test("hard truncate deletes exactly the rows synced strictly before the cutoff, unrefreshed rows included", async () => {
    const ref = await filledTable("hard");
    await truncate(call(client), { ref, syncedColumn: "", deleteBeforeMs: CUTOFF });
    assert.deepEqual(await selectRows(client, ref, ["id"]), [[3], [4]]);
  });

  test("soft truncate flags exactly those rows and keeps every row", async () => {
    const ref = await filledTable("soft");
    await truncate(call(client), {
      ref,
      syncedColumn: "_fivetran_synced",
      deleteBeforeMs: CUTOFF,
      softDeletedColumn: "",
    });
    assert.deepEqual(await selectRows(client, ref, ["id", "_fivetran_deleted"]), [
      [1, true],
      [2, true],
      [3, false],
      [4, false],
    ]);
  });

  test("without a cutoff every row goes (hard) or is flagged (soft)", async () => {
    const hard = await filledTable("all_hard");
    await truncate(call(client), { ref: hard, syncedColumn: "" });
    assert.deepEqual(await selectRows(client, hard, ["id"]), []);
    const soft = await filledTable("all_soft");
    await truncate(call(client), { ref: soft, syncedColumn: "", softDeletedColumn: "_fivetran_deleted" });
    assert.deepEqual(
      (await selectRows(client, soft, ["id", "_fivetran_deleted"])).map((r) => r[1]),
      [true, true, true, true],
    );
  });

  test("hostile table and column names are quoted end to end", async () => {
    const ref = { schema, table: "Trunc-'select'-ü" };
    await createTable(
      call(client),
      ref,
      {
        name: ref.table,
        columns: [col('i"d', "INT", true), col("synced at", "UTC_DATETIME"), col("Gone?", "BOOLEAN")],
      },
      {},
    );
    await insertRows(
      client,
      ref,
      ['i"d', "synced at", "Gone?"],
      [
        [1, CUTOFF - 1, false],
        [2, CUTOFF, false],
      ],
    );
    await truncate(call(client), {
      ref,
      syncedColumn: "synced at",
      deleteBeforeMs: CUTOFF,
      softDeletedColumn: "Gone?",
    });
    assert.deepEqual(await selectRows(client, ref, ['i"d', "Gone?"]), [
      [1, true],
      [2, false],
    ]);
  });

  test("a missing table or schema is a success and creates nothing", async () => {
    await truncate(call(client), {
      ref: { schema, table: "missing" },
      syncedColumn: "",
      deleteBeforeMs: CUTOFF,
    });
    const other = uniqueSchema("ops_trunc_none");
    await truncate(call(client), { ref: { schema: other, table: "missing" }, syncedColumn: "" });
    assert.ok(!(await tableNames(client, schema)).includes("missing"));
    assert.deepEqual(await tableNames(client, other), []);
  });

  test("the result is visible to the next search-based statement without another refresh", async () => {
    const ref = await filledTable("visible");
    await truncate(call(client), { ref, syncedColumn: "", deleteBeforeMs: CUTOFF });
    const count = await client.sql(`SELECT count(*) FROM "${schema}"."visible"`);
    assert.equal(Number(count.rows[0]?.[0]), 2);
  });
});
