import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client } from "undici";
import { endpoint, SIM_VERSION_HEADER, simulatorOnly, uniqueSchema } from "../helpers/cratedb.ts";
import { fails, ok, q, rows, sql } from "./http.ts";

const schema = uniqueSchema("conf_meta");
const s = q(schema);
const t = `${s}."m"`;

before(async () => {
  await ok(
    `CREATE TABLE ${t} (id BIGINT, k TEXT, amount NUMERIC(18, 4), at TIMESTAMP WITH TIME ZONE, note TEXT NOT NULL, body TEXT INDEX OFF STORAGE WITH (columnstore = false), PRIMARY KEY (id, k)) CLUSTERED INTO 2 SHARDS WITH (number_of_replicas = '0-1')`,
  );
});
after(async () => {
  await sql(`DROP TABLE IF EXISTS ${t}`);
});

describe("information_schema", () => {
  test("columns report CrateDB type strings, YES/NO nullability, numeric precision with NULL scale (checked on CrateDB 6.4.3)", async () => {
    const r = await rows(
      "SELECT column_name, data_type, is_nullable, numeric_precision, numeric_scale, datetime_precision FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
      [schema, "m"],
    );
    assert.deepEqual(r, [
      ["id", "bigint", "NO", 64, null, null],
      ["k", "text", "NO", null, null, null],
      ["amount", "numeric", "YES", 18, null, null],
      ["at", "timestamp with time zone", "YES", null, null, 3],
      ["note", "text", "NO", null, null, null],
      ["body", "text", "YES", null, null, null],
    ]);
  });

  test("the primary key is listed in key_column_usage in key order under <table>_pkey (checked on CrateDB 6.4.3)", async () => {
    const r = await rows(
      "SELECT constraint_name, column_name, ordinal_position FROM information_schema.key_column_usage WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
      [schema, "m"],
    );
    assert.deepEqual(r, [
      ["m_pkey", "id", 1],
      ["m_pkey", "k", 2],
    ]);
  });

  test("table_constraints lists the primary key and a NOT NULL check for every NOT NULL column, key columns included (checked on CrateDB 6.4.3)", async () => {
    const r = await rows(
      "SELECT constraint_name, constraint_type FROM information_schema.table_constraints WHERE table_schema = ? AND table_name = ? ORDER BY constraint_type DESC, constraint_name",
      [schema, "m"],
    );
    assert.deepEqual(r, [
      ["m_pkey", "PRIMARY KEY"],
      [`${schema}_m_id_not_null`, "CHECK"],
      [`${schema}_m_k_not_null`, "CHECK"],
      [`${schema}_m_note_not_null`, "CHECK"],
    ]);
  });

  test("tables also lists the system tables (checked on CrateDB 6.4.3)", async () => {
    const r = await rows(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('information_schema', 'sys') AND table_name IN ('columns', 'nodes') ORDER BY 1",
    );
    assert.deepEqual(r, [
      ["information_schema", "columns"],
      ["sys", "nodes"],
    ]);
  });

  test("tables report shards, replicas and settings; schemata lists the schema (checked on CrateDB 6.4.3)", async () => {
    const r = await rows(
      "SELECT table_type, number_of_shards, number_of_replicas FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
      [schema, "m"],
    );
    assert.deepEqual(r, [["BASE TABLE", 2, "0-1"]]);
    const sc = await rows("SELECT schema_name FROM information_schema.schemata WHERE schema_name = ?", [
      schema,
    ]);
    assert.deepEqual(sc, [[schema]]);
  });
});

describe("SHOW CREATE TABLE", () => {
  test("renders NUMERIC(p, s), the primary key and storage options (checked on CrateDB 6.4.3)", async () => {
    const r = await ok(`SHOW CREATE TABLE ${t}`);
    assert.deepEqual(r.cols, [`SHOW CREATE TABLE ${schema}.m`]);
    const ddl = r.rows[0][0] as string;
    assert.match(ddl, new RegExp(`^CREATE TABLE IF NOT EXISTS "${schema}"\\."m" \\(`));
    assert.match(ddl, /"amount" NUMERIC\(18, 4\)/);
    assert.match(ddl, /PRIMARY KEY \("id", "k"\)/);
    assert.match(ddl, /"body" TEXT INDEX OFF STORAGE WITH \(\s*columnstore = false\s*\)/);
    assert.match(ddl, /INTO 2 SHARDS/);
  });
});

describe("version", () => {
  test("version() and sys.nodes report the same version as GET / (checked on CrateDB 6.4.3)", async () => {
    const [[v]] = (await rows("SELECT version() AS v")) as [[string]];
    const [[n]] = (await rows("SELECT version['number'] AS n FROM sys.nodes")) as [[string]];
    assert.match(v, new RegExp(`^CrateDB ${n.replaceAll(".", "\\.")}`));
  });

  test("sys.cluster names the cluster and its master node, which sys.nodes lists (checked on CrateDB 6.4.3)", async () => {
    const [[name, master]] = (await rows("SELECT name, master_node FROM sys.cluster")) as [[string, string]];
    assert.equal(typeof name, "string");
    assert.deepEqual(await rows("SELECT count(*) AS n FROM sys.nodes WHERE id = ?", [master]), [[1]]);
  });

  test("current_user is the authenticated user (checked on CrateDB 6.4.3)", async () => {
    assert.deepEqual(await rows("SELECT current_user AS u"), [[endpoint().username]]);
  });
});

describe("identifier rules by version", () => {
  test("before 6.2, `_`-prefixed lowercase names are rejected as system column patterns", async (c) => {
    if (!simulatorOnly(c)) return;
    const headers = { [SIM_VERSION_HEADER]: "6.1.2" };
    const name = `${s}."legacy"`;
    const e = await fails(`CREATE TABLE ${name} ("_fivetran_synced" TIMESTAMP)`, [], { headers });
    assert.equal(e.code, 4008);
    assert.match(e.message, /"_fivetran_synced" conflicts with system column pattern/);
    await ok(`CREATE TABLE ${name} ("__fivetran_synced" TIMESTAMP, "_Foo" INT, "_foo1" INT)`, [], {
      headers,
    });
    await ok(`DROP TABLE ${name}`);
  });

  test("before 6.2, CREATE SCHEMA does not exist", async (c) => {
    if (!simulatorOnly(c)) return;
    const e = await fails(`CREATE SCHEMA ${q(uniqueSchema("x"))}`, [], {
      headers: { [SIM_VERSION_HEADER]: "6.1.2" },
    });
    assert.equal(e.code, 4000);
  });
});

describe("sessions", () => {
  test("SET search_path sticks to the connection (checked on CrateDB 6.4.3)", async () => {
    const url = endpoint().url;
    const one = new Client(url, { pipelining: 1 });
    try {
      await ok(`SET search_path TO ${s}`, [], { url, dispatcher: one });
      const r = await sql("SELECT count(*) AS n FROM m", [], { url, dispatcher: one });
      assert.equal(r.status, 200, r.text);
    } finally {
      await one.close();
    }
  });

  test("the first Default-Schema of a connection wins; later ones on the same connection are ignored (checked on CrateDB 6.4.3)", async () => {
    const url = endpoint().url;
    const first = new Client(url, { pipelining: 1 });
    try {
      const r1 = await sql("SELECT count(*) AS n FROM m", [], {
        url,
        dispatcher: first,
        headers: { "default-schema": schema },
      });
      assert.equal(r1.status, 200, r1.text);
      const r2 = await sql("SELECT count(*) AS n FROM m", [], {
        url,
        dispatcher: first,
        headers: { "default-schema": "doc" },
      });
      assert.equal(r2.status, 200, r2.text);
    } finally {
      await first.close();
    }
    const second = new Client(url, { pipelining: 1 });
    try {
      const r3 = await sql("SELECT count(*) AS n FROM m", [], {
        url,
        dispatcher: second,
        headers: { "default-schema": "doc" },
      });
      assert.equal(r3.status, 404);
    } finally {
      await second.close();
    }
  });
});

describe("queries", () => {
  test("avg() is DOUBLE PRECISION, count(*) BIGINT (checked on CrateDB 6.4.3)", async () => {
    const r = await sql(
      "SELECT avg(x) AS a, count(*) AS n FROM (SELECT 1 AS x UNION ALL SELECT 2) AS s",
      [],
      { query: "?types" },
    );
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.col_types, [6, 10]);
    assert.deepEqual(r.json.rows, [[1.5, 2]]);
  });

  test("common table expressions, joins and aggregates run (checked on CrateDB 6.4.3)", async () => {
    const r = await rows(
      `WITH x AS (SELECT id FROM ${t}) SELECT count(*) AS n FROM x JOIN ${t} AS m2 ON m2.id = x.id`,
    );
    assert.deepEqual(r, [[0]]);
  });
});

describe("functions", () => {
  test("date_format renders MySQL-style specifiers, by default with six fraction digits (checked on CrateDB 6.4.3)", async () => {
    const r = await rows(
      "SELECT date_format(CAST(? AS TIMESTAMP WITH TIME ZONE)) AS a, date_format('%Y/%m/%d %H:%i', CAST(? AS TIMESTAMP WITH TIME ZONE)) AS b",
      [1704067200123, 1704067200123],
    );
    assert.deepEqual(r, [["2024-01-01T00:00:00.123000Z", "2024/01/01 00:00"]]);
  });
});
