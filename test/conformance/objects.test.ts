import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { uniqueSchema } from "../helpers/cratedb.ts";
import { bulk, fails, ok, postRaw, q, rows, sql } from "./http.ts";

const schema = uniqueSchema("conf_obj");
const s = q(schema);
const created: string[] = [];
async function table(name: string, columns: string): Promise<string> {
  created.push(name);
  const t = `${s}.${q(name)}`;
  await ok(`CREATE TABLE ${t} (${columns})`);
  return t;
}

after(async () => {
  for (const n of created) await sql(`DROP TABLE IF EXISTS ${s}.${q(n)}`);
});

const subColumns = (name: string) =>
  rows(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? AND table_name = ? AND column_name LIKE '%[%' ORDER BY column_name",
    [schema, name],
  );

describe("OBJECT columns", () => {
  test("a DYNAMIC object grows typed sub-columns listed as col['key'] in information_schema.columns (checked on CrateDB 6.4.3)", async () => {
    const t = await table("dyn", "id INT PRIMARY KEY, o OBJECT(DYNAMIC)");
    await ok(`INSERT INTO ${t} (id, o) VALUES (?, ?)`, [1, { a: 1, b: "x", c: { d: true } }]);
    assert.deepEqual(await subColumns("dyn"), [
      ["o['a']", "bigint"],
      ["o['b']", "text"],
      ["o['c']", "object"],
      ["o['c']['d']", "boolean"],
    ]);
  });

  test("a DYNAMIC sub-column refuses a later value of another type (checked on CrateDB 6.4.3)", async () => {
    const t = await table("dyn2", "id INT PRIMARY KEY, o OBJECT");
    await ok(`INSERT INTO ${t} (id, o) VALUES (?, ?)`, [1, { a: 1 }]);
    const e = await fails(`INSERT INTO ${t} (id, o) VALUES (?, ?)`, [2, { a: "asdf" }]);
    assert.equal(e.code, 4000);
    assert.match(e.message, /Cannot cast object element `a` with value `asdf` to type `bigint`/);
  });

  test("a dynamic type conflict in a bulk is reported on that item only (checked on CrateDB 6.4.3)", async () => {
    const t = await table("dyn3", "id INT PRIMARY KEY, o OBJECT");
    const r = await bulk(`INSERT INTO ${t} (id, o) VALUES (?, ?)`, [
      [1, { a: 1 }],
      [2, { a: "asdf" }],
      [3, { a: 3 }],
    ]);
    assert.deepEqual(
      r.json.results.map((x: { rowcount: number }) => x.rowcount),
      [1, -2, 1],
    );
  });

  test("a DYNAMIC BIGINT sub-column refuses Long.MAX_VALUE like a BIGINT column (checked on CrateDB 6.4.3)", async () => {
    const t = await table("dynbig", "id INT PRIMARY KEY, o OBJECT(DYNAMIC)");
    const r = await postRaw(
      `{"stmt":${JSON.stringify(`INSERT INTO ${t} (id, o) VALUES (?, ?)`)},"args":[1,{"a":9223372036854775807}]}`,
    );
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, 4000);
    assert.match(
      r.json.error.message,
      /Value 9223372036854775807 exceeds allowed range for column of type bigint/,
    );
  });

  test("a STRICT object refuses keys it does not declare (checked on CrateDB 6.4.3)", async () => {
    const t = await table("strict", "id INT PRIMARY KEY, o OBJECT(STRICT) AS (a INTEGER)");
    await ok(`INSERT INTO ${t} (id, o) VALUES (?, ?)`, [1, { a: 1 }]);
    const e = await fails(`INSERT INTO ${t} (id, o) VALUES (?, ?)`, [2, { b: 1 }]);
    assert.equal(e.code, 4000);
    assert.match(e.message, /Cannot add column `b` to strict object `o`/);
    assert.deepEqual(await subColumns("strict"), [["o['a']", "integer"]]);
  });

  test("an IGNORED object accepts mixed types and adds no sub-columns (checked on CrateDB 6.4.3)", async () => {
    const t = await table("ignored", "id INT PRIMARY KEY, o OBJECT(IGNORED)");
    await ok(`INSERT INTO ${t} (id, o) VALUES (?, ?), (?, ?)`, [1, { a: 1 }, 2, { a: "x" }]);
    assert.deepEqual(await subColumns("ignored"), []);
    assert.deepEqual(await rows(`SELECT o['a'] AS a FROM ${t} WHERE id = 2`), [["x"]]);
  });
});
