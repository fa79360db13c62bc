import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import type { SqlClient } from "../../../src/cratedb/sql-client.ts";
import { migrate } from "../../../src/ops/migrate/migrate.ts";
import { describeTable } from "../../../src/ops/table/describe.ts";
import { readTypeRecords } from "../../../src/ops/table/type-metadata.ts";
import type { TableDef, TableRef } from "../../../src/table-def.ts";
import {
  convergesAfterEachStep,
  HISTORY_NAMES,
  HISTORY_ROWS,
  history,
  MAX,
  MIN,
  SOFT_NAMES,
  SOFT_ROWS,
  softDelete,
  T0,
  T1,
} from "../../helpers/migrate.ts";
import { call, col, dropSchema, selectRows, TableSeeder, tableNames, testClient } from "../../helpers/ops.ts";

let client: CrateClient;
let seeder: TableSeeder;

before(() => {
  client = testClient();
  seeder = new TableSeeder(client, "ops_migrate_mode");
});
after(async () => {
  await dropSchema(client, seeder.schema);
  await client.close();
});

const toHistory = { op: "soft_delete_to_history", softDeletedColumn: "_fivetran_deleted" } as const;
const toSoftDelete = { op: "history_to_soft_delete", softDeletedColumn: "_fivetran_deleted" } as const;

/** softDelete after SOFT_DELETE_TO_HISTORY. */
const historyOfSoft = (table: string): TableDef => ({
  name: table,
  columns: [
    col("id", "INT", true),
    col("name", "STRING"),
    col("amount", "DECIMAL", false, { decimal: { precision: 10, scale: 2 } }),
    col("_fivetran_synced", "UTC_DATETIME"),
    col("_fivetran_start", "UTC_DATETIME", true),
    col("_fivetran_end", "UTC_DATETIME"),
    col("_fivetran_active", "BOOLEAN"),
  ],
});
const HISTORY_OF_SOFT_NAMES = [
  "id",
  "name",
  "amount",
  "_fivetran_synced",
  "_fivetran_start",
  "_fivetran_end",
  "_fivetran_active",
];
const HISTORY_OF_SOFT_ROWS = [
  [1, "one", 1.5, T0, T1, MAX, true],
  [2, "two", -2.25, T1, MIN, MIN, false],
  [3, null, null, T0, T1, MAX, true],
];

/** history after HISTORY_TO_SOFT_DELETE. */
const softOfHistory = (table: string): TableDef => ({
  name: table,
  columns: [
    col("id", "INT", true),
    col("name", "STRING"),
    col("_fivetran_synced", "UTC_DATETIME"),
    col("_fivetran_deleted", "BOOLEAN"),
  ],
});
const SOFT_OF_HISTORY_NAMES = ["id", "name", "_fivetran_synced", "_fivetran_deleted"];
const SOFT_OF_HISTORY_ROWS = [
  [1, "new", T1, false],
  [2, "gone", T1, true],
  [3, "three", T0, false],
];

async function noHelperTables(label: string): Promise<void> {
  const names = await tableNames(client, seeder.schema);
  assert.ok(!names.some((n) => n.endsWith("__ft_rebuild")), `${label}: ${names.join(",")}`);
}

describe("SOFT_DELETE_TO_HISTORY", () => {
  test("deleted rows become inactive versions at the minimum time, others active from the latest sync", async () => {
    const ref = await seeder.seeded(softDelete, SOFT_NAMES, SOFT_ROWS);
    assert.equal(await migrate(call(client), ref, toHistory), "success");
    assert.deepEqual(await describeTable(call(client), ref), historyOfSoft(ref.table));
    assert.deepEqual(await selectRows(client, ref, HISTORY_OF_SOFT_NAMES), HISTORY_OF_SOFT_ROWS);
    assert.equal((await readTypeRecords(call(client), ref)).has("_fivetran_deleted"), false);
    await noHelperTables("uninterrupted");
  });

  test("without the soft-delete column every row is active", async () => {
    const def: TableDef = {
      ...softDelete,
      columns: softDelete.columns.filter((c) => c.name !== "_fivetran_deleted"),
    };
    const names = SOFT_NAMES.filter((n) => n !== "_fivetran_deleted");
    const ref = await seeder.seeded(
      def,
      names,
      SOFT_ROWS.map((r) => r.filter((_, i) => i !== 3)),
    );
    await migrate(call(client), ref, { op: "soft_delete_to_history", softDeletedColumn: "" });
    assert.deepEqual(await describeTable(call(client), ref), historyOfSoft(ref.table));
    assert.deepEqual(await selectRows(client, ref, HISTORY_OF_SOFT_NAMES), [
      [1, "one", 1.5, T0, T1, MAX, true],
      [2, "two", -2.25, T1, T1, MAX, true],
      [3, null, null, T0, T1, MAX, true],
    ]);
  });

  test("re-sent, and stopped after any step and re-sent, it converges", async () => {
    await convergesAfterEachStep(
      () => seeder.seeded(softDelete, SOFT_NAMES, SOFT_ROWS),
      async (ref, onStep) => {
        await migrate(call(client, onStep), ref, toHistory);
        await migrate(call(client), ref, toHistory);
      },
      async (ref, label) => {
        assert.deepEqual(await describeTable(call(client), ref), historyOfSoft(ref.table), label);
        assert.deepEqual(await selectRows(client, ref, HISTORY_OF_SOFT_NAMES), HISTORY_OF_SOFT_ROWS, label);
        await noHelperTables(label);
      },
      8,
    );
  });
});

describe("HISTORY_TO_SOFT_DELETE", () => {
  test("keeps each record's latest version, flagged deleted when it wasn't active, under the source key", async () => {
    const ref = await seeder.seeded(history, HISTORY_NAMES, HISTORY_ROWS);
    assert.equal(await migrate(call(client), ref, toSoftDelete), "success");
    assert.deepEqual(await describeTable(call(client), ref), softOfHistory(ref.table));
    assert.deepEqual(await selectRows(client, ref, SOFT_OF_HISTORY_NAMES), SOFT_OF_HISTORY_ROWS);
    const records = await readTypeRecords(call(client), ref);
    assert.equal(records.has("_fivetran_start") || records.has("_fivetran_active"), false);
    await noHelperTables("uninterrupted");
  });

  test("a differently named soft-delete column gets the flags, _fivetran_deleted is added as false", async () => {
    const ref = await seeder.seeded(history, HISTORY_NAMES, HISTORY_ROWS);
    await migrate(call(client), ref, { op: "history_to_soft_delete", softDeletedColumn: "is gone" });
    const def = await describeTable(call(client), ref);
    assert.deepEqual(
      def?.columns.map((c) => c.name),
      ["id", "name", "_fivetran_synced", "is gone", "_fivetran_deleted"],
    );
    assert.deepEqual(await selectRows(client, ref, ["id", "is gone", "_fivetran_deleted"]), [
      [1, false, false],
      [2, true, false],
      [3, false, false],
    ]);
  });

  test("re-sent, and stopped after any step and re-sent, it converges", async () => {
    await convergesAfterEachStep(
      () => seeder.seeded(history, HISTORY_NAMES, HISTORY_ROWS),
      async (ref, onStep) => {
        await migrate(call(client, onStep), ref, toSoftDelete);
        await migrate(call(client), ref, toSoftDelete);
      },
      async (ref, label) => {
        assert.deepEqual(await describeTable(call(client), ref), softOfHistory(ref.table), label);
        assert.deepEqual(await selectRows(client, ref, SOFT_OF_HISTORY_NAMES), SOFT_OF_HISTORY_ROWS, label);
        await noHelperTables(label);
      },
      8,
    );
  });

  test("many records with many versions are thinned out over several rounds", async () => {
    const rows: unknown[][] = [];
    for (let id = 1; id <= 7; id++) {
      for (let v = 0; v < id; v++)
        rows.push([id, `v${v}`, T0 + v, v === id - 1 ? MAX : T0 + v, v === id - 1, T0]);
    }
    const ref = await seeder.seeded(history, HISTORY_NAMES, rows);
    await migrate(call(client), ref, toSoftDelete, { keysPerRound: 2 });
    assert.deepEqual(
      await selectRows(client, ref, SOFT_OF_HISTORY_NAMES),
      [1, 2, 3, 4, 5, 6, 7].map((id) => [id, `v${id - 1}`, T0, false]),
    );
  });

  test("older versions are deleted by full primary key, composite and DECIMAL keys included", async () => {
    // Deleting by K and a start range would make CrateDB run one search per key (and trip its
    // circuit breaker on large rounds); versions are read first and deleted by document id.
    const def: TableDef = {
      name: "composite",
      columns: [
        col("region", "STRING", true),
        col("code", "DECIMAL", true, { decimal: { precision: 10, scale: 2 } }),
        col("name", "STRING"),
        col("_fivetran_start", "UTC_DATETIME", true),
        col("_fivetran_end", "UTC_DATETIME"),
        col("_fivetran_active", "BOOLEAN"),
        col("_fivetran_synced", "UTC_DATETIME"),
      ],
    };
    const names = [
      "region",
      "code",
      "name",
      "_fivetran_start",
      "_fivetran_end",
      "_fivetran_active",
      "_fivetran_synced",
    ];
    const rows: unknown[][] = [];
    for (const region of ["eu", "us"])
      for (const code of ["1.50", "2.00", "10.25"])
        for (let v = 0; v < 3; v++)
          rows.push([region, code, `${region}${code}v${v}`, T0 + v, v === 2 ? MAX : T0 + v + 1, v === 2, T0]);
    const ref = await seeder.seeded(def, names, rows);
    const statements: string[] = [];
    const recording: SqlClient = {
      sql: (stmt, args, options) => client.sql(stmt, args, options),
      bulk: (stmt, args, options) => {
        statements.push(stmt);
        return client.bulk(stmt, args, options);
      },
    };
    await migrate(call(recording), ref, toSoftDelete, { keysPerRound: 4 });
    const deletes = statements.filter(
      (stmt) => /^\s*(\/\*.*?\*\/\s*)?DELETE\b/is.test(stmt) && stmt.includes(`"${ref.table}"`),
    );
    assert.ok(deletes.length >= 2, "one per round");
    for (const stmt of deletes)
      assert.match(
        stmt,
        /WHERE "region" = CASE .* AND "code" = \? AND "_fivetran_start" = \?$/s,
        "by full primary key",
      );
    assert.deepEqual(
      await selectRows(client, ref, ["region", "code", "name"], ["region", "code"]),
      ["eu", "us"].flatMap((region) =>
        [1.5, 2, 10.25].map((code) => [region, code, `${region}${code.toFixed(2)}v2`]),
      ),
    );
  });

  test("keys whose versions can't be read back by key fail the step instead of coming back forever", {
    timeout: 30_000,
  }, async () => {
    const ref = await seeder.seeded(history, HISTORY_NAMES, [
      [1, "a", T0, T0 + 1, false, T0],
      [1, "b", T0 + 1, MAX, true, T0],
      [2, "c", T0, T0 + 1, false, T0],
      [2, "d", T0 + 1, MAX, true, T0],
    ]);
    // As if the lookup by key disagreed with the GROUP BY: it finds nothing.
    const blind: SqlClient = {
      sql: async (stmt, args, options) => {
        const result = await client.sql(stmt, args, options);
        return /= ANY\(\?\)/.test(stmt) ? { ...result, rows: [] } : result;
      },
      bulk: (stmt, args, options) => client.bulk(stmt, args, options),
    };
    await assert.rejects(migrate(call(blind), ref, toSoftDelete, { keysPerRound: 1 }), (error: unknown) => {
      assert.equal((error as { code?: string }).code, "MIGRATE_KEEP_LATEST_STUCK");
      return true;
    });
    // Nothing was deleted; a correct re-run finishes the job.
    assert.equal((await selectRows(client, ref, ["id"])).length, 4);
    await migrate(call(client), ref, toSoftDelete);
    assert.deepEqual(await selectRows(client, ref, ["id", "name"]), [
      [1, "b"],
      [2, "d"],
    ]);
  });

  test("a round trip soft delete → history → soft delete keeps rows and flags", async () => {
    const ref = await seeder.seeded(softDelete, SOFT_NAMES, SOFT_ROWS);
    await migrate(call(client), ref, toHistory);
    await migrate(call(client), ref, toSoftDelete);
    assert.deepEqual(await selectRows(client, ref, SOFT_NAMES), SOFT_ROWS);
  });
});

describe("copy_table_to_history_mode", () => {
  test("the copy is in history mode; the source stays as it was", async () => {
    const from = await seeder.seeded(softDelete, SOFT_NAMES, SOFT_ROWS);
    const to = seeder.nextRef("hist");
    const op = {
      op: "copy_table_to_history_mode",
      fromTable: from.table,
      toTable: to.table,
      softDeletedColumn: "_fivetran_deleted",
    } as const;
    assert.equal(await migrate(call(client), from, op), "success");
    assert.deepEqual(await describeTable(call(client), to), historyOfSoft(to.table));
    assert.deepEqual(await selectRows(client, to, HISTORY_OF_SOFT_NAMES), HISTORY_OF_SOFT_ROWS);
    assert.deepEqual(await describeTable(call(client), from), { ...softDelete, name: from.table });
    assert.deepEqual(await selectRows(client, from, SOFT_NAMES), SOFT_ROWS);
  });

  test("stopped after any step and re-sent, it converges", async () => {
    let to: TableRef = seeder.nextRef();
    await convergesAfterEachStep(
      async () => {
        to = seeder.nextRef("hist");
        return seeder.seeded(softDelete, SOFT_NAMES, SOFT_ROWS);
      },
      (from, onStep) =>
        migrate(call(client, onStep), from, {
          op: "copy_table_to_history_mode",
          fromTable: from.table,
          toTable: to.table,
          softDeletedColumn: "",
        }),
      async (from, label) => {
        assert.deepEqual(await describeTable(call(client), to), historyOfSoft(to.table), label);
        assert.deepEqual(await selectRows(client, to, HISTORY_OF_SOFT_NAMES), HISTORY_OF_SOFT_ROWS, label);
        assert.deepEqual(await selectRows(client, from, SOFT_NAMES), SOFT_ROWS, label);
        await noHelperTables(label);
      },
      8,
    );
  });
});

describe("sync-mode migrations with hostile names", () => {
  test("a key and columns named with quotes, spaces, capitals and reserved words survive both directions", async () => {
    const def: TableDef = {
      name: "x",
      columns: [
        col('Ke"y 1', "STRING", true),
        col("select", "LONG"),
        col("_fivetran_deleted", "BOOLEAN"),
        col("_fivetran_synced", "UTC_DATETIME"),
      ],
    };
    const names = def.columns.map((c) => c.name);
    const rows = [
      ["a'; --", 9007199254740993n, false, T0],
      ["B", null, true, T1],
    ];
    const ref = await seeder.seeded(def, names, rows, "Tab'le-✓");
    await migrate(call(client), ref, toHistory);
    const described = await describeTable(call(client), ref);
    assert.deepEqual(
      described?.columns.filter((c) => c.primaryKey).map((c) => c.name),
      ['Ke"y 1', "_fivetran_start"],
    );
    assert.deepEqual(await selectRows(client, ref, ['Ke"y 1', "select", "_fivetran_active"]), [
      ["B", null, false],
      ["a'; --", 9007199254740993n, true],
    ]);
    await migrate(call(client), ref, toSoftDelete);
    assert.deepEqual(await describeTable(call(client), ref), {
      ...def,
      name: ref.table,
      columns: [def.columns[0]!, def.columns[1]!, def.columns[3]!, def.columns[2]!],
    });
    assert.deepEqual(await selectRows(client, ref, names), [
      ["B", null, true, T1],
      ["a'; --", 9007199254740993n, false, T0],
    ]);
  });
});

describe("migrations answered unsupported", () => {
  test("live-mode migrations and unknown operations change nothing and answer unsupported", async () => {
    const ref = await seeder.seeded(softDelete, SOFT_NAMES, SOFT_ROWS);
    assert.equal(
      await migrate(call(client), ref, { op: "unsupported", what: "SOFT_DELETE_TO_LIVE" }),
      "unsupported",
    );
    assert.deepEqual(await selectRows(client, ref, SOFT_NAMES), SOFT_ROWS);
  });
});
