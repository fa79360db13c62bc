import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { deleteByKey, updateByKey, upsertRows } from "../../src/cratedb/sql/write.ts";
import { selectVersions } from "../../src/cratedb/sql/write-history.ts";

const ref = { schema: "s", table: "t" };
/** The fence around a key value (src/cratedb/sql/fence.ts), spelled out. */
const fenced = (value: string, type: string) =>
  `CASE WHEN CURRENT_TIMESTAMP < {fence_deadline} THEN ${value} ELSE CAST(ln(0) AS ${type}) END`;
const hostile = { schema: 'my"schema', table: "Order Items" };

describe("WriteBatch statements", () => {
  test("an upsert inserts the file's columns and overwrites only the non-key ones on conflict", () => {
    assert.deepEqual(upsertRows(ref, ["id", "a", "_fivetran_synced"], ["id"], "INTEGER"), {
      bulk: `INSERT INTO "s"."t" ("id", "a", "_fivetran_synced") VALUES (${fenced("?", "INTEGER")}, ?, ?) ON CONFLICT ("id") DO UPDATE SET "a" = excluded."a", "_fivetran_synced" = excluded."_fivetran_synced"`,
    });
  });

  test("an upsert with a composite key lists every key column as the conflict target", () => {
    assert.equal(
      upsertRows(hostile, ["k2", 'we"ird', "k1"], ["k1", "k2"], "TEXT").bulk,
      `INSERT INTO "my""schema"."Order Items" ("k2", "we""ird", "k1") VALUES (?, ?, ${fenced("?", "TEXT")}) ON CONFLICT ("k1", "k2") DO UPDATE SET "we""ird" = excluded."we""ird"`,
    );
  });

  test("an upsert of key columns only does nothing on conflict, since an empty SET list is a syntax error", () => {
    assert.equal(
      upsertRows(ref, ["id"], ["id"], "BIGINT").bulk,
      `INSERT INTO "s"."t" ("id") VALUES (${fenced("?", "BIGINT")}) ON CONFLICT ("id") DO NOTHING`,
    );
  });

  test("an update sets the modified columns and matches the full primary key", () => {
    assert.deepEqual(updateByKey(ref, ["a", "_fivetran_synced"], ["k1", "k2"], "NUMERIC(10, 2)"), {
      bulk: `UPDATE "s"."t" SET "a" = ?, "_fivetran_synced" = ? WHERE "k1" = ${fenced("?", "NUMERIC(10, 2)")} AND "k2" = ?`,
    });
  });

  test("a delete matches the full primary key", () => {
    assert.equal(
      deleteByKey(hostile, ['i"d'], "TIMESTAMP WITH TIME ZONE").bulk,
      `DELETE FROM "my""schema"."Order Items" WHERE "i""d" = ${fenced("?", "TIMESTAMP WITH TIME ZONE")}`,
    );
  });
});

describe("WriteHistoryBatch statements", () => {
  test("versions of single-column keys are selected with one array argument", () => {
    assert.deepEqual(selectVersions(ref, ["id", "v"], ["id"], [[1], [2]]), {
      stmt: 'SELECT "id", "v" FROM "s"."t" WHERE "id" = ANY(?)',
      args: [[1, 2]],
    });
  });

  test("versions of composite keys are selected with one parenthesised condition per key", () => {
    assert.deepEqual(
      selectVersions(
        ref,
        ["a", "b", "v"],
        ["a", "b"],
        [
          [1, "x"],
          [2, "y"],
        ],
      ),
      {
        stmt: 'SELECT "a", "b", "v" FROM "s"."t" WHERE ("a" = ? AND "b" = ?) OR ("a" = ? AND "b" = ?)',
        args: [1, "x", 2, "y"],
      },
    );
  });
});
