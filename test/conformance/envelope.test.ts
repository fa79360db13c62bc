import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { request } from "undici";
import { endpoint, uniqueSchema } from "../helpers/cratedb.ts";
import { fails, ok, postRaw, q, sql } from "./http.ts";

const schema = uniqueSchema("conf_env");
const t = `${q(schema)}."t"`;

before(async () => {
  await ok(
    `CREATE TABLE ${t} (id INT PRIMARY KEY, name TEXT, big BIGINT, n NUMERIC(38, 10), ts TIMESTAMP WITH TIME ZONE)`,
  );
});
after(async () => {
  await sql(`DROP TABLE IF EXISTS ${t}`);
});

describe("request body validation", () => {
  test("an empty body is a 400 with code 4000 'Missing request body' (checked on CrateDB 6.4.3)", async () => {
    const r = await postRaw("");
    assert.equal(r.status, 400);
    assert.deepEqual(r.json.error, { message: "SQLParseException[Missing request body]", code: 4000 });
  });

  test("a body without stmt is an HTTP 500 naming the missing field (checked on CrateDB 6.4.3)", async () => {
    const r = await postRaw("{}");
    assert.equal(r.status, 500);
    assert.deepEqual(r.json.error, {
      message: "SQLParseSourceException[Field [stmt] is missing]",
      code: 5000,
    });
  });

  test("a malformed stmt, args or bulk_args is an HTTP 500 naming the field; a body that is not an object has no stmt (checked on CrateDB 6.4.3)", async () => {
    for (const [body, message] of [
      ['{"stmt":""}', "Field [stmt] has no value"],
      ['{"stmt":null}', "Field [stmt] has an invalid value"],
      ['{"stmt":"select 1","args":5}', "`args` must start with an array, not `VALUE_NUMBER`"],
      ['{"stmt":"select 1","bulk_args":5}', "Field [bulk_args] has an invalid value"],
      ["[]", "Field [stmt] is missing"],
    ] as const) {
      const r = await postRaw(body);
      assert.equal(r.status, 500, body);
      assert.deepEqual(r.json.error, { message: `SQLParseSourceException[${message}]`, code: 5000 }, body);
    }
  });

  test("malformed JSON is a 400 echoing the body (checked on CrateDB 6.4.3)", async () => {
    const body = '{"stmt": "select 1",}';
    const r = await postRaw(body);
    assert.equal(r.status, 400);
    assert.deepEqual(r.json.error, {
      message: `SQLParseException[Can't parse [${body}]. Expecting payload with \`stmt\` string and \`args\` or \`bulk_args\` arrays]`,
      code: 4000,
    });
  });

  test("an unknown key is rejected and the whole body is echoed (checked on CrateDB 6.4.3)", async () => {
    const body = '{"stmt":"select 1","foo":1}';
    const r = await postRaw(body);
    assert.equal(r.status, 400);
    assert.equal(
      r.json.error.message,
      `SQLParseException[Can't parse [${body}]. Expecting payload with \`stmt\` string and \`args\` or \`bulk_args\` arrays]`,
    );
  });

  test("non-empty args and bulk_args together are forbidden (checked on CrateDB 6.4.3)", async () => {
    const r = await postRaw(JSON.stringify({ stmt: "select ?", args: [1], bulk_args: [[1]] }));
    assert.equal(r.status, 400);
    assert.equal(
      r.json.error.message,
      "SQLParseException[request body contains args and bulk_args. It's forbidden to provide both]",
    );
  });

  test("empty args make a simple request and bulk_args is ignored (checked on CrateDB 6.4.3)", async () => {
    const r = await postRaw(JSON.stringify({ stmt: "select 1 as one", args: [], bulk_args: [[1]] }));
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.rows, [[1]]);
  });

  test("bulk_args elements that are not arrays are an HTTP 500 (checked on CrateDB 6.4.3)", async () => {
    const r = await postRaw(JSON.stringify({ stmt: `INSERT INTO ${t} (id) VALUES (?)`, bulk_args: [1] }));
    assert.equal(r.status, 500);
    assert.deepEqual(r.json.error, {
      message:
        "SQLParseSourceException[`bulk_args` must contain a list of `args` (values list). Got unexpected: VALUE_NUMBER]",
      code: 5000,
    });
  });

  test("two statements in one request are a parse error at the second one (checked on CrateDB 6.4.3)", async () => {
    const e = await fails("select 1; select 2");
    assert.equal(e.status, 400);
    assert.equal(e.code, 4000);
    assert.match(e.message, /mismatched input 'select' expecting <EOF>/);
  });

  test("a single trailing semicolon is accepted (checked on CrateDB 6.4.3)", async () => {
    const r = await ok("select 1 as one;");
    assert.deepEqual(r.rows, [[1]]);
  });

  test("statements longer than statement_max_length are refused (checked on CrateDB 6.4.3)", async () => {
    const e = await fails(`select 1 as x${" ".repeat(262150)}`);
    assert.equal(e.status, 400);
    assert.equal(e.code, 4000);
    assert.match(e.message, /Statement exceeds `statement_max_length` \(262144 allowed, \d+ provided\)/);
  });

  test("gzip-compressed request bodies are accepted (checked on CrateDB 6.4.3)", async () => {
    const r = await postRaw(gzipSync(JSON.stringify({ stmt: "select 2 as two" })), {
      headers: { "content-encoding": "gzip" },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.rows, [[2]]);
  });
});

describe("success envelope", () => {
  test("a row-count statement answers cols [], rows [[]], rowcount and a float duration in that key order (checked on CrateDB 6.4.3)", async () => {
    const r = await sql(`INSERT INTO ${t} (id, name) VALUES (?, ?)`, [1, "a"]);
    assert.equal(r.status, 200);
    assert.match(r.headers["content-type"] as string, /^application\/json/);
    assert.deepEqual(Object.keys(r.json), ["cols", "rows", "rowcount", "duration"]);
    assert.deepEqual(r.json.cols, []);
    assert.deepEqual(r.json.rows, [[]]);
    assert.equal(r.json.rowcount, 1);
    assert.equal(typeof r.json.duration, "number");
  });

  test("?types adds col_types after cols, with [] for row-count statements (checked on CrateDB 6.4.3)", async () => {
    const r = await sql(`UPDATE ${t} SET name = ? WHERE id = ?`, ["b", 1], { query: "?types" });
    assert.deepEqual(Object.keys(r.json), ["cols", "col_types", "rows", "rowcount", "duration"]);
    assert.deepEqual(r.json.col_types, []);
  });

  test("col_types carries CrateDB type ids, arrays as [100, inner] (checked on CrateDB 6.4.3)", async () => {
    const r = await sql(
      "select 1::integer as i, 'x'::text as s, true as b, 1::bigint as l, [1, 2] as a, 1.5::double precision as d",
      [],
      { query: "?types=true" },
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.col_types, [9, 4, 3, 10, [100, 9], 6]);
  });

  test("?types=1 is treated as absent (checked on CrateDB 6.4.3)", async () => {
    const r = await sql("select 1 as one", [], { query: "?types=1" });
    assert.equal(r.json.col_types, undefined);
  });

  test("BIGINT beyond 2^53 and NUMERIC travel as exact JSON number literals both ways (checked on CrateDB 6.4.3)", async () => {
    await ok(`INSERT INTO ${t} (id, big, n) VALUES (2, ?, ?)`, [0, "0"]);
    const body = `{"stmt":"UPDATE ${t.replaceAll('"', '\\"')} SET big = ?, n = ? WHERE id = 2","args":[9007199254740993,"12345678901234567890.0123456789"]}`;
    const u = await postRaw(body);
    assert.equal(u.status, 200, u.text);
    const r = await sql(`SELECT big, n FROM ${t} WHERE id = 2`);
    assert.match(r.text, /"rows":\[\[9007199254740993,12345678901234567890\.0123456789\]\]/);
  });

  test("timestamps come back as epoch milliseconds, sub-millisecond digits floored (checked on CrateDB 6.4.3)", async () => {
    await ok(`INSERT INTO ${t} (id, ts) VALUES (3, ?)`, ["2024-01-01T00:00:00.1239Z"]);
    const r = await ok(`SELECT ts FROM ${t} WHERE id = 3`);
    assert.deepEqual(r.rows, [[1704067200123]]);
  });
});

describe("error envelope", () => {
  test("errors carry Name[text] and a code, with the HTTP status from the code range (checked on CrateDB 6.4.3)", async () => {
    const e = await fails(`SELECT * FROM ${q(schema)}."missing"`);
    assert.equal(e.status, 404);
    assert.deepEqual(e.reply.json, {
      error: { message: `RelationUnknown[Relation '${schema}.missing' unknown]`, code: 4041 },
    });
  });

  test("?error_trace adds a top-level error_trace string (checked on CrateDB 6.4.3)", async () => {
    const r = await sql(`SELECT * FROM ${q(schema)}."missing"`, [], { query: "?error_trace=true" });
    assert.equal(typeof r.json.error_trace, "string");
  });

  test("a duplicate primary key on a single-row insert is 409 / 4091 (checked on CrateDB 6.4.3)", async () => {
    await ok(`INSERT INTO ${t} (id) VALUES (10)`);
    const e = await fails(`INSERT INTO ${t} (id) VALUES (10)`);
    assert.equal(e.status, 409);
    assert.equal(e.code, 4091);
    assert.equal(e.message, "DuplicateKeyException[A document with the same primary key exists already]");
  });

  test("an unknown column is 404 / 4043 (checked on CrateDB 6.4.3)", async () => {
    const e = await fails(`INSERT INTO ${t} (id, nope) VALUES (11, 1)`);
    assert.equal(e.status, 404);
    assert.equal(e.code, 4043);
    assert.match(e.message, /^ColumnUnknownException\[Column nope unknown/);
  });

  test("an unknown column in a query is 404 / 4043, qualified or not (checked on CrateDB 6.4.3)", async () => {
    for (const col of ["nope", "t.nope"]) {
      const e = await fails(`SELECT ${col} FROM ${t} AS t`);
      assert.equal(e.status, 404);
      assert.equal(e.code, 4043);
      assert.match(e.message, /^ColumnUnknownException\[Column nope unknown/);
    }
  });

  test("an uncastable argument is 400 / 4000 naming the value and type (checked on CrateDB 6.4.3)", async () => {
    const e = await fails(`INSERT INTO ${t} (id) VALUES (?)`, ["abc"]);
    assert.equal(e.status, 400);
    assert.equal(e.code, 4000);
    assert.equal(e.message, "SQLParseException[Cannot cast value `abc` to type `integer`]");
  });
});

describe("root endpoint", () => {
  test("GET / answers JSON with version.number (checked on CrateDB 6.4.3)", async () => {
    const ep = endpoint();
    const res = await request(`${ep.url}/`, {
      headers: {
        accept: "application/json",
        authorization: `Basic ${Buffer.from(`${ep.username}:${ep.password}`).toString("base64")}`,
      },
    });
    const body = (await res.body.json()) as { ok: boolean; version: { number: string } };
    assert.equal(res.statusCode, 200);
    assert.equal(body.ok, true);
    assert.match(body.version.number, /^\d+\.\d+\.\d+/);
  });
});
