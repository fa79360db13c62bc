import assert from "node:assert/strict";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { test } from "node:test";
import { clientFixture, rejection } from "./client-fixture.ts";
import { bulkOk, crateError, deadUrl, json, rowcountOk } from "./fake-node.ts";

const { client, node } = clientFixture();

test("a statement is posted as JSON with basic auth and its result parsed", async () => {
  const n = await node((_req, res) =>
    json(res, 200, { cols: ["a"], rows: [[9223372036854775807n.toString()]], rowcount: 1 }),
  );
  const result = await client([n.url]).sql('SELECT "a" FROM "s"."t" WHERE "id" = ?', [5n]);
  assert.deepEqual(result, { cols: ["a"], rows: [["9223372036854775807"]], rowcount: 1 });
  const seen = n.requests[0]!;
  assert.equal(seen.method, "POST");
  assert.equal(seen.url, "/_sql");
  // Every statement leads with a comment carrying its own query id (found in sys.jobs by it).
  assert.match(
    seen.raw,
    /^\{"stmt":"\/\* fivetran q=[0-9a-f]{12} \*\/ SELECT \\"a\\" FROM \\"s\\"\.\\"t\\" WHERE \\"id\\" = \?","args":\[5\]\}$/,
  );
  assert.equal(seen.headers.authorization, `Basic ${Buffer.from("fivetran:s3cret").toString("base64")}`);
  assert.equal(seen.headers["content-type"], "application/json");
});

test("a tagged client prefixes every statement with the RPC name and request id", async () => {
  const n = await node((req, res) => (req.body?.bulk_args ? bulkOk(req, res) : rowcountOk(res)));
  const tagged = client([n.url]).withTag("WriteBatch", "r-42 */ DROP");
  await tagged.sql("REFRESH TABLE x");
  await tagged.bulk("INSERT INTO x VALUES (?)", [[1]]);
  assert.equal(n.requests[0]!.body?.stmt, "REFRESH TABLE x");
  assert.equal(n.requests[1]!.body?.stmt, "INSERT INTO x VALUES (?)");
  for (const seen of n.requests.slice(0, 2))
    assert.match(seen.comment ?? "", /^\/\* fivetran:WriteBatch req=r-42____DROP q=[0-9a-f]{12} \*\/ $/);
  assert.notEqual(n.requests[0]!.comment, n.requests[1]!.comment, "each request has its own query id");
});

test("a path prefix in the URL is kept in front of /_sql", async () => {
  const n = await node((_req, res) => rowcountOk(res));
  await client([`${n.url}/crate/`]).sql("SELECT 1");
  assert.equal(n.requests[0]!.url, "/crate/_sql");
});

test("a refused connection is retried on the next node and the node is skipped afterwards", async () => {
  const dead = await deadUrl();
  const n = await node((_req, res) => rowcountOk(res, 7));
  const c = client([dead, n.url]);
  for (let i = 0; i < 4; i++) assert.equal((await c.sql("UPDATE t SET a = 1")).rowcount, 7);
  assert.equal(n.requests.length, 4);
});

test("when every node refuses, the error names each node and why", async () => {
  const [a, b] = [await deadUrl(), await deadUrl()];
  const error = await rejection(client([a, b]).sql("SELECT 1"));
  assert.equal(error.code, "CRATEDB_UNREACHABLE");
  assert.equal(error.kind, "transient");
  assert.match(error.message, /^Could not reach any CrateDB node/);
  assert.ok(error.message.includes(`${a}: connection refused`), error.message);
  assert.ok(error.message.includes(`${b}: connection refused`), error.message);
  assert.ok(!error.message.includes("s3cret"));
});

test("503 is retried with backoff until the node answers", async () => {
  const n = await node((_req, res, i) =>
    i < 2 ? crateError(res, 503, 5030, "ClusterBlockException[no master]") : rowcountOk(res, 3),
  );
  assert.equal((await client([n.url]).sql("DELETE FROM t")).rowcount, 3);
  assert.equal(n.requests.length, 3);
});

test("retries stop after the configured attempts with the last error", async () => {
  const n = await node((_req, res) => crateError(res, 503, 5032, "NoNodeAvailable[no node]"));
  const error = await rejection(client([n.url]).sql("SELECT 1"));
  assert.equal(error.code, "CRATEDB_UNAVAILABLE");
  assert.equal(error.crateCode, 5032);
  assert.equal(error.httpStatus, 503);
  assert.equal(n.requests.length, 4);
});

test("a connection reset mid-response is retried for idempotent statements only", async () => {
  const n = await node((req, res) => {
    if (
      req.body?.stmt === "first" ||
      n.requests.filter((r) => r.body?.stmt === req.body?.stmt).length === 1
    ) {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"cols":[],"ro');
      res.socket?.destroy();
      return;
    }
    rowcountOk(res);
  });
  const c = client([n.url]);
  assert.equal((await c.sql("upsert")).rowcount, 1);
  assert.equal(n.requests.filter((r) => r.body?.stmt === "upsert").length, 2);

  const error = await rejection(c.sql("first", [], { idempotent: false }));
  assert.equal(error.code, "CRATEDB_CONNECTION_LOST");
  assert.equal(n.requests.filter((r) => r.body?.stmt === "first").length, 1);
});

test("a response slower than the request timeout fails, and is not repeated when not idempotent", async () => {
  const n = await node((_req, res) => {
    setTimeout(() => rowcountOk(res), 1500).unref();
  });
  const c = client([n.url], { requestTimeoutMs: 150 });
  const error = await rejection(c.sql("INSERT INTO t VALUES (1)", [], { idempotent: false }));
  assert.equal(error.code, "CRATEDB_TIMEOUT");
  assert.match(error.message, /no response within 0.15 s/);
  assert.equal(n.requests.length, 1);
});

test("a slow response is retried when idempotent, and succeeds once the node is fast again", async () => {
  const n = await node((_req, res, i) => {
    if (i === 0) setTimeout(() => rowcountOk(res), 1500).unref();
    else rowcountOk(res, 2);
  });
  const result = await client([n.url], { requestTimeoutMs: 150 }).sql("UPDATE t SET a = 1");
  assert.equal(result.rowcount, 2);
  assert.equal(n.requests.length, 2);
});

test("an aborted request is not retried", async () => {
  const controller = new AbortController();
  // The RPC is cancelled while the node is working on the request: abort once it has arrived.
  const n = await node((_req, res) => {
    controller.abort(new Error("RPC cancelled"));
    setTimeout(() => rowcountOk(res), 500).unref();
  });
  const pending = client([n.url]).sql("SELECT 1", [], { signal: controller.signal });
  const error = await rejection(pending);
  assert.equal(error.code, "CRATEDB_ABORTED");
  assert.equal(n.requests.length, 1);
});

test("SQL errors are never retried and keep CrateDB's code, status and message", async () => {
  const n = await node((_req, res) =>
    crateError(res, 401, 4011, "MissingPrivilegeException[Missing 'DDL' privilege for user 'fivetran']"),
  );
  const error = await rejection(client([n.url]).sql("CREATE TABLE t (a INT)"));
  assert.equal(error.code, "CRATEDB_PRIVILEGE");
  assert.equal(error.kind, "user");
  assert.equal(error.crateCode, 4011);
  assert.equal(error.httpStatus, 401);
  assert.match(
    error.message,
    /^CrateDB error 4011: MissingPrivilegeException\[Missing 'DDL' privilege for user 'fivetran'\]/,
  );
  assert.equal(n.requests.length, 1);
});

test("a plain-text 401 is an authentication error telling what to check", async () => {
  const n = await node((_req, res) => {
    res.writeHead(401, {
      "content-type": "text/plain",
      "www-authenticate": 'Basic realm="CrateDB Authenticator"',
    });
    res.end('password authentication failed for user "fivetran"');
  });
  const error = await rejection(client([n.url]).sql("SELECT 1"));
  assert.equal(error.code, "CRATEDB_AUTH");
  assert.equal(error.crateCode, undefined);
  assert.match(
    error.message,
    /HTTP 401: password authentication failed for user "fivetran"\. Check the username and password/,
  );
  assert.equal(n.requests.length, 1);
});

test("an echoed request body is not repeated in the error", async () => {
  const n = await node((req, res) =>
    crateError(
      res,
      400,
      4000,
      `SQLParseException[Can't parse [${req.raw}]. Expecting payload with \`stmt\` string]`,
    ),
  );
  const error = await rejection(client([n.url]).sql("SELECT ?", ["very-private-value"]));
  assert.ok(!error.message.includes("very-private-value"), error.message);
});

test("GET / on every node reports versions and the unreachable ones", async () => {
  const n = await node((_req, res) =>
    json(res, 200, { ok: true, status: 200, version: { number: "6.2.4" } }),
  );
  const dead = await deadUrl();
  const probes = await client([n.url, dead]).probeNodes();
  assert.equal(probes[0]!.version, "6.2.4");
  assert.equal(probes[1]!.error?.code, "CRATEDB_UNREACHABLE");
  assert.equal(n.requests[0]!.method, "GET");
});

test("a node that accepts TCP but never completes the TLS handshake times out and the next node takes over", async () => {
  const silent = createNetServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const sockets = new Set<import("node:net").Socket>();
  silent.on("connection", (s) => sockets.add(s));
  const n = await node((_req, res) => rowcountOk(res, 5));
  try {
    const silentUrl = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const c = client([silentUrl, n.url], { connectTimeoutMs: 150 });
    assert.equal((await c.sql("SELECT 1")).rowcount, 5);
    // undici checks connect timeouts on a coarse (~1 s) timer; one attempt keeps this test short.
    const once = { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, totalMs: 1000 };
    const error = await rejection(
      client([silentUrl], { connectTimeoutMs: 150, retry: once }).sql("SELECT 1"),
    );
    assert.equal(error.code, "CRATEDB_UNREACHABLE");
    assert.match(
      error.message,
      new RegExp(`^Could not reach CrateDB \\(${silentUrl}: no connection within 0.15 s`),
    );
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test("a proxy's HTML error page is not copied into the error", async () => {
  const n = await node((_req, res) => {
    res.writeHead(502, { "content-type": "text/html" });
    res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
  });
  const error = await rejection(client([n.url], { retry: { maxAttempts: 1 } }).sql("SELECT 1"));
  assert.equal(error.code, "CRATEDB_GATEWAY");
  assert.equal(error.message, `${n.url} answered HTTP 502`);
});
