/**
 * Authentication, privileges and TLS (cratedb.md §1.7, §6). Against a real cluster the password
 * test needs host-based auth with the `password` method for the created user (stock crate.yml).
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { Agent, request } from "undici";
import { endpoint, simulatorOnly, simulatorTls, uniqueSchema } from "../helpers/cratedb.ts";
import { basic, fails, ok, q, rows, sql } from "./http.ts";

const schema = uniqueSchema("conf_auth");
const other = uniqueSchema("conf_auth_other");
const user = uniqueSchema("u");
const password = "s3cret-pw";
const s = q(schema);
const as = { user, password };

before(async () => {
  await ok(`CREATE USER ${q(user)} WITH (password = ?)`, [password]);
  await ok(`CREATE TABLE ${s}."t" (id INT PRIMARY KEY, v TEXT)`);
  await ok(`CREATE TABLE ${q(other)}."hidden" (id INT PRIMARY KEY)`);
});
after(async () => {
  await sql(`DROP TABLE IF EXISTS ${s}."t"`);
  await sql(`DROP TABLE IF EXISTS ${s}."created"`);
  await sql(`DROP TABLE IF EXISTS ${q(other)}."hidden"`);
  await sql(`DROP USER IF EXISTS ${q(user)}`);
});

describe("authentication", () => {
  test("a wrong password is a plain-text 401 with the CrateDB realm and no content type (checked on CrateDB 6.4.3)", async () => {
    const r = await sql("SELECT 1", [], { user, password: "wrong" });
    assert.equal(r.status, 401);
    assert.equal(r.headers["content-type"], undefined);
    assert.equal(r.headers["connection"], undefined);
    assert.equal(r.headers["www-authenticate"], 'Basic realm="CrateDB Authenticator"');
    assert.equal(r.json?.error, undefined);
    assert.equal(r.text, `password authentication failed for user "${user}"\n`);
  });

  test("after a 401 the server closes the connection (checked on CrateDB 6.4.3)", async (c) => {
    const url = new URL(endpoint().url);
    if (url.protocol !== "http:") return c.skip("needs a plain HTTP endpoint");
    const socket = connect(Number(url.port || 80), url.hostname);
    const body = JSON.stringify({ stmt: "SELECT 1" });
    let received = "";
    socket.on("data", (d: Buffer) => {
      received += d.toString();
    });
    const closed = new Promise<void>((resolve, reject) => {
      socket.on("end", () => resolve());
      socket.on("error", reject);
      setTimeout(() => reject(new Error(`connection still open; received ${received}`)), 5000).unref();
    });
    socket.write(
      `POST /_sql HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
        `Authorization: ${basic(user, "wrong")}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    try {
      await closed;
    } finally {
      socket.destroy();
    }
    assert.match(received, /^HTTP\/1\.1 401 /);
  });

  test("an unknown user gets the same answer as a wrong password (checked on CrateDB 6.4.3)", async () => {
    const nobody = uniqueSchema("nobody");
    const r = await sql("SELECT 1", [], { user: nobody, password: "x" });
    assert.equal(r.status, 401);
    assert.equal(r.headers["content-type"], undefined);
    assert.equal(r.text, `password authentication failed for user "${nobody}"\n`);
  });

  test("the right password authenticates (checked on CrateDB 6.4.3)", async () => {
    assert.deepEqual(await rows("SELECT current_user AS u", [], as), [[user]]);
  });
});

describe("privileges", () => {
  test("a relation the user holds no privilege on is answered as if it did not exist: 404 / 4045 (checked on CrateDB 6.4.3)", async () => {
    const e = await fails(`SELECT * FROM ${s}."t"`, [], as);
    assert.equal(e.status, 404);
    assert.match(String(e.reply.headers["content-type"]), /^application\/json/);
    assert.equal(e.code, 4045);
    assert.equal(e.message, `SchemaUnknownException[Schema '${schema}' unknown]`);
  });

  test("a user who sees the relation but lacks the privilege type gets a JSON 401 with 4011 naming type and user (checked on CrateDB 6.4.3)", async () => {
    await ok(`GRANT DQL ON SCHEMA ${s} TO ${q(user)}`);
    const e = await fails(`INSERT INTO ${s}."t" (id, v) VALUES (9, 'x')`, [], as);
    assert.equal(e.status, 401);
    assert.match(String(e.reply.headers["content-type"]), /^application\/json/);
    assert.equal(e.code, 4011);
    assert.equal(e.message, `MissingPrivilegeException[Missing 'DML' privilege for user '${user}']`);
  });

  test("schema-level DQL, DML and DDL let a user create, write and read tables there (checked on CrateDB 6.4.3)", async () => {
    await ok(`GRANT DQL, DML, DDL ON SCHEMA ${s} TO ${q(user)}`);
    await ok(`CREATE TABLE ${s}."created" (id INT PRIMARY KEY)`, [], as);
    await ok(`INSERT INTO ${s}."t" (id, v) VALUES (1, 'a')`, [], as);
    assert.deepEqual(await rows(`SELECT v FROM ${s}."t" WHERE id = 1`, [], as), [["a"]]);
  });

  test("information_schema only lists what the user holds privileges on (checked on CrateDB 6.4.3)", async () => {
    await ok(`GRANT DQL ON SCHEMA ${s} TO ${q(user)}`);
    const visible = await rows(
      "SELECT table_schema FROM information_schema.tables WHERE table_schema IN (?, ?) GROUP BY table_schema ORDER BY 1",
      [schema, other],
      as,
    );
    assert.deepEqual(visible, [[schema]]);
  });

  test("a table-level DENY overrides a schema-level GRANT and hides the table: 404 / 4041 (checked on CrateDB 6.4.3)", async () => {
    await ok(`GRANT DML ON SCHEMA ${s} TO ${q(user)}`);
    await ok(`DENY DML ON TABLE ${s}."t" TO ${q(user)}`);
    const e = await fails(`DELETE FROM ${s}."t" WHERE id = 1`, [], as);
    assert.equal(e.status, 404);
    assert.equal(e.code, 4041);
    assert.equal(e.message, `RelationUnknown[Relation '${schema}.t' unknown]`);
    await ok(`REVOKE DML ON TABLE ${s}."t" FROM ${q(user)}`);
    await ok(`DELETE FROM ${s}."t" WHERE id = 1`, [], as);
  });

  test("a table-level grant shows that table only: the schema's other tables and new ones stay unknown (checked on CrateDB 6.4.3)", async () => {
    const o = q(other);
    const e1 = await fails(`CREATE TABLE ${o}."mine" (id INT)`, [], as);
    assert.equal(e1.status, 404);
    assert.equal(e1.code, 4045);
    assert.equal(e1.message, `SchemaUnknownException[Schema '${other}' unknown]`);
    await ok(`GRANT DQL ON TABLE ${o}."hidden" TO ${q(user)}`);
    try {
      assert.deepEqual(await rows(`SELECT count(*) FROM ${o}."hidden"`, [], as), [[0]]);
      assert.equal((await fails(`SELECT * FROM ${o}."missing"`, [], as)).code, 4045);
      const e2 = await fails(`INSERT INTO ${o}."hidden" (id) VALUES (1)`, [], as);
      assert.equal(e2.code, 4011);
      assert.equal(e2.message, `MissingPrivilegeException[Missing 'DML' privilege for user '${user}']`);
    } finally {
      await ok(`REVOKE DQL ON TABLE ${o}."hidden" FROM ${q(user)}`);
    }
  });

  test("CREATE SCHEMA needs cluster-level DDL (checked on CrateDB 6.4.3)", async () => {
    const e = await fails(`CREATE SCHEMA ${q(uniqueSchema("conf_new"))}`, [], as);
    assert.equal(e.code, 4011);
    assert.match(e.message, /Missing 'DDL' privilege/);
  });

  test("user management needs AL (checked on CrateDB 6.4.3)", async () => {
    const e = await fails(`CREATE USER ${q(uniqueSchema("x"))}`, [], as);
    assert.equal(e.code, 4011);
  });
});

describe("TLS", () => {
  test("the HTTPS listener serves /_sql to clients that trust its certificate", async (c) => {
    if (!simulatorOnly(c)) return;
    const tls = simulatorTls();
    if (tls === undefined) return c.skip("the simulator runs without TLS (no openssl)");
    const agent = new Agent({ connect: { ca: tls.caPem } });
    try {
      const res = await request(`${tls.url}/_sql`, {
        method: "POST",
        dispatcher: agent,
        headers: {
          "content-type": "application/json",
          authorization: basic(endpoint().username, endpoint().password),
        },
        body: JSON.stringify({ stmt: "SELECT 1 AS one" }),
      });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(((await res.body.json()) as { rows: unknown }).rows, [[1]]);
    } finally {
      await agent.close();
    }
  });

  test("plain HTTP to the TLS port is an empty 400", async (c) => {
    if (!simulatorOnly(c)) return;
    const tls = simulatorTls();
    if (tls === undefined) return c.skip("the simulator runs without TLS (no openssl)");
    const res = await request(`${tls.url.replace("https:", "http:")}/_sql`, {
      method: "POST",
      body: JSON.stringify({ stmt: "SELECT 1" }),
    });
    assert.equal(res.statusCode, 400);
    assert.equal(await res.body.text(), "");
  });

  test("an untrusted certificate is refused by the client", async (c) => {
    if (!simulatorOnly(c)) return;
    const tls = simulatorTls();
    if (tls === undefined) return c.skip("the simulator runs without TLS (no openssl)");
    const agent = new Agent();
    try {
      await assert.rejects(request(`${tls.url}/`, { dispatcher: agent }));
    } finally {
      await agent.close();
    }
  });
});

describe("user management", () => {
  test("creating an existing user is 409 / 4099 and dropping a missing one 404 / 40410 (checked on CrateDB 6.4.3)", async () => {
    const e1 = await fails(`CREATE USER ${q(user)}`);
    assert.equal(e1.status, 409);
    assert.equal(e1.code, 4099);
    const e2 = await fails(`DROP USER ${q(uniqueSchema("ghost"))}`);
    assert.equal(e2.status, 404);
    assert.equal(e2.code, 40410);
    assert.equal((await ok(`DROP USER IF EXISTS ${q(uniqueSchema("ghost"))}`)).rowcount, 0);
  });

  test("REVOKE ALL takes every privilege away again (checked on CrateDB 6.4.3)", async () => {
    await ok(`GRANT ALL PRIVILEGES ON SCHEMA ${s} TO ${q(user)}`);
    await ok(`REVOKE ALL ON SCHEMA ${s} FROM ${q(user)}`);
    assert.equal((await fails(`SELECT * FROM ${s}."t"`, [], as)).code, 4045);
  });
});
