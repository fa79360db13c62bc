import assert from "node:assert/strict";
import { test } from "node:test";
import {
  alterProbeTable,
  createProbeTable,
  deleteProbeRow,
  dropProbeTable,
  insertProbeRow,
  refreshProbeTable,
  selectProbeRows,
} from "../../../src/cratedb/sql/probe-table.ts";

const t = { schema: 'probe"s', table: "t" };

test("probe statements quote every name and keep values out of the text", () => {
  assert.deepEqual(createProbeTable(t), {
    stmt: 'CREATE TABLE "probe""s"."t" ("id" INTEGER PRIMARY KEY, "big" BIGINT, "note" TEXT) WITH (number_of_replicas = 0)',
    args: [],
  });
  assert.equal(insertProbeRow(t).bulk, 'INSERT INTO "probe""s"."t" ("id", "big", "note") VALUES (?, ?, ?)');
  assert.equal(refreshProbeTable(t).stmt, 'REFRESH TABLE "probe""s"."t"');
  assert.equal(selectProbeRows(t).stmt, 'SELECT "id", "big" FROM "probe""s"."t" ORDER BY "id"');
  assert.equal(alterProbeTable(t).stmt, 'ALTER TABLE "probe""s"."t" ADD COLUMN "added" TEXT');
  assert.deepEqual(deleteProbeRow(t, 2), { stmt: 'DELETE FROM "probe""s"."t" WHERE "id" = ?', args: [2] });
  assert.equal(dropProbeTable(t).stmt, 'DROP TABLE IF EXISTS "probe""s"."t"');
});
