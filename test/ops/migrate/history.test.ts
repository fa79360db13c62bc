import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import { type Migration, migrate } from "../../../src/ops/migrate/migrate.ts";
import { describeTable } from "../../../src/ops/table/describe.ts";
import type { TableRef } from "../../../src/table-def.ts";
import {
  convergesAfterEachStep,
  HISTORY_NAMES,
  HISTORY_ROWS,
  history,
  MAX,
  SOFT_NAMES,
  SOFT_ROWS,
  softDelete,
  T0,
  T1,
  T2,
} from "../../helpers/migrate.ts";
import { call, col, dropSchema, selectRows, TableSeeder, testClient } from "../../helpers/ops.ts";

let client: CrateClient;
let seeder: TableSeeder;

before(() => {
  client = testClient();
  seeder = new TableSeeder(client, "ops_migrate_history");
});
after(async () => {
  await dropSchema(client, seeder.schema);
  await client.close();
});

const seeded = (rows: unknown[][] = HISTORY_ROWS) => seeder.seeded(history, HISTORY_NAMES, rows);
const ORDER = ["id", "_fivetran_start"];
const at = (ms: number) => new Date(ms).toISOString();

const addColumn = (column: string, defaultValue: string, ts: string): Migration => ({
  op: "add_column_in_history_mode",
  column,
  columnType: "STRING",
  defaultValue,
  operationTimestamp: ts,
});
const dropColumn = (column: string, ts: string): Migration => ({
  op: "drop_column_in_history_mode",
  column,
  operationTimestamp: ts,
});

const ADDED = [
  [1, "old", T0, T1 - 1, false, T0, null],
  [1, "new", T1, T2 - 1, false, T1, null],
  [1, "new", T2, MAX, true, T1, "d"],
  [2, "gone", T0, T1, false, T1, null],
  [3, "three", T0, T2 - 1, false, T0, null],
  [3, "three", T2, MAX, true, T0, "d"],
];
const DROPPED = [
  [1, "old", T0, T1 - 1, false, T0],
  [1, "new", T1, T2 - 1, false, T1],
  [1, null, T2, MAX, true, T1],
  [2, "gone", T0, T1, false, T1],
  [3, "three", T0, T2 - 1, false, T0],
  [3, null, T2, MAX, true, T0],
];

describe("add_column_in_history_mode", () => {
  test("active records get a new version at T with the default; the versions before end at T − 1 ms", async () => {
    const ref = await seeded();
    await migrate(call(client), ref, addColumn("c", "d", at(T2)));
    assert.deepEqual(await describeTable(call(client), ref), {
      name: ref.table,
      columns: [...history.columns, col("c", "STRING")],
    });
    assert.deepEqual(await selectRows(client, ref, [...HISTORY_NAMES, "c"], ORDER), ADDED);
  });

  test("re-sent, and stopped after any step and re-sent, it converges", async () => {
    await convergesAfterEachStep(
      () => seeded(),
      async (ref, onStep) => {
        await migrate(call(client, onStep), ref, addColumn("c", "d", at(T2)));
        await migrate(call(client), ref, addColumn("c", "d", at(T2)));
      },
      async (ref, label) => {
        assert.deepEqual(await selectRows(client, ref, [...HISTORY_NAMES, "c"], ORDER), ADDED, label);
      },
      4,
    );
  });

  test("on an empty table only the column is added", async () => {
    const ref = await seeded([]);
    await migrate(call(client), ref, addColumn("c", "d", at(T2)));
    assert.deepEqual(await describeTable(call(client), ref), {
      name: ref.table,
      columns: [...history.columns, col("c", "STRING")],
    });
    assert.deepEqual(await selectRows(client, ref, ["id"]), []);
  });

  test("1 ms arithmetic is exact and sub-millisecond digits are floored", async () => {
    const ref = await seeded([[7, "x", T0, MAX, true, T0]]);
    await migrate(call(client), ref, addColumn("c", "d", "2024-03-01T00:00:00.0019999Z"));
    assert.deepEqual(await selectRows(client, ref, ["id", "_fivetran_start", "_fivetran_end", "c"], ORDER), [
      [7, T0, T2, null],
      [7, T2 + 1, MAX, "d"],
    ]);
  });

  test("an active version starting after T is refused with a Task, before anything is written", async () => {
    const ref = await seeded();
    await assert.rejects(
      migrate(call(client), ref, addColumn("c", "d", at(T0))),
      (e: Error & { code?: string; kind?: string }) =>
        e.code === "MIGRATE_HISTORY_CONFLICT" && e.kind === "user",
    );
    assert.deepEqual(await describeTable(call(client), ref), { name: ref.table, columns: history.columns });
    assert.deepEqual(await selectRows(client, ref, HISTORY_NAMES, ORDER), HISTORY_ROWS);
  });

  test("a table not in history mode, or a timestamp that isn't one, is a Task", async () => {
    const soft = await seeder.seeded(softDelete, SOFT_NAMES, SOFT_ROWS);
    await assert.rejects(
      migrate(call(client), soft, addColumn("c", "d", at(T2))),
      (e: Error & { code?: string }) => e.code === "MIGRATE_NOT_HISTORY",
    );
    const ref = await seeded();
    await assert.rejects(
      migrate(call(client), ref, addColumn("c", "d", "yesterday")),
      (e: Error & { code?: string }) => e.code === "MIGRATE_BAD_VALUE",
    );
  });
});

describe("drop_column_in_history_mode", () => {
  test("active records with a value get a new version at T holding NULL; older versions keep theirs", async () => {
    const ref = await seeded();
    await migrate(call(client), ref, dropColumn("name", at(T2)));
    assert.deepEqual(await describeTable(call(client), ref), { name: ref.table, columns: history.columns });
    assert.deepEqual(await selectRows(client, ref, HISTORY_NAMES, ORDER), DROPPED);
  });

  test("re-sent, and stopped after any step and re-sent, it converges", async () => {
    await convergesAfterEachStep(
      () => seeded(),
      async (ref, onStep) => {
        await migrate(call(client, onStep), ref, dropColumn("name", at(T2)));
        await migrate(call(client), ref, dropColumn("name", at(T2)));
      },
      async (ref, label) => {
        assert.deepEqual(await selectRows(client, ref, HISTORY_NAMES, ORDER), DROPPED, label);
      },
      3,
    );
  });

  test("an add and a drop at the same T compose: the versions at T hold NULL", async () => {
    const ref = await seeded();
    await migrate(call(client), ref, addColumn("c", "d", at(T2)));
    await migrate(call(client), ref, dropColumn("c", at(T2)));
    assert.deepEqual(
      await selectRows(client, ref, [...HISTORY_NAMES, "c"], ORDER),
      ADDED.map((r) => [...r.slice(0, 6), null]),
    );
  });

  test("records whose value is already NULL keep their active version", async () => {
    const ref = await seeded([[5, null, T0, MAX, true, T0]]);
    await migrate(call(client), ref, dropColumn("name", at(T2)));
    assert.deepEqual(await selectRows(client, ref, HISTORY_NAMES, ORDER), [[5, null, T0, MAX, true, T0]]);
  });

  test("on an empty table nothing happens; a later active version is refused", async () => {
    const empty = await seeded([]);
    await migrate(call(client), empty, dropColumn("name", at(T2)));
    assert.deepEqual(await selectRows(client, empty, ["id"]), []);
    const ref: TableRef = await seeded();
    await assert.rejects(
      migrate(call(client), ref, dropColumn("name", at(T0))),
      (e: Error & { code?: string }) => e.code === "MIGRATE_HISTORY_CONFLICT",
    );
    assert.deepEqual(await selectRows(client, ref, HISTORY_NAMES, ORDER), HISTORY_ROWS);
  });
});
