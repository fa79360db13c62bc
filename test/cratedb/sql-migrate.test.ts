import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  closeActiveVersionsBefore,
  copyColumnValues,
  deleteAllRows,
  deletedFromActive,
  fillHistory,
  insertVersionsAt,
  keysWithOlderVersions,
  maxActiveStart,
  maxOf,
  renameTable,
  setColumn,
  setColumnAt,
  setWhereNull,
} from "../../src/cratedb/sql/migrate.ts";

const ref = { schema: "s", table: "t" };
const hostile = { schema: 'S"x', table: "t ab;--" };
const h = { start: "_fivetran_start", end: "_fivetran_end", active: "_fivetran_active" };
/** The fence predicate (src/cratedb/sql/fence.ts), spelled out. */
const FENCE = "CASE WHEN CURRENT_TIMESTAMP < {fence_deadline} THEN TRUE ELSE CAST(ln(0) AS BOOLEAN) END";

describe("Migrate statements", () => {
  test("table and column statements quote every name and pass values as args", () => {
    assert.deepEqual(renameTable(hostile, 'n"ew'), {
      stmt: 'ALTER TABLE "S""x"."t ab;--" RENAME TO "n""ew"',
      args: [],
    });
    assert.deepEqual(setColumn(ref, 'c"1', "x'y"), {
      stmt: `UPDATE "s"."t" SET "c""1" = ? WHERE ${FENCE}`,
      args: ["x'y"],
    });
    assert.deepEqual(copyColumnValues(ref, "a", 'b"'), {
      stmt: `UPDATE "s"."t" SET "b""" = "a" WHERE ${FENCE}`,
      args: [],
    });
    assert.deepEqual(deleteAllRows(hostile), {
      stmt: `DELETE FROM "S""x"."t ab;--" WHERE ${FENCE}`,
      args: [],
    });
    assert.deepEqual(setWhereNull(ref, "d", false), {
      stmt: `UPDATE "s"."t" SET "d" = ? WHERE "d" IS NULL AND ${FENCE}`,
      args: [false],
    });
    assert.deepEqual(maxOf(ref, "_fivetran_synced"), {
      stmt: 'SELECT max("_fivetran_synced") AS m FROM "s"."t"',
      args: [],
    });
  });

  test("history column versions: insert-if-absent at T, set at T, close before T", () => {
    assert.deepEqual(maxActiveStart(ref, h), {
      stmt: 'SELECT max("_fivetran_start") AS m FROM "s"."t" WHERE "_fivetran_active" = TRUE',
      args: [],
    });
    const columns = [
      { name: "id", copy: true as const },
      { name: 'c"x', value: "d", castAs: "TEXT" },
      { name: "_fivetran_start", value: 1000, castAs: "TIMESTAMP WITH TIME ZONE" },
    ];
    assert.deepEqual(insertVersionsAt(ref, columns, ["id", "_fivetran_start"], h, 1000), {
      stmt:
        'INSERT INTO "s"."t" ("id", "c""x", "_fivetran_start") SELECT "id", CAST(? AS TEXT), CAST(? AS TIMESTAMP WITH TIME ZONE)' +
        ` FROM "s"."t" WHERE "_fivetran_active" = TRUE AND "_fivetran_start" < ? AND ${FENCE}` +
        ' ON CONFLICT ("id", "_fivetran_start") DO NOTHING',
      args: ["d", 1000, 1000],
    });
    assert.match(
      insertVersionsAt(ref, columns, ["id"], h, 5, 'c"x').stmt,
      / < \? AND "c""x" IS NOT NULL AND CASE WHEN .* END ON CONFLICT/,
    );
    assert.deepEqual(setColumnAt(ref, "c", null, h, 1000), {
      stmt: `UPDATE "s"."t" SET "c" = ? WHERE "_fivetran_start" = ? AND ${FENCE}`,
      args: [null, 1000],
    });
    assert.deepEqual(closeActiveVersionsBefore(ref, h, 1000), {
      stmt:
        'UPDATE "s"."t" SET "_fivetran_active" = FALSE, "_fivetran_end" = ?' +
        ` WHERE "_fivetran_active" = TRUE AND "_fivetran_start" < ? AND ${FENCE}`,
      args: [999, 1000],
    });
    assert.match(
      closeActiveVersionsBefore(ref, h, 1000, "c").stmt,
      /< \? AND "c" IS NOT NULL AND CASE WHEN .* END$/,
    );
  });

  test("sync-mode statements", () => {
    assert.deepEqual(fillHistory(ref, h, { startMs: 1, endMs: 2, active: false }, "_fivetran_deleted"), {
      stmt:
        'UPDATE "s"."t" SET "_fivetran_start" = ?, "_fivetran_end" = ?, "_fivetran_active" = ?' +
        ` WHERE "_fivetran_start" IS NULL AND "_fivetran_deleted" = TRUE AND ${FENCE}`,
      args: [1, 2, false],
    });
    assert.equal(
      fillHistory(ref, h, { startMs: 1, endMs: 2, active: true }).stmt,
      `UPDATE "s"."t" SET "_fivetran_start" = ?, "_fivetran_end" = ?, "_fivetran_active" = ? WHERE "_fivetran_start" IS NULL AND ${FENCE}`,
    );
    assert.deepEqual(keysWithOlderVersions(ref, ["a", 'b"'], h, 500), {
      stmt: 'SELECT "a", "b""", max("_fivetran_start") AS m FROM "s"."t" GROUP BY "a", "b""" HAVING count(*) > 1 LIMIT ?',
      args: [500],
    });
    assert.deepEqual(deletedFromActive(ref, "is deleted", "_fivetran_active"), {
      stmt: `UPDATE "s"."t" SET "is deleted" = NOT "_fivetran_active" WHERE ${FENCE}`,
      args: [],
    });
  });
});
