import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import type { SqlClient } from "../../../src/cratedb/sql-client.ts";
import { createTable } from "../../../src/ops/table/create.ts";
import { PrepareThreads } from "../../../src/ops/write/prepare-thread.ts";
import type { TableDef } from "../../../src/table-def.ts";
import { batchDir, type Cell } from "../../helpers/batch-writer.ts";
import { uniqueSchema } from "../../helpers/cratedb.ts";
import { call, col, dropSchema, selectRows, testClient } from "../../helpers/ops.ts";
import { type BatchSpec, runHistoryBatch, TESTER_NULL, U } from "../../helpers/write-batch.ts";

let client: CrateClient;
let dir: string;
let cleanup: () => Promise<void>;
const schema = uniqueSchema("ops_history");
const N = TESTER_NULL;

const HISTORY: TableDef = {
  name: "history",
  columns: [
    col("id", "INT", true),
    col("col1", "STRING"),
    col("col2", "INT"),
    col("_fivetran_start", "UTC_DATETIME", true),
    col("_fivetran_end", "UTC_DATETIME"),
    col("_fivetran_active", "BOOLEAN"),
    col("_fivetran_synced", "UTC_DATETIME"),
  ],
};
const EARLIEST = HISTORY.columns.filter((c) => c.name === "id" || c.name === "_fivetran_start");
const SHOWN = ["id", "col1", "col2", "_fivetran_start", "_fivetran_end", "_fivetran_active"];
const ORDER = ["id", "_fivetran_start"];

const MAX = "9999-12-31T23:59:59.999Z";
const T = (n: number) => `2024-01-0${n}T00:00:00.000Z`;
const ms = (iso: string) => Date.parse(iso);
const SYNCED = "2024-02-01T00:00:00Z";

/** A full row: id, col1, col2, start, end, active, synced. */
const row = (id: number, c1: Cell, c2: Cell, start: string, end: string, active: boolean): Cell[] => [
  String(id),
  c1,
  c2,
  start,
  end,
  String(active),
  SYNCED,
];

async function historyTable(name: string, existing: Cell[][] = []) {
  const ref = { schema, table: name };
  await createTable(call(client), ref, { ...HISTORY, name }, {});
  if (existing.length > 0)
    await runHistoryBatch(client, dir, ref, HISTORY, { replace: [{ rows: existing }] });
  return ref;
}

const shown = (ref: { schema: string; table: string }) => selectRows(client, ref, SHOWN, ORDER);

before(async () => {
  client = testClient();
  ({ dir, cleanup } = await batchDir());
});
after(async () => {
  await dropSchema(client, schema);
  await client.close();
  await cleanup();
});

/** fivetran-protocol.md §7.9, worked example. */
const EXISTING = [row(1, "pqr", "2", T(2), MAX, true), row(2, "mno", "3", T(2), MAX, true)];
const T5_END = new Date(ms(T(5)) - 1).toISOString();
const WORKED: BatchSpec = {
  earliest: [
    {
      columns: EARLIEST,
      rows: [
        ["1", T(3)],
        ["2", T(4)],
      ],
    },
  ],
  update: [
    {
      rows: [
        row(1, "def", U, T(5), MAX, true),
        row(1, "xyz", U, T(3), T5_END, false),
        row(2, U, "1000", T(4), MAX, true),
      ],
    },
  ],
};
const WORKED_RESULT = [
  [1, "pqr", 2, ms(T(2)), ms(T(3)) - 1, false],
  [1, "xyz", 2, ms(T(3)), ms(T(5)) - 1, false],
  [1, "def", 2, ms(T(5)), ms(MAX), true],
  [2, "mno", 3, ms(T(2)), ms(T(4)) - 1, false],
  [2, "mno", 1000, ms(T(4)), ms(MAX), true],
];

describe("WriteHistoryBatch", () => {
  test("the worked example of the protocol gives exactly the documented versions", async () => {
    const ref = await historyTable("worked", EXISTING);
    await runHistoryBatch(client, dir, ref, HISTORY, WORKED);
    assert.deepEqual(await shown(ref), WORKED_RESULT);
  });

  test("the worked example converges when re-run after failing after any step", async () => {
    const partials: [string, BatchSpec][] = [
      ["earliest start", { earliest: WORKED.earliest! }],
      [
        "the first update row",
        { earliest: WORKED.earliest!, update: [{ rows: [WORKED.update![0]!.rows[1]!] }] },
      ],
      ["everything", WORKED],
    ];
    for (const [i, [, partial]] of partials.entries()) {
      const ref = await historyTable(`rerun_${i}`, EXISTING);
      await runHistoryBatch(client, dir, ref, HISTORY, partial);
      await runHistoryBatch(client, dir, ref, HISTORY, WORKED);
      assert.deepEqual(await shown(ref), WORKED_RESULT);
    }
  });

  test("earliest start removes overlapping versions and closes the remaining latest one before the new start", async () => {
    const ref = await historyTable("overlap", [
      row(1, "a", "1", T(1), new Date(ms(T(3)) - 1).toISOString(), false),
      row(1, "b", "2", T(3), MAX, true),
      row(2, "z", "9", T(1), MAX, true),
    ]);
    await runHistoryBatch(client, dir, ref, HISTORY, {
      earliest: [{ columns: EARLIEST, rows: [["1", T(2)]] }],
      replace: [{ rows: [row(1, "c", "3", T(2), MAX, true)] }],
    });
    assert.deepEqual(await shown(ref), [
      [1, "a", 1, ms(T(1)), ms(T(2)) - 1, false],
      [1, "c", 3, ms(T(2)), ms(MAX), true],
      [2, "z", 9, ms(T(1)), ms(MAX), true],
    ]);
  });

  test("replace rows are versions as given, several per key, overwritten on a re-sent start", async () => {
    const ref = await historyTable("replace");
    const versions = [
      row(1, "a", "1", T(1), new Date(ms(T(2)) - 1).toISOString(), false),
      row(1, "b", "2", T(2), MAX, true),
    ];
    await runHistoryBatch(client, dir, ref, HISTORY, { replace: [{ rows: versions }] });
    await runHistoryBatch(client, dir, ref, HISTORY, {
      replace: [{ rows: [row(1, "B", "2", T(2), MAX, true)] }],
    });
    assert.deepEqual(await shown(ref), [
      [1, "a", 1, ms(T(1)), ms(T(2)) - 1, false],
      [1, "B", 2, ms(T(2)), ms(MAX), true],
    ]);
  });

  test("replace rows prepared in a prepare thread give the same versions; the other steps stay on the call's thread", async () => {
    const threads = new PrepareThreads({ threads: 1, minBytes: 0 });
    const ref = await historyTable("replace_thread", [row(2, "old", "1", T(1), MAX, true)]);
    await runHistoryBatch(
      client,
      dir,
      ref,
      HISTORY,
      {
        earliest: [{ columns: EARLIEST, rows: [["2", T(2)]] }],
        replace: [
          {
            rows: [
              row(1, "a", "1", T(1), new Date(ms(T(2)) - 1).toISOString(), false),
              row(1, "b", "2", T(2), MAX, true),
              row(2, "new", "2", T(2), MAX, true),
            ],
          },
        ],
      },
      { threads },
    );
    assert.equal(threads.started, 1, "the replace step only");
    assert.deepEqual(await shown(ref), [
      [1, "a", 1, ms(T(1)), ms(T(2)) - 1, false],
      [1, "b", 2, ms(T(2)), ms(MAX), true],
      [2, "old", 1, ms(T(1)), ms(T(2)) - 1, false],
      [2, "new", 2, ms(T(2)), ms(MAX), true],
    ]);
  });

  test("an update row takes its base from a replace row of the same batch, and one without a base is skipped", async () => {
    const ref = await historyTable("base_in_batch");
    await runHistoryBatch(client, dir, ref, HISTORY, {
      earliest: [
        {
          columns: EARLIEST,
          rows: [
            ["1", T(1)],
            ["3", T(2)],
          ],
        },
      ],
      replace: [{ rows: [row(1, "a", "1", T(1), new Date(ms(T(2)) - 1).toISOString(), false)] }],
      update: [{ rows: [row(1, U, "5", T(2), MAX, true), row(3, "orphan", U, T(2), MAX, true)] }],
    });
    assert.deepEqual(await shown(ref), [
      [1, "a", 1, ms(T(1)), ms(T(2)) - 1, false],
      [1, "a", 5, ms(T(2)), ms(MAX), true],
    ]);
  });

  test("update rows of one key across chunks build on each other in start order", async () => {
    const ref = await historyTable("chain", [row(1, "a", "1", T(1), MAX, true)]);
    const end = (n: number) => new Date(ms(T(n + 1)) - 1).toISOString();
    await runHistoryBatch(
      client,
      dir,
      ref,
      HISTORY,
      {
        earliest: [{ columns: EARLIEST, rows: [["1", T(2)]] }],
        update: [
          {
            rows: [
              row(1, "b", U, T(2), end(2), false),
              row(1, U, "3", T(3), end(3), false),
              row(1, "d", U, T(4), MAX, true),
            ],
          },
        ],
      },
      { rowChunkBytes: 32 },
    );
    assert.deepEqual(await shown(ref), [
      [1, "a", 1, ms(T(1)), ms(T(2)) - 1, false],
      [1, "b", 1, ms(T(2)), ms(T(3)) - 1, false],
      [1, "b", 3, ms(T(3)), ms(T(4)) - 1, false],
      [1, "d", 3, ms(T(4)), ms(MAX), true],
    ]);
  });

  test("a delete ends the active version at the file's end time, and deleting a missing key does nothing", async () => {
    const ref = await historyTable("delete", [
      row(1, "a", "1", T(1), MAX, true),
      row(2, "b", "2", T(1), MAX, true),
    ]);
    const del = (id: number, end: string): Cell[] => [String(id), N, N, N, end, "false", SYNCED];
    const batch: BatchSpec = { delete: [{ rows: [del(1, T(5)), del(1, T(6)), del(9, T(5))] }] };
    await runHistoryBatch(client, dir, ref, HISTORY, batch);
    await runHistoryBatch(client, dir, ref, HISTORY, batch);
    assert.deepEqual(await shown(ref), [
      [1, "a", 1, ms(T(1)), ms(T(5)), false],
      [2, "b", 2, ms(T(1)), ms(MAX), true],
    ]);
  });

  test("earliest-start and delete steps change versions by full primary key, after reading them", async () => {
    // A search-based bulk UPDATE/DELETE runs each arg set as a collect phase of its own, all at
    // once: a chunk's thousands of arg sets trip CrateDB's query circuit breaker (conformance:
    // dml.test.ts), and each costs a search. Lookups by full key have neither problem.
    const n = 1_000;
    const keys = Array.from({ length: n }, (_, i) => i + 1);
    const ref = await historyTable(
      "many",
      keys.map((id) => row(id, "a", "1", T(1), MAX, true)),
    );
    const bulks: { stmt: string; items: number; max: number | undefined }[] = [];
    const recording: SqlClient = {
      sql: (stmt, args, options) => client.sql(stmt, args, options),
      bulk: (stmt, args, options) => {
        bulks.push({
          stmt,
          items: "kind" in args ? args.count : args.length,
          max: options?.maxItemsPerRequest,
        });
        return client.bulk(stmt, args, options);
      },
    };
    const del = (id: number, end: string): Cell[] => [String(id), N, N, N, end, "false", SYNCED];
    const even = keys.filter((id) => id % 2 === 0);
    await runHistoryBatch(recording, dir, ref, HISTORY, {
      earliest: [{ columns: EARLIEST, rows: even.map((id) => [String(id), T(2)]) }],
      replace: [{ rows: even.map((id) => row(id, "b", "2", T(2), MAX, true)) }],
      delete: [{ rows: keys.filter((id) => id % 2 === 1).map((id) => del(id, T(3))) }],
    });
    const changes = bulks.filter((b) => /^\s*(\/\*.*?\*\/\s*)?(UPDATE|DELETE)\b/is.test(b.stmt));
    assert.ok(changes.length >= 2, "earliest start: close; delete file: close");
    for (const b of changes) {
      assert.match(b.stmt, /WHERE "id" = CASE .* AND "_fivetran_start" = \?$/s, "by full primary key");
      assert.equal(b.max, undefined);
    }
    const versions = await shown(ref);
    assert.equal(versions.length, n + n / 2);
    assert.deepEqual(
      versions.filter((v) => v[0] === 1 || v[0] === 2),
      [
        [1, "a", 1, ms(T(1)), ms(T(3)), false],
        [2, "a", 1, ms(T(1)), ms(T(2)) - 1, false],
        [2, "b", 2, ms(T(2)), ms(MAX), true],
      ],
    );
    assert.equal(versions.filter((v) => v[5] === true).length, n / 2);
  });

  test("a delete row without its end time is refused naming file, row and column; the version stays active", async () => {
    const ref = await historyTable("delete_no_end", [row(1, "a", "1", T(1), MAX, true)]);
    for (const end of [N, U] as Cell[]) {
      const del: Cell[] = ["1", N, N, N, end, "false", SYNCED];
      await assert.rejects(
        runHistoryBatch(client, dir, ref, HISTORY, { delete: [{ rows: [del] }] }),
        (error: Error & { code?: string; kind?: string }) => {
          assert.equal(error.code, "BATCH_BAD_ROW");
          assert.equal(error.kind, "user");
          assert.match(
            error.message,
            /batch file "[^"]+", row 1, column "_fivetran_end": a history delete row needs the time its version ended/,
          );
          return true;
        },
      );
    }
    assert.deepEqual(await shown(ref), [[1, "a", 1, ms(T(1)), ms(MAX), true]]);
  });

  test("update rows find their base version by a DECIMAL key whose stored form drops trailing zeros", async () => {
    const def: TableDef = {
      name: "decimal_key",
      columns: HISTORY.columns.map((c) =>
        c.name === "id" ? { ...c, type: "DECIMAL", decimal: { precision: 10, scale: 2 } } : c,
      ),
    };
    const ref = { schema, table: "decimal_key" };
    await createTable(call(client), ref, def, {});
    const decimalRow = (c1: Cell, c2: Cell, start: string, end: string, active: boolean): Cell[] => [
      "12.50",
      c1,
      c2,
      start,
      end,
      String(active),
      SYNCED,
    ];
    await runHistoryBatch(client, dir, ref, def, {
      replace: [{ rows: [decimalRow("a", "1", T(1), MAX, true)] }],
    });
    await runHistoryBatch(client, dir, ref, def, {
      earliest: [{ columns: EARLIEST, rows: [["12.50", T(2)]] }],
      update: [{ rows: [decimalRow(U, "2", T(2), MAX, true)] }],
    });
    assert.deepEqual(
      await selectRows(client, ref, ["col1", "col2", "_fivetran_active"], ["_fivetran_start"]),
      [
        ["a", 1, false],
        ["a", 2, true],
      ],
    );
  });
});
