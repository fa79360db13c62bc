/**
 * Hostile timing: statements that run longer than undici's own 300 s limits, and responses that
 * trickle in slower than the configured request timeout.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildConnector, Pool } from "undici";
import { CLIENT_DEFAULTS, type CrateClientOptions } from "../../src/cratedb/client/options.ts";
import { poolOptions } from "../../src/cratedb/client/transport.ts";
import { RANGES } from "../../src/rpc/config.ts";
import { clientFixture, rejection } from "../cratedb/client/client-fixture.ts";

const { client, node } = clientFixture();

/** undici's defaults for headersTimeout and bodyTimeout. */
const UNDICI_DEFAULT_MS = 300_000;

const options = (requestTimeoutMs: number): CrateClientOptions => ({
  ...CLIENT_DEFAULTS,
  urls: ["http://127.0.0.1:4200"],
  requestTimeoutMs,
});

test("the node pools take undici's header and body timeouts from the configured request timeout", async () => {
  const connect = buildConnector({});
  for (const seconds of [RANGES.requestTimeoutSeconds.min, 600, RANGES.requestTimeoutSeconds.max]) {
    const built = poolOptions(options(seconds * 1000), connect);
    assert.equal(built.headersTimeout, seconds * 1000, `headersTimeout for ${seconds} s`);
    assert.equal(built.bodyTimeout, seconds * 1000, `bodyTimeout for ${seconds} s`);
    // undici accepts them (it validates when the pool opens its first connection).
    const pool = new Pool("http://127.0.0.1:1", built);
    await pool.close();
  }
  // The default request timeout (600 s) is beyond undici's defaults: left to them, every
  // statement would be cut off at 300 s.
  assert.ok(CLIENT_DEFAULTS.requestTimeoutMs > UNDICI_DEFAULT_MS);
  assert.equal(poolOptions(options(CLIENT_DEFAULTS.requestTimeoutMs), connect).headersTimeout, 600_000);
});

test("a body that pauses mid-way succeeds while the request timeout allows it", async () => {
  // Headers at once, then a pause: the body timeout (time between body chunks) must not be
  // shorter than the request timeout.
  const n = await node((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"cols":[],"rows":[[]],');
    setTimeout(() => res.end('"rowcount":4,"duration":1}'), 1_200).unref();
  });
  const c = client([n.url], { requestTimeoutMs: 3_000 });
  assert.equal((await c.sql("UPDATE t SET a = 1")).rowcount, 4);
});

test("a response that trickles in past the request timeout fails with the configured time in the message", async () => {
  const n = await node((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"cols":[],"rows":[');
    // A byte every 200 ms keeps the connection busy, so only the overall limit can stop it.
    const timer = setInterval(() => res.write(" "), 200);
    res.once("close", () => clearInterval(timer));
  });
  const started = Date.now();
  const error = await rejection(
    client([n.url], { requestTimeoutMs: 1_000 }).sql("INSERT INTO t VALUES (1)", [], { idempotent: false }),
  );
  const elapsed = Date.now() - started;
  assert.equal(error.code, "CRATEDB_TIMEOUT");
  assert.match(error.message, /: no response within 1 s\. Raise the request timeout/);
  assert.ok(elapsed >= 950 && elapsed < 2_500, `failed after ${elapsed} ms`);
  assert.equal(n.requests.length, 1);
});

test("a node that never answers fails after the configured time, named in seconds", async () => {
  const n = await node(() => {});
  const error = await rejection(
    client([n.url], { requestTimeoutMs: 700 }).sql("SELECT 1", [], { idempotent: false }),
  );
  assert.equal(error.code, "CRATEDB_TIMEOUT");
  assert.match(error.message, new RegExp(`^${n.url}: no response within 0.7 s`));
});
