import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { uniqueSchema } from "../helpers/cratedb.ts";
import { bulk, fails, ok, postRaw, q, rows, sql } from "./http.ts";

const schema = uniqueSchema("conf_dml");
const s = q(schema);
const created: string[] = [];
async function table(name: string, columns = "id INT PRIMARY KEY, v TEXT"): Promise<string> {
  created.push(name);
  const t = `${s}.${q(name)}`;
  await ok(`CREATE TABLE ${t} (${columns})`);
  return t;
}

after(async () => {
  for (const n of created) await sql(`DROP TABLE IF EXISTS ${s}.${q(n)}`);
});

/** Arguments as raw JSON text, so integers beyond 2^53 travel exactly. */
const rawArgs = (stmt: string, args: string, key = "args") =>
  postRaw(`{"stmt":${JSON.stringify(stmt)},"${key}":${args}}`);

describe("INSERT … VALUES", () => {
  test("a multi-row insert skips duplicate keys, answers 200 with the rows written (checked on CrateDB 6.4.3)", async () => {
    const t = await table("multi");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a'), (2, 'b')`);
    const r = await ok(`INSERT INTO ${t} (id, v) VALUES (?, ?), (?, ?)`, [2, "dup", 3, "c"]);
    assert.equal(r.rowcount, 1);
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT id, v FROM ${t} ORDER BY id`), [
      [1, "a"],
      [2, "b"],
      [3, "c"],
    ]);
  });

  test("a cast problem in a multi-row insert fails the whole statement and writes nothing (checked on CrateDB 6.4.3)", async () => {
    const t = await table("multi_cast");
    const e = await fails(`INSERT INTO ${t} (id, v) VALUES (?, ?), (?, ?)`, [1, "a", "x", "b"]);
    assert.equal(e.code, 4000);
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT count(*) FROM ${t}`), [[0]]);
  });

  test("a NOT NULL violation in a multi-row insert skips that row (checked on CrateDB 6.4.3)", async () => {
    const t = await table("multi_nn", "id INT PRIMARY KEY, v TEXT NOT NULL");
    const r = await ok(`INSERT INTO ${t} (id, v) VALUES (?, ?), (?, ?)`, [1, "a", 2, null]);
    assert.equal(r.rowcount, 1);
  });

  test("a NULL primary key is refused with 'A primary key value must not be NULL' (checked on CrateDB 6.4.3)", async () => {
    const t = await table("nullkey");
    const e = await fails(`INSERT INTO ${t} (id, v) VALUES (?, ?)`, [null, "a"]);
    assert.equal(e.status, 400);
    assert.equal(e.code, 4000);
    assert.match(e.message, /A primary key value must not be NULL/);
  });

  test("a NULL key in any row of a multi-row or bulk INSERT fails the whole request, nothing applied (checked on CrateDB 6.4.3)", async () => {
    const t = await table("nullkey_bulk", "id INT PRIMARY KEY, v INT");
    const multi = await fails(`INSERT INTO ${t} (id, v) VALUES (?, ?), (?, ?)`, [1, 1, null, 2]);
    assert.deepEqual([multi.status, multi.code], [400, 4000]);
    assert.match(multi.message, /A primary key value must not be NULL/);
    for (const [stmt, bulkArgs] of [
      [
        `INSERT INTO ${t} (id, v) VALUES (?, ?)`,
        [
          [1, 1],
          [null, 2],
          [3, 3],
        ],
      ],
      [
        `INSERT INTO ${t} (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = excluded.v`,
        [
          [1, 1],
          [null, 2],
        ],
      ],
      [
        `INSERT INTO ${t} (id, v) VALUES (CASE WHEN ? > 0 THEN ? ELSE NULL END, ?)`,
        [
          [1, 5, 1],
          [0, 6, 2],
        ],
      ],
    ] as const) {
      const r = await bulk(stmt, bulkArgs as unknown as unknown[][]);
      assert.equal(r.status, 400, stmt);
      assert.equal(r.json.error.code, 4000, stmt);
      assert.equal(r.json.error.message, "SQLParseException[A primary key value must not be NULL]", stmt);
    }
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT count(*) FROM ${t}`), [[0]]);
  });

  test("a NOT NULL violation on a single row is 4000 naming the column (checked on CrateDB 6.4.3)", async () => {
    const t = await table("notnull", "id INT PRIMARY KEY, v TEXT NOT NULL");
    const e = await fails(`INSERT INTO ${t} (id) VALUES (1)`);
    assert.equal(e.code, 4000);
    assert.match(e.message, /"v" must not be null/);
  });

  test("writing a system column is refused (4008) (checked on CrateDB 6.4.3)", async () => {
    const t = await table("syscol");
    const e = await fails(`INSERT INTO ${t} (id, _id) VALUES (1, 'x')`);
    assert.equal(e.code, 4008);
  });

  test("TEXT values over 32766 bytes fail in indexed columns but not in INDEX OFF + columnstore=false ones (checked on CrateDB 6.4.3)", async () => {
    const t = await table(
      "bigtext",
      "id INT PRIMARY KEY, v TEXT, w TEXT INDEX OFF STORAGE WITH (columnstore = false)",
    );
    const big = "x".repeat(40000);
    assert.equal((await fails(`INSERT INTO ${t} (id, v) VALUES (?, ?)`, [1, big])).status, 400);
    await ok(`INSERT INTO ${t} (id, w) VALUES (?, ?)`, [2, big]);
    assert.deepEqual(await rows(`SELECT length(w) AS n FROM ${t} WHERE id = 2`), [[40000]]);
  });
});

describe("ON CONFLICT", () => {
  test("DO UPDATE with excluded updates existing rows and counts inserted plus updated rows (checked on CrateDB 6.4.3)", async () => {
    const t = await table("upsert", "id INT PRIMARY KEY, v TEXT, n INT");
    await ok(`INSERT INTO ${t} (id, v, n) VALUES (1, 'a', 1)`);
    const r = await ok(
      `INSERT INTO ${t} (id, v, n) VALUES (?, ?, ?), (?, ?, ?) ON CONFLICT (id) DO UPDATE SET v = excluded.v, n = n + 1`,
      [1, "a2", 0, 2, "b", 0],
    );
    assert.equal(r.rowcount, 2);
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT id, v, n FROM ${t} ORDER BY id`), [
      [1, "a2", 2],
      [2, "b", 0],
    ]);
  });

  test("DO NOTHING counts only inserted rows (checked on CrateDB 6.4.3)", async () => {
    const t = await table("donothing");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a')`);
    const r = await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'x'), (2, 'b') ON CONFLICT DO NOTHING`);
    assert.equal(r.rowcount, 1);
  });

  test("the conflict target must be exactly the primary key; key lists print as [a, b] (checked on CrateDB 6.4.3)", async () => {
    const t = await table("target", "a INT, b INT, v TEXT, PRIMARY KEY (a, b)");
    const e1 = await fails(
      `INSERT INTO ${t} (a, b, v) VALUES (1, 1, 'x') ON CONFLICT (a) DO UPDATE SET v = excluded.v`,
    );
    assert.equal(e1.code, 4000);
    // The targets print as the expressions written (quoted), the key columns bare.
    assert.equal(
      e1.message,
      'SQLParseException[Number of conflict targets (["a"]) did not match the number of primary key columns ([a, b])]',
    );
    const e2 = await fails(
      `INSERT INTO ${t} (a, b, v) VALUES (1, 1, 'x') ON CONFLICT (a, v) DO UPDATE SET v = excluded.v`,
    );
    assert.equal(
      e2.message,
      "SQLParseException[Conflict target (v) did not match the primary key columns ([a, b])]",
    );
    await ok(`INSERT INTO ${t} (a, b, v) VALUES (1, 1, 'x') ON CONFLICT (b, a) DO UPDATE SET v = excluded.v`);
  });

  test("DO UPDATE may not assign a primary key column (4003) (checked on CrateDB 6.4.3)", async () => {
    const t = await table("pkassign");
    const e = await fails(
      `INSERT INTO ${t} (id, v) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET id = excluded.id`,
    );
    assert.equal(e.code, 4003);
    assert.match(e.message, /Updating a primary key is not supported/);
  });
});

describe("UPDATE and DELETE", () => {
  test("updating a primary key column is 4003 (checked on CrateDB 6.4.3)", async () => {
    const t = await table("updpk");
    const e = await fails(`UPDATE ${t} SET id = 2 WHERE id = 1`);
    assert.equal(e.status, 400);
    assert.equal(e.code, 4003);
    assert.equal(
      e.message,
      "ColumnValidationException[Validation failed for id: Updating a primary key is not supported]",
    );
  });

  test("UPDATE … FROM and DELETE … USING are not CrateDB syntax (checked on CrateDB 6.4.3)", async () => {
    const t = await table("nofrom");
    assert.equal((await fails(`UPDATE ${t} SET v = 'x' FROM ${t} AS o WHERE o.id = 1`)).code, 4000);
    assert.equal((await fails(`DELETE FROM ${t} USING ${t} AS o WHERE o.id = 1`)).code, 4000);
  });

  test("CASE, scalar sub-queries, NOT IN (SELECT …) and interval arithmetic work in UPDATE and DELETE (checked on CrateDB 6.4.3)", async () => {
    const t = await table("exprs", "id INT PRIMARY KEY, k INT, ts TIMESTAMP WITH TIME ZONE, active BOOLEAN");
    const u = await table("exprs_keep", "id INT PRIMARY KEY, k INT");
    await ok(
      `INSERT INTO ${t} (id, k, ts, active) VALUES (1, 1, 1000, true), (2, 2, 2000, true), (3, 3, 3000, true)`,
    );
    await ok(`INSERT INTO ${u} (id, k) VALUES (1, 1), (3, 3)`);
    await ok(`REFRESH TABLE ${t}, ${u}`);
    const r1 = await ok(
      `UPDATE ${t} SET active = CASE WHEN id = 1 THEN false ELSE active END, ts = ts - INTERVAL '1 millisecond' WHERE ts >= ?`,
      [1000],
    );
    assert.equal(r1.rowcount, 3);
    await ok(`REFRESH TABLE ${t}`);
    const r2 = await ok(`DELETE FROM ${t} WHERE id NOT IN (SELECT id FROM ${u})`);
    assert.equal(r2.rowcount, 1);
    await ok(`UPDATE ${t} SET k = (SELECT max(k) FROM ${u}) WHERE id = 3`);
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT id, k, ts, active FROM ${t} ORDER BY id`), [
      [1, 1, 999, false],
      [3, 3, 2999, true],
    ]);
  });

  test("row values are not in the grammar: (a, b) [NOT] IN (SELECT …) is a parse error at the comma (checked on CrateDB 6.4.3)", async () => {
    const t = await table("rowvalues", "a INT PRIMARY KEY, b INT");
    const at = (stmt: string, input: string) => {
      const comma = stmt.indexOf("(a,") + 3;
      return `ParsingException[line 1:${comma}: no viable alternative at input '${input}']`;
    };
    // In UPDATE and DELETE conditions the reported input starts at the parenthesis, in a query at its SELECT.
    for (const stmt of [
      `DELETE FROM ${t} WHERE (a, b) NOT IN (SELECT a, b FROM ${t})`,
      `UPDATE ${t} SET b = 1 WHERE b = 2 AND (a, b) IN (SELECT a, b FROM ${t})`,
    ]) {
      const e = await fails(stmt);
      assert.equal(e.status, 400, stmt);
      assert.equal(e.code, 4000, stmt);
      assert.equal(e.message, at(stmt, "(a,"), stmt);
    }
    const select = `SELECT a FROM ${t} WHERE (a, b) IN (SELECT a, b FROM ${t})`;
    const e = await fails(select);
    assert.equal(e.code, 4000);
    assert.equal(e.message, at(select, select.slice(0, select.indexOf("(a,") + 3)));
  });

  test("UPDATE with RETURNING returns the changed rows (checked on CrateDB 6.4.3)", async () => {
    const t = await table("returning");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a')`);
    const r = await ok(`UPDATE ${t} SET v = 'b' WHERE id = 1 RETURNING id, v`);
    assert.deepEqual(r.cols, ["id", "v"]);
    assert.deepEqual(r.rows, [[1, "b"]]);
  });
});

describe("INSERT … SELECT", () => {
  test("must list every key column, even when the SELECT yields no rows (checked on CrateDB 6.4.3)", async () => {
    const src = await table("src_nokey", "id INT PRIMARY KEY, v TEXT");
    const dst = await table("dst_nokey", "id INT, k TEXT, v TEXT, PRIMARY KEY (id, k)");
    const e = await fails(`INSERT INTO ${dst} (id, v) SELECT id, v FROM ${src} WHERE id < 0`);
    assert.equal(e.status, 400);
    assert.equal(e.code, 4000);
    assert.equal(
      e.message,
      'SQLParseException[Column "k" is required but is missing from the insert statement]',
    );
    // Names are printed as they are, not quoted again.
    const quoted = await table("dst_quoted", '"My Key" INT, b INT, PRIMARY KEY ("My Key", b)');
    const e2 = await fails(`INSERT INTO ${quoted} (b) VALUES (1)`);
    assert.equal(
      e2.message,
      'SQLParseException[Column "My Key" is required but is missing from the insert statement]',
    );
  });

  test("INSERT … VALUES must list the key too; a one-column key, which routes the rows, is named in backticks (checked on CrateDB 6.4.3)", async () => {
    const t = await table("values_nokey");
    const e = await fails(`INSERT INTO ${t} (v) VALUES ('x')`);
    assert.equal(e.code, 4000);
    assert.equal(
      e.message,
      "SQLParseException[Column `id` is required but is missing from the insert statement]",
    );
  });

  test("skips rows that fail and counts the rows written (checked on CrateDB 6.4.3)", async () => {
    const src = await table("src", "id INT PRIMARY KEY, v TEXT");
    const dst = await table("dst", "id INT PRIMARY KEY, v TEXT");
    await ok(`INSERT INTO ${src} (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
    await ok(`INSERT INTO ${dst} (id, v) VALUES (2, 'already')`);
    await ok(`REFRESH TABLE ${src}`);
    const r = await ok(`INSERT INTO ${dst} (id, v) SELECT id, v FROM ${src}`);
    assert.equal(r.rowcount, 2);
    await ok(`REFRESH TABLE ${dst}`);
    assert.deepEqual(await rows(`SELECT id, v FROM ${dst} ORDER BY id`), [
      [1, "a"],
      [2, "already"],
      [3, "c"],
    ]);
  });
});

describe("bulk_args", () => {
  test("each arg set gets its own result; a duplicate key is -2 with an error and the others are applied (checked on CrateDB 6.4.3)", async () => {
    const t = await table("bulk1");
    await ok(`INSERT INTO ${t} (id, v) VALUES (2, 'x')`);
    const r = await bulk(`INSERT INTO ${t} (id, v) VALUES (?, ?)`, [
      [1, "a"],
      [2, "b"],
      [3, "c"],
    ]);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json), ["cols", "duration", "results"]);
    assert.deepEqual(r.json.results[0], { rowcount: 1 });
    assert.equal(r.json.results[1].rowcount, -2);
    assert.equal(r.json.results[1].error.code, 4091);
    assert.match(r.json.results[1].error.message, /DuplicateKeyException/);
    assert.deepEqual(r.json.results[2], { rowcount: 1 });
  });

  test("only the first 10 failing items of a shard carry an error object (checked on CrateDB 6.4.3)", async () => {
    created.push("bulk10");
    const t = `${s}."bulk10"`;
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY) CLUSTERED INTO 1 SHARDS`);
    const ids = Array.from({ length: 12 }, (_, i) => [i]);
    await bulk(`INSERT INTO ${t} (id) VALUES (?)`, ids);
    const r = await bulk(`INSERT INTO ${t} (id) VALUES (?)`, ids);
    const results = r.json.results as { rowcount: number; error?: unknown }[];
    assert.ok(results.every((x) => x.rowcount === -2));
    assert.equal(results.filter((x) => x.error !== undefined).length, 10);
    assert.deepEqual(results.slice(10), [{ rowcount: -2 }, { rowcount: -2 }]);
  });

  test("an uncastable bulk value fails the whole request and applies nothing (checked on CrateDB 6.4.3)", async () => {
    const t = await table("bulk2", "id INT PRIMARY KEY");
    const r = await bulk(`INSERT INTO ${t} (id) VALUES (?)`, [[5], ["abc"], [6]]);
    assert.equal(r.status, 400);
    assert.deepEqual(r.json.error, {
      message: "SQLParseException[Cannot cast value `abc` to type `integer`]",
      code: 4000,
    });
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT count(*) FROM ${t}`), [[0]]);
  });

  test("bulk DELETE by primary key of a missing row is -2 with 40411; a NULL key is 0 (checked on CrateDB 6.4.3)", async () => {
    const t = await table("bulk3");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a')`);
    const r = await bulk(`DELETE FROM ${t} WHERE id = ?`, [[1], [99], [null]]);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.results[0], { rowcount: 1 });
    assert.equal(r.json.results[1].rowcount, -2);
    assert.equal(r.json.results[1].error.code, 40411);
    assert.match(r.json.results[1].error.message, /^DocumentMissingException\[/);
    assert.deepEqual(r.json.results[2], { rowcount: 0 });
  });

  test("bulk UPDATE by primary key of a missing row is -2 with 40411 (checked on CrateDB 6.4.3)", async () => {
    const t = await table("bulk5");
    await ok(`INSERT INTO ${t} (id, v) VALUES (1, 'a')`);
    const r = await bulk(`UPDATE ${t} SET v = ? WHERE id = ?`, [
      ["b", 1],
      ["c", 2],
    ]);
    assert.deepEqual(r.json.results[0], { rowcount: 1 });
    assert.equal(r.json.results[1].rowcount, -2);
    assert.equal(r.json.results[1].error.code, 40411);
  });

  test("a missing document is named by its _id: the key's text, or the key texts encoded in base64 (checked on CrateDB 6.4.3)", async () => {
    const one = await table("docid1", "k TEXT PRIMARY KEY, v TEXT");
    const two = await table("docid2", "k TEXT, n BIGINT, v TEXT, PRIMARY KEY (k, n)");
    const ts = await table("docid3", "t TIMESTAMP WITH TIME ZONE PRIMARY KEY, v TEXT");
    const message = async (stmt: string, args: unknown[]) =>
      (await bulk(stmt, [args])).json.results[0].error.message;
    assert.equal(
      await message(`UPDATE ${one} SET v = 'x' WHERE k = ?`, ["zz"]),
      "DocumentMissingException[[zz]: document missing]",
    );
    assert.equal(
      await message(`UPDATE ${two} SET v = 'x' WHERE k = ? AND n = ?`, ["zz", 5]),
      "DocumentMissingException[[AgJ6egE1]: document missing]",
    );
    assert.equal(
      await message(`DELETE FROM ${two} WHERE n = ? AND k = ?`, [5, "zz"]),
      "DocumentMissingException[[AgJ6egE1]: document missing]",
    );
    assert.equal(
      await message(`DELETE FROM ${ts} WHERE t = ?`, ["2024-01-01T00:00:00Z"]),
      "DocumentMissingException[[1704067200000]: document missing]",
    );
  });

  test("bulk UPDATE with a non-key condition matching nothing is 0, not an error (checked on CrateDB 6.4.3)", async () => {
    const t = await table("bulk6");
    const r = await bulk(`UPDATE ${t} SET v = ? WHERE v = ?`, [["b", "nothing"]]);
    assert.deepEqual(r.json.results, [{ rowcount: 0 }]);
  });

  test("a bulk statement with a result set is refused (4004) (checked on CrateDB 6.4.3)", async () => {
    const r = await bulk("SELECT ? AS x", [[1]]);
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 4004);
  });

  test("a search-based bulk UPDATE of 20,000 arg sets trips the query circuit breaker: items fail (checked on CrateDB 6.4.3)", {
    timeout: 120_000,
  }, async () => {
    // Every arg set of a bulk UPDATE/DELETE that is no primary-key lookup runs as its own collect
    // phase, all at once, each reserving ~0.1 % of the breaker (see SEARCH_BULK_ITEMS).
    const t = await table("bulk_breaker", "id BIGINT, s BIGINT, active BOOLEAN, PRIMARY KEY (id, s)");
    const n = 20_000;
    const ids = Array.from({ length: n }, (_, i) => i);
    const loaded = await bulk(
      `INSERT INTO ${t} (id, s, active) VALUES (?, ?, ?)`,
      ids.map((i) => [i, 1, true]),
    );
    assert.equal(loaded.status, 200);
    await ok(`REFRESH TABLE ${t}`);
    const r = await bulk(
      `UPDATE ${t} SET active = FALSE WHERE id = ? AND active = TRUE`,
      ids.map((i) => [i]),
    );
    assert.equal(r.status, 200);
    const results = r.json.results as { rowcount: number; error?: { code: number; message: string } }[];
    assert.equal(results.length, n);
    const failed = results.filter((x) => x.rowcount === -2);
    assert.ok(failed.length > n / 2, `${failed.length} of ${n} items failed`);
    const detailed = failed.find((x) => x.error !== undefined)!.error!;
    assert.ok(
      (detailed.code === 5000 &&
        /^(CircuitBreakingException|EsRejectedExecutionException)\[/.test(detailed.message)) ||
        (detailed.code === 5005 && /^JobKilledException\[/.test(detailed.message)),
      `${detailed.code} ${detailed.message}`,
    );
    // The same statement 100 arg sets at a time passes.
    await ok(`REFRESH TABLE ${t}`);
    for (let i = 0; i < 1_000; i += 100) {
      const part = await bulk(
        `UPDATE ${t} SET active = FALSE WHERE id = ? AND active = TRUE`,
        ids.slice(i, i + 100).map((k) => [k]),
      );
      assert.ok((part.json.results as { rowcount: number }[]).every((x) => x.rowcount >= 0));
    }
  });

  test("empty bulk_args answer 200 with no results (checked on CrateDB 6.4.3)", async () => {
    const t = await table("bulk4");
    const r = await bulk(`INSERT INTO ${t} (id) VALUES (?)`, []);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.results, []);
  });
});

describe("BIGINT range", () => {
  const MAX = "9223372036854775807";
  const MIN = "-9223372036854775808";
  const refused = (v: string) =>
    `SQLParseException[Value ${v} exceeds allowed range for column of type bigint]`;

  test("INSERT refuses exactly Long.MAX_VALUE and Long.MIN_VALUE; the values next to them round-trip (checked on CrateDB 6.4.3)", async () => {
    const t = await table("bigrange", "id INT PRIMARY KEY, big BIGINT");
    for (const v of [MAX, MIN]) {
      const r = await rawArgs(`INSERT INTO ${t} (id, big) VALUES (?, ?)`, `[1, ${v}]`);
      assert.equal(r.status, 400, r.text);
      assert.deepEqual(r.json.error, { message: refused(v), code: 4000 });
    }
    const near = ["9223372036854775806", "-9223372036854775806", "-9223372036854775807"];
    for (const [i, v] of near.entries()) {
      const r = await rawArgs(`INSERT INTO ${t} (id, big) VALUES (?, ?)`, `[${i + 2}, ${v}]`);
      assert.equal(r.status, 200, r.text);
    }
    await ok(`REFRESH TABLE ${t}`);
    const r = await sql(`SELECT big FROM ${t} ORDER BY id`);
    assert.match(r.text, new RegExp(`"rows":\\[${near.map((v) => `\\[${v}\\]`).join(",")}\\]`));
  });

  test("a bulk item with Long.MAX_VALUE gets -2 with that error and the other items are written (checked on CrateDB 6.4.3)", async () => {
    const t = await table("bigbulk", "id INT PRIMARY KEY, big BIGINT");
    const r = await rawArgs(
      `INSERT INTO ${t} (id, big) VALUES (?, ?)`,
      `[[1, ${MAX}], [2, 1], [3, ${MIN}]]`,
      "bulk_args",
    );
    assert.equal(r.status, 200, r.text);
    const results = r.json.results as { rowcount: number; error?: { code: number; message: string } }[];
    assert.deepEqual(
      results.map((x) => x.rowcount),
      [-2, 1, -2],
    );
    assert.equal(results[0]!.error?.code, 4000);
    assert.match(
      results[0]!.error!.message,
      /Value 9223372036854775807 exceeds allowed range for column of type bigint/,
    );
    assert.match(
      results[2]!.error!.message,
      /Value -9223372036854775808 exceeds allowed range for column of type bigint/,
    );
  });

  test("BIGINT array elements are refused the same values (checked on CrateDB 6.4.3)", async () => {
    const t = await table("bigarray", "id INT PRIMARY KEY, a ARRAY(BIGINT)");
    for (const v of [MAX, MIN]) {
      const r = await rawArgs(`INSERT INTO ${t} (id, a) VALUES (?, ?)`, `[1, [1, ${v}]]`);
      assert.equal(r.status, 400, r.text);
      assert.deepEqual(r.json.error, { message: refused(v), code: 4000 });
    }
    const r = await rawArgs(`INSERT INTO ${t} (id, a) VALUES (?, ?)`, "[2, [1, 9223372036854775806]]");
    assert.equal(r.status, 200, r.text);
  });

  test("UPDATE … SET and INSERT … SELECT are refused the same values (checked on CrateDB 6.4.3)", async () => {
    const t = await table("bigwrite", "id INT PRIMARY KEY, big BIGINT");
    await ok(`INSERT INTO ${t} (id, big) VALUES (1, 1)`);
    const u = await rawArgs(`UPDATE ${t} SET big = ? WHERE id = 1`, `[${MAX}]`);
    assert.equal(u.status, 400, u.text);
    assert.deepEqual(u.json.error, { message: refused(MAX), code: 4000 });
    // INSERT … SELECT skips the failing row (§4.2) and writes the others.
    const r = await ok(`INSERT INTO ${t} (id, big) SELECT 2, ${MAX} UNION ALL SELECT 3, 3`);
    assert.equal(r.rowcount, 1);
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT id, big FROM ${t} ORDER BY id`), [
      [1, 1],
      [3, 3],
    ]);
  });
});

describe("value conversion", () => {
  test("timestamps accept ISO with offsets, date-only, digit strings, epoch-ms integers and float seconds (checked on CrateDB 6.4.3)", async () => {
    const t = await table(
      "ts",
      "id INT PRIMARY KEY, tz TIMESTAMP WITH TIME ZONE, naive TIMESTAMP WITHOUT TIME ZONE",
    );
    const inputs: unknown[] = [
      "2024-01-01T01:00:00+01:00",
      "2024-01-01",
      "1704067200000",
      1704067200000,
      1704067200.5,
    ];
    await bulk(
      `INSERT INTO ${t} (id, tz, naive) VALUES (?, ?, ?)`,
      inputs.map((v, i) => [i, v, v]),
    );
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT tz, naive FROM ${t} ORDER BY id`), [
      [1704067200000, 1704070800000],
      [1704067200000, 1704067200000],
      [1704067200000, 1704067200000],
      [1704067200000, 1704067200000],
      [1704067200500, 1704067200500],
    ]);
  });

  test("NUMERIC values are rounded HALF_UP to the scale and refused when the integral part is too long (checked on CrateDB 6.4.3)", async () => {
    const t = await table("num", "id INT PRIMARY KEY, n NUMERIC(5, 2)");
    await ok(`INSERT INTO ${t} (id, n) VALUES (?, ?)`, [1, "1.005"]);
    assert.deepEqual(await rows(`SELECT n FROM ${t} WHERE id = 1`), [[1.01]]);
    const e = await fails(`INSERT INTO ${t} (id, n) VALUES (?, ?)`, [2, "1234.5"]);
    assert.equal(e.code, 4000);
  });

  test("boolean strings are accepted (checked on CrateDB 6.4.3)", async () => {
    const t = await table("bools", "id INT PRIMARY KEY, b BOOLEAN");
    await bulk(`INSERT INTO ${t} (id, b) VALUES (?, ?)`, [
      [1, "yes"],
      [2, "off"],
    ]);
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT b FROM ${t} ORDER BY id`), [[true], [false]]);
  });

  test("object keys with dots or brackets are refused by DYNAMIC objects (4008) and kept by IGNORED ones (checked on CrateDB 6.4.3)", async () => {
    const t = await table("dotkeys", "id INT PRIMARY KEY, d OBJECT(DYNAMIC), i OBJECT(IGNORED)");
    for (const key of ["a.b", "a[1]"]) {
      const e = await fails(`INSERT INTO ${t} (id, d) VALUES (?, ?)`, [1, { x: { [key]: 1 } }]);
      assert.equal(e.status, 400);
      assert.equal(e.code, 4008);
      assert.match(
        e.message,
        new RegExp(`^InvalidColumnNameException\\["${key.replace(/[.[\]]/g, "\\$&")}" `),
      );
    }
    await ok(`INSERT INTO ${t} (id, i) VALUES (?, ?)`, [2, { "a.b": 1, x: { "c[1]": "y" } }]);
    assert.deepEqual(await rows(`SELECT i FROM ${t} WHERE id = 2`), [[{ "a.b": 1, x: { "c[1]": "y" } }]]);
  });

  test("an object argument may be a JSON string (checked on CrateDB 6.4.3)", async () => {
    const t = await table("objs", "id INT PRIMARY KEY, o OBJECT(IGNORED)");
    await ok(`INSERT INTO ${t} (id, o) VALUES (?, ?)`, [2, '{"k": [1, 2]}']);
    assert.deepEqual(await rows(`SELECT o FROM ${t} WHERE id = 2`), [[{ k: [1, 2] }]]);
  });
});

describe("text content", () => {
  test("NUL characters and astral-plane characters in TEXT round-trip (checked on CrateDB 6.4.3)", async () => {
    const t = await table("nul");
    const v = "a\u0000b 😀 é";
    await ok(`INSERT INTO ${t} (id, v) VALUES (?, ?)`, [1, v]);
    assert.deepEqual(await rows(`SELECT v FROM ${t} WHERE id = 1`), [[v]]);
  });

  test("a read-blocked table refuses SELECT with 4007 (checked on CrateDB 6.4.3)", async () => {
    const t = await table("readblock");
    await ok(`ALTER TABLE ${t} SET ("blocks.read" = true)`);
    const e = await fails(`SELECT * FROM ${t}`);
    assert.equal(e.code, 4007);
    await ok(`ALTER TABLE ${t} SET ("blocks.read" = false)`);
  });
});

describe("argument typing", () => {
  test("epoch-millisecond arguments compare with timestamps in =, BETWEEN, IN and = ANY (checked on CrateDB 6.4.3)", async () => {
    const t = await table("argtypes", "id INT PRIMARY KEY, ts TIMESTAMP WITH TIME ZONE");
    await ok(`INSERT INTO ${t} (id, ts) VALUES (1, ?), (2, ?)`, [1000, 2000]);
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT id FROM ${t} WHERE ts = ?`, [1000]), [[1]]);
    assert.deepEqual(
      await rows(`SELECT id FROM ${t} WHERE ts BETWEEN ? AND ? ORDER BY id`, [0, "1970-01-01T00:00:01.500Z"]),
      [[1]],
    );
    assert.deepEqual(await rows(`SELECT id FROM ${t} WHERE ts IN (?, ?) ORDER BY id`, [1000, 2000]), [
      [1],
      [2],
    ]);
    assert.deepEqual(await rows(`SELECT id FROM ${t} WHERE ts = ANY(?) ORDER BY id`, [[2000]]), [[2]]);
  });
});

describe("casts of column values", () => {
  test("CAST(text AS TIMESTAMP) reads digit strings as epoch milliseconds and refuses non-ISO words (checked on CrateDB 6.4.3)", async () => {
    const t = await table("casts", "id INT PRIMARY KEY, s TEXT");
    await ok(
      `INSERT INTO ${t} (id, s) VALUES (1, '1704067200123'), (2, '2024-01-01T00:00:00.1239+01:00'), (3, 'now')`,
    );
    assert.deepEqual(await rows(`SELECT CAST(s AS TIMESTAMP WITH TIME ZONE) AS ts FROM ${t} WHERE id = 1`), [
      [1704067200123],
    ]);
    assert.deepEqual(await rows(`SELECT s::TIMESTAMP WITH TIME ZONE AS ts FROM ${t} WHERE id = 2`), [
      [1704063600123],
    ]);
    assert.deepEqual(
      await rows(`SELECT CAST(s AS TIMESTAMP WITHOUT TIME ZONE) AS ts FROM ${t} WHERE id = 2`),
      [[1704067200123]],
    );
    const e = await fails(`SELECT CAST(s AS TIMESTAMP WITH TIME ZONE) AS ts FROM ${t} WHERE id = 3`);
    assert.equal(e.code, 4000);
    assert.match(e.message, /Cannot cast value `now` to type `timestamp with time zone`/);
  });
});

describe("timestamp range", () => {
  test("the first and last millisecond of years 1 and 9999 round-trip, before and after 1970 (checked on CrateDB 6.4.3)", async () => {
    const t = await table(
      "tsrange",
      "id INT PRIMARY KEY, tz TIMESTAMP WITH TIME ZONE, naive TIMESTAMP WITHOUT TIME ZONE",
    );
    const values = [-62135596800000, -1, 0, 253402300799999];
    await bulk(
      `INSERT INTO ${t} (id, tz, naive) VALUES (?, ?, ?)`,
      values.map((v, i) => [i, v, v]),
    );
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(
      await rows(`SELECT tz, naive FROM ${t} ORDER BY id`),
      values.map((v) => [v, v]),
    );
  });
});
