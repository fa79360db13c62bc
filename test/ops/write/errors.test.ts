import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import { createTable } from "../../../src/ops/table/create.ts";
import { writeBatch } from "../../../src/ops/write/batch.ts";
import { PrepareThreads } from "../../../src/ops/write/prepare-thread.ts";
import type { TableDef } from "../../../src/table-def.ts";
import { batchDir, TESTER_NULL, writeBatchFile } from "../../helpers/batch-writer.ts";
import { uniqueSchema } from "../../helpers/cratedb.ts";
import { call, col, dropSchema, selectRows, testClient } from "../../helpers/ops.ts";
import { source } from "../../helpers/write-batch.ts";

let client: CrateClient;
let dir: string;
let cleanup: () => Promise<void>;
const schema = uniqueSchema("ops_write_errors");
const T1 = "2024-01-01T00:00:00Z";

const ITEMS: TableDef = {
  name: "items",
  columns: [col("id", "INT", true), col("name", "STRING"), col("_fivetran_synced", "UTC_DATETIME")],
};
const noFiles = { replaceFiles: [], updateFiles: [], deleteFiles: [] };

before(async () => {
  client = testClient();
  ({ dir, cleanup } = await batchDir());
});
after(async () => {
  await dropSchema(client, schema);
  await client.close();
  await cleanup();
});

async function newTable(name: string) {
  const ref = { schema, table: name };
  await createTable(call(client), ref, { ...ITEMS, name }, {});
  return ref;
}

// Every test twice: prepared on the call's thread, and in a prepare thread, whose errors must
// arrive as the same classes with the same codes and fields.
for (const [mode, threads, suffix] of [
  ["on the call's thread", undefined, ""],
  ["in a prepare thread", new PrepareThreads({ threads: 1, minBytes: 0 }), "_t"],
] as const) {
  const itemsTable = (name: string) => newTable(name + suffix);
  describe(`WriteBatch errors, prepared ${mode}`, () => {
    test("a file decrypted with the wrong key fails naming the file, and writes nothing", async () => {
      const ref = await itemsTable("wrong_key");
      const file = await writeBatchFile({
        dir,
        name: "items_upsert.csv.zstd.aes",
        columns: ITEMS.columns,
        rows: [["1", "secret-value", T1]],
      });
      const wrong = { [file.path]: new Uint8Array(32).fill(7) };
      await assert.rejects(
        writeBatch(
          call(client),
          source(ref, ITEMS, wrong),
          { ...noFiles, replaceFiles: [file.path] },
          { concurrency: 2, threads },
        ),
        (error: Error & { kind?: string }) => {
          assert.equal(error.kind, "user");
          assert.match(error.message, /batch file "items_upsert\.csv\.zstd\.aes"/);
          assert.doesNotMatch(error.message, /secret-value/);
          return true;
        },
      );
      assert.deepEqual(await selectRows(client, ref, ["id"]), []);
    });

    test("a ragged row fails naming the file and the row", async () => {
      const ref = await itemsTable("ragged");
      const path = join(dir, "ragged.csv");
      await writeFile(path, `id,name,_fivetran_synced\n1,a,${T1}\n2,b\n`);
      const plain = {
        ...source(ref, ITEMS, {}),
        fileParams: {
          compression: "none" as const,
          encryption: "none" as const,
          nullString: TESTER_NULL,
          unmodifiedString: "",
        },
      };
      await assert.rejects(
        writeBatch(call(client), plain, { ...noFiles, replaceFiles: [path] }, { concurrency: 2, threads }),
        (error: Error & { code?: string; kind?: string }) => {
          assert.equal(error.code, "BATCH_RAGGED_ROW");
          assert.equal(error.kind, "user");
          assert.match(error.message, /batch file "ragged\.csv", row 2/);
          return true;
        },
      );
    });

    test("a file without a key column fails naming the column", async () => {
      const ref = await itemsTable("no_key");
      const file = await writeBatchFile({ dir, columns: ITEMS.columns.slice(1), rows: [["a", T1]] });
      await assert.rejects(
        writeBatch(
          call(client),
          source(ref, ITEMS, file.keys),
          { ...noFiles, updateFiles: [file.path] },
          { concurrency: 2, threads },
        ),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, "BATCH_MISSING_COLUMN");
          assert.match(error.message, /"id"/);
          return true;
        },
      );
    });

    test("a row CrateDB rejects is named by file, row number and key column names, never by its values", async () => {
      const ref = { schema, table: `strict${suffix}` };
      await client.sql(
        `CREATE TABLE "${schema}"."strict${suffix}" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "_fivetran_synced" TIMESTAMP WITH TIME ZONE)`,
      );
      const rows = [
        ["1", "first-value", T1],
        ["2", TESTER_NULL, T1],
        ["3", "third-value", T1],
      ];
      const file = await writeBatchFile({ dir, name: "strict_upsert.csv", columns: ITEMS.columns, rows });
      await assert.rejects(
        writeBatch(
          call(client),
          source(ref, ITEMS, file.keys),
          { ...noFiles, replaceFiles: [file.path] },
          { concurrency: 2, threads },
        ),
        (error: Error & { kind?: string }) => {
          assert.equal(error.kind, "user");
          assert.match(error.message, /batch file "strict_upsert\.csv", row 2 \(key columns "id"\)/);
          assert.doesNotMatch(error.message, /first-value|third-value/);
          return true;
        },
      );
    });

    test("a key column holding the unmodified marker is refused with file, row and column", async () => {
      const ref = await itemsTable("unmodified_key");
      const file = await writeBatchFile({
        dir,
        name: "u.csv",
        columns: ITEMS.columns,
        rows: [
          ["1", "a", T1],
          ["unmod-NcK9NIjPUutCsz4mjOQQztbnwnE1sY3", "b", T1],
        ],
      });
      await assert.rejects(
        writeBatch(
          call(client),
          source(ref, ITEMS, file.keys),
          { ...noFiles, updateFiles: [file.path] },
          { concurrency: 2, threads },
        ),
        /batch file "u\.csv", row 2, column "id": a primary key column holds the unmodified marker/,
      );
    });

    test("the unmodified marker in a replace file is refused with file, row and column, and nothing is written", async () => {
      const ref = await itemsTable("unmodified_replace");
      const file = await writeBatchFile({
        dir,
        name: "r.csv",
        columns: ITEMS.columns,
        rows: [["1", "unmod-NcK9NIjPUutCsz4mjOQQztbnwnE1sY3", T1]],
      });
      await assert.rejects(
        writeBatch(
          call(client),
          source(ref, ITEMS, file.keys),
          { ...noFiles, replaceFiles: [file.path] },
          { concurrency: 2, threads },
        ),
        /batch file "r\.csv", row 1, column "name": the unmodified marker in a replace file/,
      );
      assert.deepEqual(await selectRows(client, ref, ["id"]), []);
    });

    for (const format of ["csv", "parquet"] as const) {
      test(`values beyond CrateDB's BIGINT and REAL fail with file, row and column, before anything is written (${format})`, async () => {
        const NUMS: TableDef = {
          name: `nums_${format}${suffix}`,
          columns: [
            col("id", "INT", true),
            col("l", "LONG"),
            col("f", "FLOAT"),
            col("_fivetran_synced", "UTC_DATETIME"),
          ],
        };
        const ref = { schema, table: NUMS.name };
        await createTable(call(client), ref, NUMS, {});
        const cases = [
          { row: ["2", "9223372036854775807", "1.5", T1], column: "l", reason: /CrateDB BIGINT/ },
          { row: ["2", "-9223372036854775808", "1.5", T1], column: "l", reason: /CrateDB BIGINT/ },
          // Parquet carries FLOAT as a 32-bit float, which cannot be out of REAL's range.
          ...(format === "csv"
            ? [{ row: ["2", "5", "-3.5E38", T1], column: "f", reason: /out of range for FLOAT/ }]
            : []),
        ];
        for (const { row, column, reason } of cases) {
          const file = await writeBatchFile({
            dir,
            name: `nums.${format}`,
            format,
            columns: NUMS.columns,
            rows: [["1", "9223372036854775806", "3.4028235E38", T1], row],
          });
          await assert.rejects(
            writeBatch(
              call(client),
              source(ref, NUMS, file.keys, format),
              { ...noFiles, replaceFiles: [file.path] },
              { concurrency: 2, threads },
            ),
            (error: Error & { code?: string; kind?: string }) => {
              assert.equal(error.code, "BATCH_BAD_VALUE");
              assert.equal(error.kind, "user");
              assert.match(
                error.message,
                new RegExp(`batch file "nums\\.${format}", row 2, column "${column}"`),
              );
              assert.match(error.message, reason);
              assert.doesNotMatch(error.message, /9223372036854775807|9223372036854775808|3\.5E38/);
              return true;
            },
          );
          assert.deepEqual(await selectRows(client, ref, ["id"]), []);
        }
      });
    }
  });
}
