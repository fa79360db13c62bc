import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { copyConverted, copyRows, countLossy } from "../../src/cratedb/sql/alter.ts";
import { selectColumns } from "../../src/cratedb/sql/catalog.ts";
import {
  addColumns,
  blockWrites,
  blockWritesAllowingSwap,
  createTableDdl,
  dropColumn,
  renameColumnDdl,
  resetWriteBlock,
  swapTables,
  unblockWrites,
} from "../../src/cratedb/sql/ddl.ts";
import { ident, qualified } from "../../src/cratedb/sql/ident.ts";
import { hardTruncate, softTruncate } from "../../src/cratedb/sql/truncate.ts";
import { upsertTypeRecord } from "../../src/cratedb/sql/type-metadata.ts";

const ref = { schema: "s", table: "t" };
/** The fence predicate (src/cratedb/sql/fence.ts), spelled out. */
const FENCE = "CASE WHEN CURRENT_TIMESTAMP < {fence_deadline} THEN TRUE ELSE CAST(ln(0) AS BOOLEAN) END";

describe("identifiers", () => {
  const cases: [string, string][] = [
    ["plain", '"plain"'],
    ['a"b', '"a""b"'],
    ['""', '""""""'],
    ["with space", '"with space"'],
    ["a.b", '"a.b"'],
    ["MixedCase", '"MixedCase"'],
    ["select", '"select"'],
    ["ünïcødé 🚀", '"ünïcødé 🚀"'],
    ["x'; DROP TABLE t; --", `"x'; DROP TABLE t; --"`],
  ];
  for (const [name, quoted] of cases) {
    test(`${JSON.stringify(name)} is quoted as ${quoted}`, () => assert.equal(ident(name), quoted));
  }

  test("a 255-byte name is quoted whole", () => {
    const name = "é".repeat(127) + "x";
    assert.equal(Buffer.byteLength(name), 255);
    assert.equal(ident(name), `"${name}"`);
  });

  test("schema and table are quoted separately", () => {
    assert.equal(qualified({ schema: 'my"s', table: "Ta ble" }), '"my""s"."Ta ble"');
  });
});

describe("DDL", () => {
  test("CREATE TABLE lists columns, the primary key and the table settings", () => {
    const sql = createTableDdl(
      ref,
      [
        { name: "id", type: { dataType: "bigint" }, primaryKey: true },
        { name: 'v"al', type: { dataType: "text", indexed: false }, primaryKey: false },
        { name: "n", type: { dataType: "numeric", precision: 10, scale: 2 }, primaryKey: false },
      ],
      { shards: 3, replicas: "0-1", refreshIntervalMs: 5000 },
    );
    assert.equal(
      sql.stmt,
      'CREATE TABLE "s"."t" ("id" BIGINT, "v""al" TEXT INDEX OFF STORAGE WITH (columnstore = false), "n" NUMERIC(10, 2), PRIMARY KEY ("id")) CLUSTERED INTO 3 SHARDS WITH (number_of_replicas = \'0-1\', refresh_interval = 5000)',
    );
    assert.deepEqual(sql.args, []);
  });

  test("CREATE TABLE without settings leaves CrateDB's defaults and without key columns has no PRIMARY KEY", () => {
    const sql = createTableDdl(ref, [{ name: "a", type: { dataType: "boolean" }, primaryKey: false }]);
    assert.equal(sql.stmt, 'CREATE TABLE "s"."t" ("a" BOOLEAN)');
  });

  test("a replicas setting that isn't a replica count is never rendered", () => {
    assert.throws(() => createTableDdl(ref, [], { replicas: "1'); DROP TABLE x; --" }), RangeError);
  });

  test("ADD COLUMN clauses are joined in one statement", () => {
    assert.equal(
      addColumns(ref, [
        { name: "a", type: { dataType: "integer" }, primaryKey: false },
        { name: "b", type: { dataType: "timestamp with time zone" }, primaryKey: false },
      ]).stmt,
      'ALTER TABLE "s"."t" ADD COLUMN "a" INTEGER, ADD COLUMN "b" TIMESTAMP WITH TIME ZONE',
    );
  });

  test("drop, rename, write blocks and swap", () => {
    assert.equal(dropColumn(ref, "x y").stmt, 'ALTER TABLE "s"."t" DROP COLUMN "x y"');
    assert.equal(renameColumnDdl(ref, "a", 'b"').stmt, 'ALTER TABLE "s"."t" RENAME COLUMN "a" TO "b"""');
    assert.equal(blockWrites(ref).stmt, 'ALTER TABLE "s"."t" SET ("blocks.write" = true)');
    assert.equal(
      unblockWrites(ref).stmt,
      'ALTER TABLE "s"."t" RESET ("blocks.write", "blocks.read_only_allow_delete")',
    );
    assert.equal(resetWriteBlock(ref).stmt, 'ALTER TABLE "s"."t" RESET ("blocks.write")');
    assert.equal(
      blockWritesAllowingSwap(ref).stmt,
      'ALTER TABLE "s"."t" SET ("blocks.read_only_allow_delete" = true)',
    );
    assert.equal(
      swapTables({ schema: "s", table: "t__ft_rebuild" }, ref).stmt,
      'ALTER CLUSTER SWAP TABLE "s"."t__ft_rebuild" TO "s"."t"',
    );
  });
});

describe("DML", () => {
  test("hard truncate deletes rows synced strictly before the cutoff, passed as an arg", () => {
    const sql = hardTruncate(ref, "_fivetran_synced", "2024-01-01T00:00:00.001Z");
    assert.equal(sql.stmt, `DELETE FROM "s"."t" WHERE "_fivetran_synced" < ? AND ${FENCE}`);
    assert.deepEqual(sql.args, ["2024-01-01T00:00:00.001Z"]);
    assert.equal(hardTruncate(ref, "_fivetran_synced", undefined).stmt, `DELETE FROM "s"."t" WHERE ${FENCE}`);
  });

  test("soft truncate flags rows synced strictly before the cutoff", () => {
    const sql = softTruncate(ref, "synced", "del", "2024-01-01T00:00:00.000Z");
    assert.equal(sql.stmt, `UPDATE "s"."t" SET "del" = TRUE WHERE "synced" < ? AND ${FENCE}`);
    assert.equal(
      softTruncate(ref, "synced", "del", undefined).stmt,
      `UPDATE "s"."t" SET "del" = TRUE WHERE ${FENCE}`,
    );
  });

  test("a rebuild copy matches columns by name and overwrites by key", () => {
    const sql = copyRows(
      { schema: "s", table: "t__ft_rebuild" },
      ref,
      [
        { name: "id", expr: '"id"' },
        { name: "v", expr: 'CAST("v" AS BIGINT)' },
      ],
      ["id"],
      true,
    );
    assert.equal(
      sql.stmt,
      'INSERT INTO "s"."t__ft_rebuild" ("id", "v") SELECT "id", CAST("v" AS BIGINT) FROM "s"."t" ON CONFLICT ("id") DO UPDATE SET "v" = excluded."v"',
    );
    assert.equal(
      copyRows(ref, ref, [{ name: "id", expr: '"id"' }], ["id"], true).stmt,
      'INSERT INTO "s"."t" ("id") SELECT "id" FROM "s"."t" ON CONFLICT ("id") DO NOTHING',
    );
  });

  test("a conversion copy and its check", () => {
    assert.equal(
      copyConverted(ref, "c", "c__ft_convert", 'CAST("c" AS REAL)').stmt,
      'UPDATE "s"."t" SET "c__ft_convert" = CAST("c" AS REAL) WHERE "c" IS NOT NULL',
    );
    const check = countLossy(ref, "c", { stmt: '"c" < ? OR "c" > ?', args: [-1, 1] });
    assert.equal(
      check.stmt,
      'SELECT count(*) AS n FROM "s"."t" WHERE "c" IS NOT NULL AND ("c" < ? OR "c" > ?)',
    );
    assert.deepEqual(check.args, [-1, 1]);
  });

  test("catalog queries take names as args", () => {
    assert.deepEqual(selectColumns({ schema: "x'y", table: "z" }).args, ["x'y", "z"]);
  });

  test("type records are upserted by schema, table and column", () => {
    assert.match(
      upsertTypeRecord().bulk,
      /ON CONFLICT \("table_schema", "table_name", "column_name"\) DO UPDATE/,
    );
  });
});
