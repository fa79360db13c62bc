import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { CrateClientOptions } from "../../../src/cratedb/client/options.ts";
import { clientFor, closeAllClients } from "../../../src/cratedb/client/registry.ts";
import { type FakeNode, rowcountOk, startFakeNode } from "./fake-node.ts";

const nodes: FakeNode[] = [];
after(async () => {
  await closeAllClients();
  await Promise.all(nodes.map((n) => n.kill()));
});

const options = (url: string, password: string): CrateClientOptions => ({
  urls: [url],
  username: "fivetran",
  password,
  verifyTls: true,
  requestBytes: 1 << 20,
  concurrency: 2,
  connectTimeoutMs: 1000,
  requestTimeoutMs: 1000,
});

test("equal configurations share one client; a changed password gets a new one", async () => {
  const n = await startFakeNode((_req, res) => rowcountOk(res));
  nodes.push(n);
  const a = clientFor(options(n.url, "one"));
  assert.equal(clientFor({ ...options(n.url, "one") }), a);
  const b = clientFor(options(n.url, "two"));
  assert.notEqual(b, a);
  await b.sql("SELECT 1");
  assert.equal(
    n.requests[0]!.headers.authorization,
    `Basic ${Buffer.from("fivetran:two").toString("base64")}`,
  );
});

test("the number of cached clients is bounded", async () => {
  const n = await startFakeNode((_req, res) => rowcountOk(res));
  nodes.push(n);
  const first = clientFor(options(n.url, "p0"));
  for (let i = 1; i <= 10; i++) clientFor(options(n.url, `p${i}`));
  // The oldest was closed and replaced: asking again builds a fresh client.
  assert.notEqual(clientFor(options(n.url, "p0")), first);
});

test("a client counts as active until its last request has ended, not since it started", async () => {
  let answeredAt = 0;
  const n = await startFakeNode((_req, res) => {
    setTimeout(() => {
      answeredAt = Date.now();
      rowcountOk(res);
    }, 30);
  });
  nodes.push(n);
  const c = clientFor(options(n.url, "slow"));
  await c.sql("UPDATE t SET a = 1");
  assert.ok(c.lastActive >= answeredAt, `${c.lastActive} < ${answeredAt}`);
});
