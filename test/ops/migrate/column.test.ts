import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import { type Migration, migrate } from "../../../src/ops/migrate/migrate.ts";
import { describeTable } from "../../../src/ops/table/describe.ts";
import { readTypeRecords } from "../../../src/ops/table/type-metadata.ts";
import type { ColumnDef, TableDef, TableRef } from "../../../src/table-def.ts";
import { convergesAfterEachStep, SOFT_NAMES, SOFT_ROWS, softDelete, T0 } from "../../helpers/migrate.ts";
import { call, col, dropSchema, selectRows, TableSeeder, testClient } from "../../helpers/ops.ts";

let client: CrateClient;
let seeder: TableSeeder;

before(() => {
  client = testClient();
  seeder = new TableSeeder(client, "ops_migrate_column");
});
after(async () => {
  await dropSchema(client, seeder.schema);
  await client.close();
});

const seeded = () => seeder.seeded(softDelete, SOFT_NAMES, SOFT_ROWS);
const withColumns = (ref: TableRef, columns: readonly ColumnDef[]): TableDef => ({
  name: ref.table,
  columns,
});
const ids = SOFT_ROWS.map((r) => r[0]);

describe("copy_column", () => {
  test("the new column has the source's type and every row's value", async () => {
    const ref = await seeded();
    await migrate(call(client), ref, { op: "copy_column", fromColumn: "amount", toColumn: "amount copy" });
    assert.deepEqual(
      await describeTable(call(client), ref),
      withColumns(ref, [
        ...softDelete.columns,
        col("amount copy", "DECIMAL", false, { decimal: { precision: 10, scale: 2 } }),
      ]),
    );
    assert.deepEqual(await selectRows(client, ref, ["id", "amount", "amount copy"]), [
      [1, 1.5, 1.5],
      [2, -2.25, -2.25],
      [3, null, null],
    ]);
  });

  test("a key column is copied into a plain column", async () => {
    const ref = await seeded();
    await migrate(call(client), ref, { op: "copy_column", fromColumn: "id", toColumn: "id2" });
    const described = await describeTable(call(client), ref);
    assert.deepEqual(described?.columns.at(-1), col("id2", "INT"));
    assert.deepEqual(
      await selectRows(client, ref, ["id", "id2"]),
      ids.map((i) => [i, i]),
    );
  });

  test("stopped after any step and re-sent, it converges", async () => {
    await convergesAfterEachStep(
      seeded,
      (ref, onStep) =>
        migrate(call(client, onStep), ref, { op: "copy_column", fromColumn: "name", toColumn: "name2" }),
      async (ref, label) => {
        assert.deepEqual(
          await describeTable(call(client), ref),
          withColumns(ref, [...softDelete.columns, col("name2", "STRING")]),
          label,
        );
        assert.deepEqual(
          await selectRows(client, ref, ["id", "name2"]),
          [
            [1, "one"],
            [2, "two"],
            [3, null],
          ],
          label,
        );
      },
    );
  });

  test("a missing source column is a Task", async () => {
    const ref = await seeded();
    await assert.rejects(
      migrate(call(client), ref, { op: "copy_column", fromColumn: "nope", toColumn: "x" }),
      (e: Error & { code?: string; kind?: string }) =>
        e.code === "MIGRATE_COLUMN_MISSING" && e.kind === "user",
    );
  });
});

describe("rename_column", () => {
  test("renames the column with its values and type record", async () => {
    const ref = await seeded();
    await migrate(call(client), ref, { op: "rename_column", fromColumn: "amount", toColumn: "Betrag €" });
    const columns = softDelete.columns.map((c) => (c.name === "amount" ? { ...c, name: "Betrag €" } : c));
    assert.deepEqual(await describeTable(call(client), ref), withColumns(ref, columns));
    assert.deepEqual(await selectRows(client, ref, ["id", "Betrag €"]), [
      [1, 1.5],
      [2, -2.25],
      [3, null],
    ]);
    assert.equal((await readTypeRecords(call(client), ref)).has("amount"), false);
  });

  test("stopped after any step and re-sent, it converges", async () => {
    const columns = softDelete.columns.map((c) => (c.name === "name" ? { ...c, name: "title" } : c));
    await convergesAfterEachStep(
      seeded,
      (ref, onStep) =>
        migrate(call(client, onStep), ref, { op: "rename_column", fromColumn: "name", toColumn: "title" }),
      async (ref, label) => {
        assert.deepEqual(await describeTable(call(client), ref), withColumns(ref, columns), label);
        assert.deepEqual(await selectRows(client, ref, ["id", "title"]), [
          [1, "one"],
          [2, "two"],
          [3, null],
        ]);
        assert.equal((await readTypeRecords(call(client), ref)).has("name"), false, label);
      },
    );
  });

  test("a target name in use is refused and nothing changes", async () => {
    const ref = await seeded();
    await assert.rejects(
      migrate(call(client), ref, { op: "rename_column", fromColumn: "name", toColumn: "amount" }),
      (e: Error & { code?: string }) => e.code === "MIGRATE_TARGET_EXISTS",
    );
    assert.deepEqual(await describeTable(call(client), ref), withColumns(ref, softDelete.columns));
  });
});

describe("add_column_with_default_value", () => {
  const add = (column: string, columnType: ColumnDef["type"], defaultValue: string): Migration => ({
    op: "add_column_with_default_value",
    column,
    columnType,
    defaultValue,
  });

  test("every existing row gets the default, converted to the column's type", async () => {
    const ref = await seeded();
    await migrate(call(client), ref, add("since", "UTC_DATETIME", "2005-05-28T20:57:00Z"));
    await migrate(call(client), ref, add("big", "LONG", "9007199254740993"));
    await migrate(call(client), ref, add("price", "DECIMAL", "1.2345E+3"));
    await migrate(call(client), ref, add("on", "BOOLEAN", "TRUE"));
    await migrate(call(client), ref, add("day", "NAIVE_DATE", "2020-02-29"));
    await migrate(call(client), ref, add("note", "STRING", ""));
    assert.deepEqual(
      await describeTable(call(client), ref),
      withColumns(ref, [
        ...softDelete.columns,
        col("since", "UTC_DATETIME"),
        col("big", "LONG"),
        col("price", "DECIMAL"),
        col("on", "BOOLEAN"),
        col("day", "NAIVE_DATE"),
        col("note", "STRING"),
      ]),
    );
    const row = [
      Date.parse("2005-05-28T20:57:00Z"),
      9007199254740993n,
      1234.5,
      true,
      Date.parse("2020-02-29T00:00:00Z"),
      "",
    ];
    assert.deepEqual(
      await selectRows(client, ref, ["id", "since", "big", "price", "on", "day", "note"]),
      ids.map((i) => [i, ...row]),
    );
  });

  test("NULL as a default is NULL for non-text columns and literal text for STRING", async () => {
    const ref = await seeded();
    await migrate(call(client), ref, add("n", "INT", "NULL"));
    await migrate(call(client), ref, add("s", "STRING", "NULL"));
    assert.deepEqual(
      await selectRows(client, ref, ["id", "n", "s"]),
      ids.map((i) => [i, null, "NULL"]),
    );
  });

  test("re-sent for an existing column it backfills every row again", async () => {
    const ref = await seeded();
    await migrate(call(client), ref, add("flag", "STRING", "a"));
    await client.sql(`UPDATE "${ref.schema}"."${ref.table}" SET "flag" = 'changed' WHERE "id" = 1`);
    await migrate(call(client), ref, add("flag", "STRING", "b"));
    assert.deepEqual(
      await selectRows(client, ref, ["id", "flag"]),
      ids.map((i) => [i, "b"]),
    );
  });

  test("stopped after any step and re-sent, it converges", async () => {
    await convergesAfterEachStep(
      seeded,
      (ref, onStep) => migrate(call(client, onStep), ref, add("n", "INT", "42")),
      async (ref, label) => {
        assert.deepEqual(
          await describeTable(call(client), ref),
          withColumns(ref, [...softDelete.columns, col("n", "INT")]),
          label,
        );
        assert.deepEqual(
          await selectRows(client, ref, ["id", "n"]),
          ids.map((i) => [i, 42]),
          label,
        );
      },
    );
  });

  test("a default that isn't a value of the type is a Task naming the column, and nothing is added", async () => {
    const ref = await seeded();
    await assert.rejects(
      migrate(call(client), ref, add("n", "INT", "forty-two")),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "MIGRATE_BAD_VALUE");
        assert.match(e.message, /"n" \(INT\)/);
        assert.doesNotMatch(e.message, /forty-two/);
        return true;
      },
    );
    assert.deepEqual(await describeTable(call(client), ref), withColumns(ref, softDelete.columns));
  });
});

describe("update_column_value", () => {
  const update = (column: string, value: string): Migration => ({ op: "update_column_value", column, value });

  test("sets the value on every row, converted to the column's type", async () => {
    const ref = await seeded();
    await migrate(call(client), ref, update("amount", "-0.5E1"));
    await migrate(call(client), ref, update("_fivetran_synced", "2024-01-01T02:00:00+02:00"));
    assert.deepEqual(
      await selectRows(client, ref, ["id", "amount", "_fivetran_synced"]),
      ids.map((i) => [i, -5, T0]),
    );
  });

  test("NULL and the empty string set NULL", async () => {
    const ref = await seeded();
    await migrate(call(client), ref, update("name", "NULL"));
    await migrate(call(client), ref, update("amount", ""));
    assert.deepEqual(
      await selectRows(client, ref, ["id", "name", "amount"]),
      ids.map((i) => [i, null, null]),
    );
  });

  test("stopped after its step and re-sent, it converges", async () => {
    await convergesAfterEachStep(
      seeded,
      (ref, onStep) => migrate(call(client, onStep), ref, update("name", "same")),
      async (ref, label) => {
        assert.deepEqual(
          await selectRows(client, ref, ["id", "name"]),
          ids.map((i) => [i, "same"]),
          label,
        );
      },
      1,
    );
  });

  test("a key column or a missing column is a Task", async () => {
    const ref = await seeded();
    await assert.rejects(
      migrate(call(client), ref, update("id", "7")),
      (e: Error & { code?: string }) => e.code === "MIGRATE_KEY_COLUMN",
    );
    await assert.rejects(
      migrate(call(client), ref, update("nope", "7")),
      (e: Error & { code?: string }) => e.code === "MIGRATE_COLUMN_MISSING",
    );
  });
});

describe("column operations with hostile names", () => {
  test("quotes, dots-free punctuation, capitals and reserved words in column names", async () => {
    const ref = await seeded();
    await migrate(call(client), ref, {
      op: "add_column_with_default_value",
      column: 'Sel"ect',
      columnType: "STRING",
      defaultValue: "x",
    });
    await migrate(call(client), ref, { op: "copy_column", fromColumn: 'Sel"ect', toColumn: "order by; --" });
    await migrate(call(client), ref, { op: "rename_column", fromColumn: "order by; --", toColumn: "TABLE" });
    await migrate(call(client), ref, { op: "update_column_value", column: "TABLE", value: "y'z" });
    assert.deepEqual(
      await selectRows(client, ref, ["id", 'Sel"ect', "TABLE"]),
      ids.map((i) => [i, "x", "y'z"]),
    );
    const described = await describeTable(call(client), ref);
    assert.deepEqual(described?.columns.slice(-2), [col('Sel"ect', "STRING"), col("TABLE", "STRING")]);
  });
});
