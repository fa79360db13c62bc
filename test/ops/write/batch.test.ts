import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import { createTable } from "../../../src/ops/table/create.ts";
import { PrepareThreads } from "../../../src/ops/write/prepare-thread.ts";
import type { TableDef } from "../../../src/table-def.ts";
import { batchDir, type Cell } from "../../helpers/batch-writer.ts";
import { uniqueSchema } from "../../helpers/cratedb.ts";
import { call, col, dropSchema, selectRows, testClient } from "../../helpers/ops.ts";
import { type BatchSpec, runWriteBatch as runBatch, TESTER_NULL, U } from "../../helpers/write-batch.ts";

let client: CrateClient;
let dir: string;
let cleanup: () => Promise<void>;
const schema = uniqueSchema("ops_write");
const N = TESTER_NULL;

const ITEMS: TableDef = {
  name: "items",
  columns: [
    col("id", "INT", true),
    col("name", "STRING"),
    col("qty", "INT"),
    col("_fivetran_deleted", "BOOLEAN"),
    col("_fivetran_synced", "UTC_DATETIME"),
  ],
};
const NAMES = ["id", "name", "qty", "_fivetran_deleted", "_fivetran_synced"];
const T1 = "2024-01-01T00:00:00Z";
const T2 = "2024-01-02T00:00:00Z";
const ms = (iso: string) => Date.parse(iso);

async function newTable(name: string, def: TableDef = ITEMS) {
  const ref = { schema, table: name };
  await createTable(call(client), ref, { ...def, name }, {});
  return ref;
}

before(async () => {
  client = testClient();
  ({ dir, cleanup } = await batchDir());
});
after(async () => {
  await dropSchema(client, schema);
  await client.close();
  await cleanup();
});

// Every test twice: prepared on the call's thread, and in a prepare thread (any size gets one).
for (const [mode, threads, suffix] of [
  ["on the call's thread", undefined, ""],
  ["in a prepare thread", new PrepareThreads({ threads: 1, minBytes: 0 }), "_t"],
] as const) {
  const itemsTable = (name: string, def?: TableDef) => newTable(name + suffix, def);
  const runWriteBatch: typeof runBatch = (client, dir, ref, table, spec, tuning = {}) =>
    runBatch(client, dir, ref, table, spec, { ...tuning, threads });
  describe(`WriteBatch, prepared ${mode}`, () => {
    test("replace rows are inserted, and a second batch overwrites them by key", async () => {
      const ref = await itemsTable("upsert");
      await runWriteBatch(client, dir, ref, ITEMS, {
        replace: [
          {
            rows: [
              ["1", "a", "10", "false", T1],
              ["2", "b", N, "false", T1],
            ],
          },
        ],
      });
      await runWriteBatch(client, dir, ref, ITEMS, {
        replace: [
          {
            rows: [
              ["2", "B", "20", "false", T2],
              ["3", "c", "30", "false", T2],
            ],
          },
        ],
      });
      assert.deepEqual(await selectRows(client, ref, NAMES), [
        [1, "a", 10, false, ms(T1)],
        [2, "B", 20, false, ms(T2)],
        [3, "c", 30, false, ms(T2)],
      ]);
    });

    test("a DECIMAL key written in different forms is one key, and values are rounded once to the scale", async () => {
      const def: TableDef = {
        name: "dec_keys",
        columns: [
          col("k", "DECIMAL", true, { decimal: { precision: 6, scale: 2 } }),
          col("v", "DECIMAL", false, { decimal: { precision: 4, scale: 2 } }),
          col("_fivetran_synced", "UTC_DATETIME"),
        ],
      };
      const ref = { schema, table: `dec_keys${suffix}` };
      await createTable(call(client), ref, def, {});
      await runWriteBatch(client, dir, ref, def, {
        replace: [
          {
            rows: [
              ["1.50", "1.2345", T1],
              ["15E-1", "1.005", T2],
              ["2", "-0.004", T1],
            ],
          },
        ],
      });
      const rows = await selectRows(client, ref, ["k", "v", "_fivetran_synced"]);
      assert.deepEqual(
        rows.map(([k, v, synced]) => [String(k), String(v), synced]),
        [
          ["1.5", "1.01", ms(T2)],
          ["2", "0", ms(T1)],
        ],
      );
    });

    test("the last replace row of a key wins, within a file and across files", async () => {
      const ref = await itemsTable("replace_dups");
      await runWriteBatch(client, dir, ref, ITEMS, {
        replace: [
          {
            rows: [
              ["1", "first", "1", "false", T1],
              ["2", "x", "1", "false", T1],
              ["1", "second", "2", "false", T1],
            ],
          },
          {
            rows: [
              ["2", "y", "2", "false", T2],
              ["1", "third", "3", "false", T2],
            ],
          },
        ],
      });
      assert.deepEqual(await selectRows(client, ref, ["id", "name", "qty"]), [
        [1, "third", 3],
        [2, "y", 2],
      ]);
    });

    test("duplicate keys spread over many small chunks still end with the last occurrence", async () => {
      const ref = await itemsTable("chunks");
      const rows = Array.from({ length: 300 }, (_, i) => [String(i % 7), `v${i}`, String(i), "false", T1]);
      await runWriteBatch(client, dir, ref, ITEMS, { replace: [{ rows }] }, { rowChunkBytes: 64 });
      const expected = Array.from({ length: 7 }, (_, k) => {
        const last = 299 - ((299 - k) % 7);
        return [k, `v${last}`, last];
      });
      assert.deepEqual(await selectRows(client, ref, ["id", "name", "qty"]), expected);
    });

    test("replace leaves table columns that the file lacks untouched on overwrite and NULL on insert", async () => {
      const ref = await itemsTable("absent");
      await runWriteBatch(client, dir, ref, ITEMS, { replace: [{ rows: [["1", "a", "10", "false", T1]] }] });
      const without = ITEMS.columns.filter((c) => c.name !== "qty");
      await runWriteBatch(client, dir, ref, ITEMS, {
        replace: [
          {
            columns: without,
            rows: [
              ["1", "A", "false", T2],
              ["2", "b", "false", T2],
            ],
          },
        ],
      });
      assert.deepEqual(await selectRows(client, ref, ["id", "name", "qty"]), [
        [1, "A", 10],
        [2, "b", null],
      ]);
    });

    test("update rows set only modified columns, NULL where the file says NULL, and ignore missing keys", async () => {
      const ref = await itemsTable("update");
      await runWriteBatch(client, dir, ref, ITEMS, {
        replace: [
          {
            rows: [
              ["1", "a", "10", "false", T1],
              ["2", "b", "20", "false", T1],
            ],
          },
        ],
      });
      await runWriteBatch(client, dir, ref, ITEMS, {
        update: [
          {
            rows: [
              ["1", U, "11", "false", T2],
              ["2", N, U, U, T2],
              ["9", "ghost", "9", "false", T2],
            ],
          },
        ],
      });
      assert.deepEqual(await selectRows(client, ref, NAMES), [
        [1, "a", 11, false, ms(T2)],
        [2, null, 20, false, ms(T2)],
      ]);
    });

    test("update occurrences of one key fold in file order, within a file, across chunks and files", async () => {
      const ref = await itemsTable("update_fold");
      await runWriteBatch(client, dir, ref, ITEMS, { replace: [{ rows: [["1", "a", "10", "false", T1]] }] });
      await runWriteBatch(
        client,
        dir,
        ref,
        ITEMS,
        {
          update: [
            {
              rows: [
                ["1", "b", U, U, T1],
                ["1", U, "12", U, T1],
                ["1", "c", U, U, T1],
              ],
            },
            { rows: [["1", U, "13", U, T2]] },
          ],
        },
        { rowChunkBytes: 16 },
      );
      assert.deepEqual(await selectRows(client, ref, NAMES), [[1, "c", 13, false, ms(T2)]]);
    });

    test("update files with different column sets each set their own columns", async () => {
      const ref = await itemsTable("update_columns");
      await runWriteBatch(client, dir, ref, ITEMS, { replace: [{ rows: [["1", "a", "1", "false", T1]] }] });
      const without = (name: string) => ITEMS.columns.filter((c) => c.name !== name);
      await runWriteBatch(client, dir, ref, ITEMS, {
        update: [
          { columns: without("qty"), rows: [["1", "b", U, T2]] },
          { columns: without("name"), rows: [["1", "7", U, T2]] },
        ],
      });
      assert.deepEqual(await selectRows(client, ref, ["id", "name", "qty"]), [[1, "b", 7]]);
    });

    test("a key replaced, updated and deleted in one batch applies in that order", async () => {
      const ref = await itemsTable("kinds");
      await runWriteBatch(client, dir, ref, ITEMS, {
        replace: [
          {
            rows: [
              ["1", "a", "1", "false", T1],
              ["2", "b", "2", "false", T1],
              ["3", "c", "3", "false", T1],
            ],
          },
        ],
        update: [
          {
            rows: [
              ["1", "A", U, U, T2],
              ["2", U, "22", U, T2],
            ],
          },
        ],
        delete: [
          {
            rows: [
              ["2", N, N, N, T2],
              ["2", N, N, N, T2],
              ["7", N, N, N, T2],
            ],
          },
        ],
      });
      assert.deepEqual(await selectRows(client, ref, ["id", "name", "qty"]), [
        [1, "A", 1],
        [3, "c", 3],
      ]);
    });

    test("updates and deletes of more absent keys than CrateDB details per request are no-ops", async () => {
      const ref = await itemsTable("many_absent");
      await runWriteBatch(client, dir, ref, ITEMS, {
        replace: [
          {
            rows: [
              ["1", "a", "1", "false", T1],
              ["2", "b", "2", "false", T1],
            ],
          },
        ],
      });
      const absent = Array.from({ length: 25 }, (_, i) => String(100 + i));
      await runWriteBatch(client, dir, ref, ITEMS, {
        update: [{ rows: [...absent.map((id): Cell[] => [id, "x", U, U, T2]), ["1", "A", U, U, T2]] }],
        delete: [{ rows: [...absent.map((id): Cell[] => [id, N, N, N, T2]), ["2", N, N, N, T2]] }],
      });
      assert.deepEqual(await selectRows(client, ref, ["id", "name", "qty"]), [[1, "A", 1]]);
    });

    test("a soft delete is an update that sets _fivetran_deleted and keeps the row", async () => {
      const ref = await itemsTable("soft");
      await runWriteBatch(client, dir, ref, ITEMS, { replace: [{ rows: [["1", "a", "1", "false", T1]] }] });
      await runWriteBatch(client, dir, ref, ITEMS, { update: [{ rows: [["1", U, U, "true", T2]] }] });
      assert.deepEqual(await selectRows(client, ref, NAMES), [[1, "a", 1, true, ms(T2)]]);
    });

    test("composite keys match on every key column", async () => {
      const def: TableDef = {
        name: "composite",
        columns: [
          col("a", "STRING", true),
          col("b", "LONG", true),
          col("v", "STRING"),
          col("_fivetran_synced", "UTC_DATETIME"),
        ],
      };
      const ref = await itemsTable("composite", def);
      await runWriteBatch(client, dir, ref, def, {
        replace: [
          {
            rows: [
              ["x", "1", "x1", T1],
              ["x", "2", "x2", T1],
              ["y", "9007199254740993", "y", T1],
            ],
          },
        ],
        update: [
          {
            rows: [
              ["x", "2", "X2", T2],
              ["y", "9007199254740993", "Y", T2],
            ],
          },
        ],
        delete: [{ rows: [["x", "1", N, T2]] }],
      });
      assert.deepEqual(await selectRows(client, ref, ["a", "b", "v"], ["a", "b"]), [
        ["x", 2, "X2"],
        ["y", 9007199254740993n, "Y"],
      ]);
    });

    test("running the same batch again after a failure half-way ends in the same table", async () => {
      const ref = await itemsTable("rerun");
      await runWriteBatch(client, dir, ref, ITEMS, {
        replace: [
          {
            rows: [
              ["1", "a", "1", "false", T1],
              ["4", "d", "4", "false", T1],
            ],
          },
        ],
      });
      const batch: BatchSpec = {
        replace: [
          {
            rows: [
              ["1", "b", "2", "false", T2],
              ["2", "c", "3", "false", T2],
            ],
          },
        ],
        update: [
          {
            rows: [
              ["1", U, "5", U, T2],
              ["4", "D", U, U, T2],
            ],
          },
        ],
        delete: [{ rows: [["2", N, N, N, T2]] }],
      };
      const expected = [
        [1, "b", 5],
        [4, "D", 4],
      ];
      // Replace done, updates half done: what a failure in the update step leaves behind.
      await runWriteBatch(client, dir, ref, ITEMS, {
        replace: batch.replace,
        update: [{ rows: [["1", U, "5", U, T2]] }],
      });
      await runWriteBatch(client, dir, ref, ITEMS, batch);
      assert.deepEqual(await selectRows(client, ref, ["id", "name", "qty"]), expected);
      await runWriteBatch(client, dir, ref, ITEMS, batch);
      assert.deepEqual(await selectRows(client, ref, ["id", "name", "qty"]), expected);
    });
  });
}
