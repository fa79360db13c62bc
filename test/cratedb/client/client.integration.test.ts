import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import { CrateDbError } from "../../../src/cratedb/errors.ts";
import { endpoint, uniqueSchema } from "../../helpers/cratedb.ts";

const db = endpoint();
const client = new CrateClient({
  urls: [db.url],
  username: db.username,
  password: db.password,
  verifyTls: true,
  requestBytes: 65_536,
  concurrency: 2,
  connectTimeoutMs: 5000,
  requestTimeoutMs: 30_000,
});
const schema = uniqueSchema("client");
const table = `"${schema}"."numbers"`;

before(async () => {
  await client.sql(
    `CREATE TABLE ${table} ("id" BIGINT PRIMARY KEY, "n38" NUMERIC(38, 0), "n10" NUMERIC(38, 10), "d" DOUBLE PRECISION, "t" TEXT) WITH (number_of_replicas = 0)`,
  );
});
after(async () => {
  await client.sql(`DROP TABLE IF EXISTS ${table}`);
  await client.close();
});

test("BIGINT's largest storable values, NUMERIC(38) digits and doubles survive a write and a read exactly", async () => {
  const rows = [
    // One short of the 64-bit extremes: CrateDB's BIGINT refuses exactly those (6.4.3).
    [
      9223372036854775806n,
      "99999999999999999999999999999999999999",
      "1234567890123456789012345678.0123456789",
      0.1,
      "a",
    ],
    [-9223372036854775807n, "-12345678901234567890123456789012345678", "-0.0000000001", 1 / 3, "b"],
    [1n, "0", "0", -0, "c"],
  ];
  const result = await client.bulk(
    `INSERT INTO ${table} ("id", "n38", "n10", "d", "t") VALUES (?, ?, ?, ?, ?)`,
    rows,
    {
      keyColumns: ["id"],
    },
  );
  assert.equal(result.rowcount, 3);
  await client.sql(`REFRESH TABLE ${table}`);
  const read = await client.sql(`SELECT "id", "n38", "n10", "d" FROM ${table} ORDER BY "id"`);
  assert.deepEqual(read.rows[0]!.slice(0, 2), [
    -9223372036854775807n,
    -12345678901234567890123456789012345678n,
  ]);
  // Shortest double text equals the decimal, so a number is exact here.
  assert.equal(read.rows[0]![2], -1e-10);
  assert.deepEqual(read.rows[2]!.slice(0, 2), [
    9223372036854775806n,
    99999999999999999999999999999999999999n,
  ]);
  assert.equal(read.rows[2]![2], "1234567890123456789012345678.0123456789");
  assert.equal(read.rows[2]![3], 0.1);
  assert.equal(read.rows[0]![3], 1 / 3);
});

test("a bulk item CrateDB rejects fails the call naming its position and key column", async () => {
  await client.bulk(`INSERT INTO ${table} ("id", "t") VALUES (?, ?)`, [[100n, "x"]]);
  await assert.rejects(
    client.bulk(
      `INSERT INTO ${table} ("id", "t") VALUES (?, ?)`,
      [
        [101n, "y"],
        [100n, "secret-text"],
        [102n, "z"],
      ],
      {
        keyColumns: ["id"],
      },
    ),
    (error) => {
      assert.ok(error instanceof CrateDbError);
      assert.equal(error.crateCode, 4091);
      assert.match(error.message, /the first is item 1 \(0-based\) of 3 \(key columns "id"\)/);
      assert.ok(!error.message.includes("secret-text"));
      return true;
    },
  );
});

test("deleting absent rows by primary key counts zero when that is expected", async () => {
  await client.bulk(`INSERT INTO ${table} ("id", "t") VALUES (?, ?)`, [[200n, "x"]]);
  const result = await client.bulk(`DELETE FROM ${table} WHERE "id" = ?`, [[200n], [201n]], {
    missingRowIsOk: true,
  });
  assert.equal(result.rowcount, 1);
  assert.deepEqual(
    result.results.map((r) => r.rowcount),
    [1, 0],
  );
});

test("many rows are split into several requests and all arrive", async () => {
  const rows = Array.from({ length: 3000 }, (_, i) => [BigInt(1000 + i), `row ${i} ${"·".repeat(20)}`]);
  const result = await client.bulk(`INSERT INTO ${table} ("id", "t") VALUES (?, ?)`, rows);
  assert.equal(result.rowcount, 3000);
  await client.sql(`REFRESH TABLE ${table}`);
  const { rows: count } = await client.sql(
    `SELECT count(*) AS "n" FROM ${table} WHERE "id" BETWEEN 1000 AND 3999`,
  );
  assert.equal(Number(count[0]![0]), 3000);
});
