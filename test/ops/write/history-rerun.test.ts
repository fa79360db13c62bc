/**
 * Idempotency the hard way: the batch fails at its k-th statement, for every k, and is then sent
 * again in full; the table must end exactly as after one clean run.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import type { SqlClient } from "../../../src/cratedb/sql-client.ts";
import { DestinationError } from "../../../src/errors.ts";
import { createTable } from "../../../src/ops/table/create.ts";
import type { TableDef } from "../../../src/table-def.ts";
import { batchDir, type Cell } from "../../helpers/batch-writer.ts";
import { uniqueSchema } from "../../helpers/cratedb.ts";
import { call, col, dropSchema, selectRows, testClient } from "../../helpers/ops.ts";
import { type BatchSpec, runHistoryBatch, runWriteBatch, TESTER_NULL, U } from "../../helpers/write-batch.ts";

let client: CrateClient;
let dir: string;
let cleanup: () => Promise<void>;
const schema = uniqueSchema("ops_rerun");

before(async () => {
  client = testClient();
  ({ dir, cleanup } = await batchDir());
});
after(async () => {
  await dropSchema(client, schema);
  await client.close();
  await cleanup();
});

/** The client, failing its `failAt`-th statement (1-based) and every one after; counts statements. */
function failing(inner: SqlClient, failAt: number): SqlClient & { readonly statements: number } {
  let statements = 0;
  const next = () => {
    statements++;
    if (statements >= failAt) throw new DestinationError("CRATEDB_CONNECTION_LOST", "injected failure");
  };
  return {
    get statements() {
      return statements;
    },
    async sql(stmt, args, options) {
      next();
      return inner.sql(stmt, args, options);
    },
    async bulk(stmt, args, options) {
      next();
      return inner.bulk(stmt, args, options);
    },
  };
}

async function convergesAfterEveryFailure(
  name: string,
  setUp: (table: string) => Promise<{ schema: string; table: string }>,
  run: (c: SqlClient, ref: { schema: string; table: string }) => Promise<void>,
  read: (ref: { schema: string; table: string }) => Promise<unknown[][]>,
): Promise<void> {
  const cleanRef = await setUp(`${name}_clean`);
  const counter = failing(client, Number.POSITIVE_INFINITY);
  await run(counter, cleanRef);
  const expected = await read(cleanRef);
  assert.ok(counter.statements > 3);
  for (let k = 1; k <= counter.statements; k++) {
    const ref = await setUp(`${name}_${k}`);
    await assert.rejects(run(failing(client, k), ref), /injected failure/);
    await run(client, ref);
    assert.deepEqual(await read(ref), expected, `after a failure at statement ${k}`);
  }
}

describe("a batch re-sent after failing at any statement", () => {
  test("WriteBatch ends in the same table as one clean run", async () => {
    const def: TableDef = {
      name: "t",
      columns: [
        col("id", "INT", true),
        col("name", "STRING"),
        col("qty", "INT"),
        col("_fivetran_synced", "UTC_DATETIME"),
      ],
    };
    const T1 = "2024-01-01T00:00:00Z";
    const T2 = "2024-01-02T00:00:00Z";
    const batch: BatchSpec = {
      replace: [
        {
          rows: [
            ["1", "b", "2", T2],
            ["2", "c", "3", T2],
            ["1", "b2", "2", T2],
          ],
        },
      ],
      update: [
        {
          rows: [
            ["1", U, "5", T2],
            ["4", "D", U, T2],
            ["1", "B", U, T2],
          ],
        },
        { rows: [["2", U, "9", T2]] },
      ],
      delete: [{ rows: [["2", TESTER_NULL, TESTER_NULL, T2]] }],
    };
    await convergesAfterEveryFailure(
      "live",
      async (table) => {
        const ref = { schema, table };
        await createTable(call(client), ref, { ...def, name: table }, {});
        await runWriteBatch(client, dir, ref, def, {
          replace: [
            {
              rows: [
                ["1", "a", "1", T1],
                ["4", "d", "4", T1],
              ],
            },
          ],
        });
        return ref;
      },
      (c, ref) => runWriteBatch(c, dir, ref, def, batch),
      (ref) => selectRows(client, ref, ["id", "name", "qty", "_fivetran_synced"]),
    );
  });

  test("WriteHistoryBatch ends in the same versions as one clean run", async () => {
    const def: TableDef = {
      name: "h",
      columns: [
        col("id", "INT", true),
        col("v", "STRING"),
        col("n", "INT"),
        col("_fivetran_start", "UTC_DATETIME", true),
        col("_fivetran_end", "UTC_DATETIME"),
        col("_fivetran_active", "BOOLEAN"),
        col("_fivetran_synced", "UTC_DATETIME"),
      ],
    };
    const MAX = "9999-12-31T23:59:59.999Z";
    const T = (n: number) => `2024-01-0${n}T00:00:00.000Z`;
    const endBefore = (n: number) => new Date(Date.parse(T(n)) - 1).toISOString();
    const row = (id: number, v: Cell, n: Cell, start: string, end: string, active: boolean): Cell[] => [
      String(id),
      v,
      n,
      start,
      end,
      String(active),
      "2024-02-01T00:00:00Z",
    ];
    const earliest = def.columns.filter((c) => c.name === "id" || c.name === "_fivetran_start");
    const batch: BatchSpec = {
      earliest: [
        {
          columns: earliest,
          rows: [
            ["1", T(3)],
            ["2", T(4)],
            ["3", T(3)],
          ],
        },
      ],
      replace: [{ rows: [row(3, "new", "1", T(3), MAX, true)] }],
      update: [
        {
          rows: [
            row(1, "xyz", U, T(3), endBefore(5), false),
            row(1, "def", U, T(5), MAX, true),
            row(2, U, "1000", T(4), MAX, true),
            row(3, U, "2", T(4), MAX, true),
          ],
        },
      ],
      delete: [
        { rows: [["2", TESTER_NULL, TESTER_NULL, TESTER_NULL, T(6), "false", "2024-02-01T00:00:00Z"]] },
      ],
    };
    await convergesAfterEveryFailure(
      "history",
      async (table) => {
        const ref = { schema, table };
        await createTable(call(client), ref, { ...def, name: table }, {});
        await runHistoryBatch(client, dir, ref, def, {
          replace: [{ rows: [row(1, "pqr", "2", T(2), MAX, true), row(2, "mno", "3", T(2), MAX, true)] }],
        });
        return ref;
      },
      (c, ref) => runHistoryBatch(c, dir, ref, def, batch),
      (ref) =>
        selectRows(
          client,
          ref,
          ["id", "v", "n", "_fivetran_start", "_fivetran_end", "_fivetran_active"],
          ["id", "_fivetran_start"],
        ),
    );
  });
});
