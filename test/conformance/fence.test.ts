/**
 * What the destination's fenced statements rely on (src/cratedb/sql/fence.ts, src/cratedb/client/
 * settle.ts): CrateDB folds `CASE WHEN CURRENT_TIMESTAMP < <ms> THEN … ELSE CAST(ln(0) AS …) END`
 * when it plans a statement, so a key value wrapped in it still plans as a lookup by key, and past
 * the deadline the whole statement, bulk included, fails before touching a row. And a running
 * statement is listed in sys.jobs with its leading comment. Tables have periodic refresh off, so a
 * row read back before REFRESH proves a real-time path.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { uniqueSchema } from "../helpers/cratedb.ts";
import { bulk, fails, ok, postRaw, q, rows, sql } from "./http.ts";

const schema = uniqueSchema("conf_fence");
const s = q(schema);
const created: string[] = [];
async function table(name: string, columns: string): Promise<string> {
  created.push(name);
  const t = `${s}.${q(name)}`;
  await ok(`CREATE TABLE ${t} (${columns}) WITH (refresh_interval = 0)`);
  return t;
}

after(async () => {
  for (const n of created) await sql(`DROP TABLE IF EXISTS ${s}.${q(n)}`);
});

const FUTURE = 4_102_444_800_000; // 2100-01-01
const LATE = "SQLParseException[ln(x): given arguments would result in: '-Infinity']";
const PAST = 1_000;
const fenced = (deadline: number, type: string) =>
  `CASE WHEN CURRENT_TIMESTAMP < ${deadline} THEN ? ELSE CAST(ln(0) AS ${type}) END`;
const predicate = (deadline: number) =>
  `CASE WHEN CURRENT_TIMESTAMP < ${deadline} THEN TRUE ELSE CAST(ln(0) AS BOOLEAN) END`;

describe("fenced statements", () => {
  test("a fenced key value keeps UPDATE and DELETE real-time: unrefreshed rows are found, missing ones are 40411 (checked on CrateDB 6.4.3)", async () => {
    const t = await table("by_key", "k TEXT, n INT, v INT, PRIMARY KEY (k, n)");
    await ok(`INSERT INTO ${t} (k, n, v) VALUES ('a', 1, 1), ('b', 1, 1)`);
    const update = await bulk(`UPDATE ${t} SET v = ? WHERE k = ${fenced(FUTURE, "TEXT")} AND n = ?`, [
      [5, "a", 1],
      [5, "zz", 1],
    ]);
    assert.equal(update.status, 200, update.text);
    assert.equal(update.json.results[0].rowcount, 1);
    assert.equal(update.json.results[1].rowcount, -2);
    assert.equal(update.json.results[1].error.code, 40411);
    const del = await bulk(`DELETE FROM ${t} WHERE k = ${fenced(FUTURE, "TEXT")} AND n = ?`, [["b", 1]]);
    assert.equal(del.json.results[0].rowcount, 1);
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE k = ? AND n = ?`, ["a", 1]), [[5]]);
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE k = ? AND n = ?`, ["b", 1]), []);
  });

  test("a fenced upsert writes every type of key before the deadline (checked on CrateDB 6.4.3)", async () => {
    for (const [name, type, value] of [
      ["k_bigint", "BIGINT", "9223372036854775806"],
      ["k_numeric", "NUMERIC(10, 2)", '"12.50"'],
      ["k_tstz", "TIMESTAMP WITH TIME ZONE", "1700000000000"],
      ["k_ts", "TIMESTAMP WITHOUT TIME ZONE", '"2024-01-01T00:00:00"'],
      ["k_bool", "BOOLEAN", "true"],
      ["k_text", "TEXT", '"x"'],
    ] as const) {
      const t = await table(name, `k ${type} PRIMARY KEY, v INT`);
      const stmt = `INSERT INTO ${t} (k, v) VALUES (${fenced(FUTURE, type)}, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v`;
      // The value as raw JSON: a BIGINT beyond 2^53 must reach CrateDB exactly.
      const r = await postRaw(`{"stmt":${JSON.stringify(stmt)},"bulk_args":[[${value},1],[${value},2]]}`);
      assert.equal(r.status, 200, `${type}: ${r.text}`);
      await ok(`REFRESH TABLE ${t}`);
      assert.deepEqual(await rows(`SELECT v FROM ${t}`), [[2]], type);
    }
  });

  test("past the deadline the whole request fails with ln(0)'s error and nothing is applied (checked on CrateDB 6.4.3)", async () => {
    const t = await table("late", "id INT PRIMARY KEY, v INT");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 1)`);
    await ok(`REFRESH TABLE ${t}`);
    const insert = await bulk(`INSERT INTO ${t} (id, v) VALUES (${fenced(PAST, "INTEGER")}, ?)`, [
      [2, 1],
      [3, 1],
    ]);
    assert.equal(insert.status, 400);
    assert.equal(insert.json.error.code, 4000);
    assert.equal(insert.json.error.message, LATE);
    const update = await fails(`UPDATE ${t} SET v = 9 WHERE id = ${fenced(PAST, "INTEGER")}`, [1]);
    assert.equal(update.code, 4000);
    assert.equal(update.message, LATE);
    const search = await fails(`DELETE FROM ${t} WHERE v = 1 AND ${predicate(PAST)}`);
    assert.equal(search.code, 4000);
    assert.equal(search.message, LATE);
    const copy = await fails(
      `INSERT INTO ${t} (id, v) (SELECT id + 10, v FROM ${t} WHERE ${predicate(PAST)})`,
    );
    assert.equal(copy.code, 4000);
    // The predicate fails the statement only when a row reaches it: a search that matches
    // nothing changes nothing either way.
    const none = await ok(`DELETE FROM ${t} WHERE v = 99 AND ${predicate(PAST)}`);
    assert.equal(none.rowcount, 0);
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT id, v FROM ${t} ORDER BY id`), [[1, 1]]);
  });

  test("a fence predicate before the deadline leaves a search statement as it was (checked on CrateDB 6.4.3)", async () => {
    const t = await table("search", "id INT PRIMARY KEY, v INT");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 1), (2, 2)`);
    await ok(`REFRESH TABLE ${t}`);
    const r = await ok(`DELETE FROM ${t} WHERE v < ? AND ${predicate(FUTURE)}`, [2]);
    assert.equal(r.rowcount, 1);
    const all = await ok(`UPDATE ${t} SET v = 7 WHERE ${predicate(FUTURE)}`);
    assert.equal(all.rowcount, 1);
  });
});

describe("sys.jobs and KILL", () => {
  test("a running statement is listed with its leading comment; KILL of an unknown job id does nothing (checked on CrateDB 6.4.3)", async () => {
    const mine = await rows(
      "/* fivetran:Conformance q=0123456789ab */ SELECT stmt FROM sys.jobs WHERE stmt LIKE ?",
      ["%q=0123456789ab */%"],
    );
    assert.equal(mine.length, 1);
    assert.match(
      String(mine[0]![0]),
      /^\/\* fivetran:Conformance q=0123456789ab \*\/ SELECT stmt FROM sys\.jobs/,
    );
    assert.deepEqual(await rows("SELECT id FROM sys.jobs WHERE stmt LIKE ?", ["%q=ffffffffffff */%"]), []);
    const kill = await ok("KILL ?", ["00000000-0000-0000-0000-000000000000"]);
    assert.equal(kill.rowcount, 0);
  });
});
