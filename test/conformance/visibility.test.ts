/**
 * Near-real-time visibility (cratedb.md §4.6). On a real cluster the periodic refresh (1 s by
 * default) may make rows visible sooner, so these tests create their tables with
 * `refresh_interval = 0` (periodic refresh off) to get the same answers from both.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { uniqueSchema } from "../helpers/cratedb.ts";
import { bulk, ok, q, rows, sql } from "./http.ts";

const schema = uniqueSchema("conf_vis");
const s = q(schema);
const created: string[] = [];
async function table(name: string, columns = "id INT PRIMARY KEY, v TEXT"): Promise<string> {
  created.push(name);
  const t = `${s}.${q(name)}`;
  await ok(`CREATE TABLE ${t} (${columns}) WITH (refresh_interval = 0)`);
  return t;
}

after(async () => {
  for (const n of created) await sql(`DROP TABLE IF EXISTS ${s}.${q(n)}`);
});

describe("rows written since the last REFRESH", () => {
  test("are invisible to count(*) and plain searches until REFRESH TABLE (checked on CrateDB 6.4.3)", async () => {
    const t = await table("count");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a'), (2, 'b')`);
    assert.deepEqual(await rows(`SELECT count(*) FROM ${t}`), [[0]]);
    assert.deepEqual(await rows(`SELECT id FROM ${t} WHERE v = 'a'`), []);
    const r = await ok(`REFRESH TABLE ${t}`);
    assert.equal(r.rowcount, 1);
    assert.deepEqual(await rows(`SELECT count(*) FROM ${t}`), [[2]]);
  });

  test("are visible to a lookup by = on the full primary key (real-time get) (checked on CrateDB 6.4.3)", async () => {
    const t = await table("get");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a')`);
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE id = ?`, [1]), [["a"]]);
  });

  test("are visible to count(*) with = on the full primary key (checked on CrateDB 6.4.3)", async () => {
    const t = await table("getcount");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a')`);
    assert.deepEqual(await rows(`SELECT count(*) FROM ${t} WHERE id = ?`, [1]), [[1]]);
  });

  test("a compound key needs = on every key column; = on part of it is a search (checked on CrateDB 6.4.3)", async () => {
    const t = await table("getpair", "a INT, b INT, v TEXT, PRIMARY KEY (a, b)");
    await ok(`INSERT INTO ${t} (a, b, v) VALUES (1, 2, 'x')`);
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE a = ? AND b = ?`, [1, 2]), [["x"]]);
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE a = ?`, [1]), []);
  });

  test("are missed by key lookups written as IN (?, ?) or = ANY(?) (checked on CrateDB 6.4.3)", async () => {
    // CrateDB only takes keys from literal lists; placeholders in a list make it a search.
    const t = await table("getin");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a'), (2, 'b')`);
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE id IN (?, ?) ORDER BY v`, [1, 2]), []);
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE id = ANY(?) ORDER BY v`, [[1, 2]]), []);
    assert.equal((await ok(`UPDATE ${t} SET v = 'x' WHERE id IN (?, ?)`, [1, 2])).rowcount, 0);
  });

  test("are visible to OR-lists of key equalities and to IN or = ANY over literals (checked on CrateDB 6.4.3)", async () => {
    const t = await table("getor");
    const pair = await table("getorpair", "a INT, b INT, v TEXT, PRIMARY KEY (a, b)");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a'), (2, 'b')`);
    await ok(`INSERT INTO ${pair} (a, b, v) VALUES (1, 1, 'a'), (2, 2, 'b')`);
    const both = [["a"], ["b"]];
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE id = ? OR id = ? ORDER BY v`, [1, 2]), both);
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE id IN (1, 2) ORDER BY v`), both);
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE id = ANY([1, 2]) ORDER BY v`), both);
    assert.deepEqual(await rows(`SELECT count(*) FROM ${t} WHERE id = ? OR id = ?`, [1, 2]), [[2]]);
    assert.deepEqual(
      await rows(
        `SELECT v FROM ${pair} WHERE (a = ? AND b = ?) OR (a = ? AND b = ?) ORDER BY v`,
        [1, 1, 2, 2],
      ),
      both,
    );
    assert.equal((await ok(`UPDATE ${t} SET v = 'x' WHERE id IN (1, 2)`)).rowcount, 2);
    assert.equal((await ok(`DELETE FROM ${t} WHERE id = ? OR id = ?`, [1, 2])).rowcount, 2);
  });

  test("a SELECT by key may add other conditions; an OR with a non-key condition is a search (checked on CrateDB 6.4.3)", async () => {
    const t = await table("getextra");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a'), (2, 'b')`);
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE id = ? AND v = ?`, [1, "a"]), [["a"]]);
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE id = ? OR v = ?`, [1, "b"]), []);
    // UPDATE and DELETE with another condition are searches.
    assert.equal((await ok(`DELETE FROM ${t} WHERE id = ? AND v = ?`, [1, "a"])).rowcount, 0);
  });

  test("are missed by DELETE without WHERE (checked on CrateDB 6.4.3)", async () => {
    const t = await table("deleteall");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a')`);
    await ok(`REFRESH TABLE ${t}`);
    await ok(`INSERT INTO ${t} (id, v) VALUES (2, 'b')`);
    const r = await ok(`DELETE FROM ${t}`);
    assert.equal(r.rowcount, 1);
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT id FROM ${t}`), [[2]]);
  });

  test("are missed by UPDATE and DELETE with a non-key condition but hit by key equality (checked on CrateDB 6.4.3)", async () => {
    const t = await table("modify", "id INT PRIMARY KEY, v TEXT, active BOOLEAN");
    await ok(`INSERT INTO ${t} (id, v, active) VALUES (1, 'a', true)`);
    assert.equal((await ok(`UPDATE ${t} SET v = 'x' WHERE active = true`)).rowcount, 0);
    assert.equal((await ok(`UPDATE ${t} SET v = 'y' WHERE id = 1`)).rowcount, 1);
    assert.equal((await ok(`DELETE FROM ${t} WHERE id = 1 AND active = true`)).rowcount, 0);
    assert.equal((await ok(`DELETE FROM ${t} WHERE id = 1`)).rowcount, 1);
  });

  test("are missed as the source of INSERT … SELECT (checked on CrateDB 6.4.3)", async () => {
    const src = await table("src");
    const dst = await table("dst");
    await ok(`INSERT INTO ${src} (id, v) VALUES (1, 'a')`);
    assert.equal((await ok(`INSERT INTO ${dst} (id, v) SELECT id, v FROM ${src}`)).rowcount, 0);
    await ok(`REFRESH TABLE ${src}`);
    assert.equal((await ok(`INSERT INTO ${dst} (id, v) SELECT id, v FROM ${src}`)).rowcount, 1);
  });

  test("unrefreshed updates show the old version to searches and unrefreshed deletes stay visible (checked on CrateDB 6.4.3)", async () => {
    const t = await table("versions");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'old'), (2, 'gone')`);
    await ok(`REFRESH TABLE ${t}`);
    await ok(`UPDATE ${t} SET v = 'new' WHERE id = 1`);
    await ok(`DELETE FROM ${t} WHERE id = 2`);
    assert.deepEqual(await rows(`SELECT id, v FROM ${t} ORDER BY id`), [
      [1, "old"],
      [2, "gone"],
    ]);
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE id = 1`), [["new"]]);
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT id, v FROM ${t} ORDER BY id`), [[1, "new"]]);
  });

  test("duplicate detection and ON CONFLICT are real-time (checked on CrateDB 6.4.3)", async () => {
    const t = await table("conflict");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a')`);
    assert.equal((await sql(`INSERT INTO ${t} (id, v) VALUES (1, 'b')`)).status, 409);
    const r = await ok(
      `INSERT INTO ${t} (id, v) VALUES (1, 'c') ON CONFLICT (id) DO UPDATE SET v = excluded.v`,
    );
    assert.equal(r.rowcount, 1);
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE id = 1`), [["c"]]);
  });

  test("bulk DELETE by key sees unrefreshed rows (checked on CrateDB 6.4.3)", async () => {
    const t = await table("bulkdel");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a')`);
    const r = await bulk(`DELETE FROM ${t} WHERE id = ?`, [[1]]);
    assert.deepEqual(r.json.results, [{ rowcount: 1 }]);
  });

  test("REFRESH of several tables counts them; an unknown one fails the statement (checked on CrateDB 6.4.3)", async () => {
    const a = await table("ra");
    const b = await table("rb");
    assert.equal((await ok(`REFRESH TABLE ${a}, ${b}`)).rowcount, 2);
    assert.equal((await sql(`REFRESH TABLE ${a}, ${s}."nope"`)).status, 404);
  });

  test("ADD COLUMN keeps unrefreshed rows hidden from searches (checked on CrateDB 6.4.3)", async () => {
    const t = await table("addcol");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a')`);
    await ok(`ALTER TABLE ${t} ADD COLUMN extra INT`);
    assert.deepEqual(await rows(`SELECT count(*) FROM ${t}`), [[0]]);
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT id, v, extra FROM ${t}`), [[1, "a", null]]);
  });

  test("RENAME TO makes unrefreshed rows visible to searches, its shards being reopened (checked on CrateDB 6.4.3)", async () => {
    const t = await table("survive");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a')`);
    await ok(`ALTER TABLE ${t} ADD COLUMN extra INT`);
    created.push("survive2");
    await ok(`ALTER TABLE ${t} RENAME TO "survive2"`);
    assert.deepEqual(await rows(`SELECT id, v, extra FROM ${s}."survive2"`), [[1, "a", null]]);
  });

  test("SWAP makes the unrefreshed rows of both tables visible to searches, their shards being reopened (checked on CrateDB 6.4.3)", async () => {
    const a = await table("swap_a");
    const b = await table("swap_b");
    await ok(`INSERT INTO ${a} (id, v) VALUES (1, 'a')`);
    await ok(`INSERT INTO ${b} (id, v) VALUES (2, 'b')`);
    await ok(`ALTER CLUSTER SWAP TABLE ${a} TO ${b}`);
    assert.deepEqual(await rows(`SELECT id, v FROM ${b}`), [[1, "a"]]);
    assert.deepEqual(await rows(`SELECT id, v FROM ${a}`), [[2, "b"]]);
  });
});
