import assert from "node:assert/strict";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import { CrateDbError } from "../../../src/cratedb/errors.ts";
import { setLogSink } from "../../../src/log.ts";
import { TEST_CERT, TEST_KEY } from "./tls-fixture.ts";

let url = "";
const server = createServer({ cert: TEST_CERT, key: TEST_KEY, keepAliveTimeout: 10 }, (_req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end('{"cols":["x"],"rows":[[1]],"rowcount":1,"duration":0.1}');
});
const clients: CrateClient[] = [];

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  server.closeAllConnections();
  server.close();
});

function client(verifyTls: boolean, caPem?: string): CrateClient {
  const c = new CrateClient({
    urls: [url],
    username: "crate",
    password: "",
    verifyTls,
    ...(caPem === undefined ? {} : { caPem }),
    requestBytes: 1 << 20,
    concurrency: 1,
    connectTimeoutMs: 2000,
    requestTimeoutMs: 2000,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, totalMs: 1000 },
  });
  clients.push(c);
  return c;
}

test("https with verification and the CA certificate supplied connects", async () => {
  assert.deepEqual((await client(true, TEST_CERT).sql("SELECT 1")).rows, [[1]]);
});

test("https with verification and no CA fails with a TLS error saying what to do", async () => {
  await assert.rejects(client(true).sql("SELECT 1"), (error) => {
    assert.ok(error instanceof CrateDbError);
    assert.equal(error.code, "CRATEDB_TLS");
    assert.equal(error.kind, "user");
    assert.match(
      error.summary,
      /^https:\/\/127\.0\.0\.1:\d+: self-signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/,
    );
    assert.match(error.message, /supply the CA certificate/);
    return true;
  });
});

test("https without verification connects and warns on every new connection", async () => {
  const lines: string[] = [];
  const previous = setLogSink((line) => lines.push(line));
  try {
    assert.deepEqual((await client(false).sql("SELECT 1")).rows, [[1]]);
  } finally {
    setLogSink(previous);
  }
  const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.level === "WARNING");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0].message, /TLS certificate verification is off/);
});

test("plain http to an https port suggests https://", async () => {
  const c = new CrateClient({
    urls: [url.replace("https:", "http:")],
    username: "crate",
    password: "",
    verifyTls: true,
    requestBytes: 1 << 20,
    concurrency: 1,
    connectTimeoutMs: 2000,
    requestTimeoutMs: 2000,
    retry: { maxAttempts: 1 },
  });
  clients.push(c);
  await assert.rejects(c.sql("SELECT 1"), (error) => {
    assert.ok(error instanceof CrateDbError);
    assert.match(error.message, /If the node serves HTTPS, the URL must start with https:\/\//);
    return true;
  });
});

test("https to a plain-http port says the node does not serve TLS there", async () => {
  const plain = createHttpServer((_req, res) => res.end("{}"));
  await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
  const c = new CrateClient({
    urls: [`https://127.0.0.1:${(plain.address() as AddressInfo).port}`],
    username: "crate",
    password: "",
    verifyTls: true,
    requestBytes: 1 << 20,
    concurrency: 1,
    connectTimeoutMs: 2000,
    requestTimeoutMs: 2000,
    retry: { maxAttempts: 1 },
  });
  clients.push(c);
  try {
    await assert.rejects(c.sql("SELECT 1"), (error) => {
      assert.ok(error instanceof CrateDbError);
      assert.equal(error.code, "CRATEDB_NOT_TLS");
      assert.match(
        error.message,
        /: no TLS on this port\. The node does not serve HTTPS on this port: use an http:\/\/ URL/,
      );
      return true;
    });
  } finally {
    plain.closeAllConnections();
    plain.close();
  }
});
