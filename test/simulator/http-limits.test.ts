import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { request } from "undici";
import type { Engine } from "./engine.ts";
import { createHandler } from "./http.ts";
import { Privileges } from "./privileges.ts";

// The body limit is checked before any statement runs, so an engine without PG is enough here.
const engine = {
  privileges: new Privileges({}),
  version: { number: "6.2.4", legacyUnderscoreRule: false },
} as unknown as Engine;
const server = createServer(createHandler(engine, { maxContentLength: 64, nodeName: "t" }));
let url = "";

before(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

test("a body over http.max_content_length is answered 413 with an empty body [unconfirmed]", async () => {
  const res = await request(`${url}/_sql`, {
    method: "POST",
    body: JSON.stringify({ stmt: `select '${"x".repeat(100)}'` }),
  });
  assert.equal(res.statusCode, 413);
  assert.equal(await res.body.text(), "");
});

test("the limit applies to the decompressed body", async () => {
  const { gzipSync } = await import("node:zlib");
  const body = gzipSync(JSON.stringify({ stmt: `select '${"x".repeat(500)}'` }));
  assert.ok(body.length < 64);
  const res = await request(`${url}/_sql`, { method: "POST", body, headers: { "content-encoding": "gzip" } });
  assert.equal(res.statusCode, 413);
  await res.body.dump();
});
