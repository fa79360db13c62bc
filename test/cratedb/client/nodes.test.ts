import assert from "node:assert/strict";
import { test } from "node:test";
import { backoffDelay } from "../../../src/cratedb/client/backoff.ts";
import { NodeList } from "../../../src/cratedb/client/nodes.ts";

test("nodes are handed out round-robin", () => {
  const list = new NodeList(["http://a:4200", "http://b:4200", "http://c:4200"], 30_000, () => 0);
  assert.deepEqual(
    Array.from({ length: 6 }, () => list.pick().url),
    ["http://a:4200", "http://b:4200", "http://c:4200", "http://a:4200", "http://b:4200", "http://c:4200"],
  );
});

test("a node marked down is skipped until its cool-down ends, then used again", () => {
  let now = 1000;
  const list = new NodeList(["http://a:4200", "http://b:4200"], 30_000, () => now);
  list.markDown(list.nodes[0]!);
  assert.deepEqual([list.pick().url, list.pick().url], ["http://b:4200", "http://b:4200"]);
  now += 30_000;
  assert.deepEqual(new Set([list.pick().url, list.pick().url]), new Set(["http://a:4200", "http://b:4200"]));
});

test("when every node is down, the one whose cool-down ends first is tried", () => {
  let now = 0;
  const list = new NodeList(["http://a:4200", "http://b:4200"], 30_000, () => now);
  list.markDown(list.nodes[1]!);
  now = 10;
  list.markDown(list.nodes[0]!);
  assert.equal(list.pick().url, "http://b:4200");
  assert.equal(list.hasOtherAvailable(list.nodes[0]!), false);
});

test("the URL's path becomes the prefix and its origin the pool key", () => {
  const [node] = new NodeList(["https://proxy.example.com:8443/crate"], 1).nodes;
  assert.deepEqual([node!.origin, node!.prefix], ["https://proxy.example.com:8443", "/crate"]);
});

test("backoff grows exponentially up to the cap, with full jitter below it", () => {
  const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000, totalMs: 60_000 };
  const top = (n: number) => backoffDelay(policy, n, () => 0.999_999);
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(top), [99, 199, 399, 799, 999, 999]);
  assert.equal(
    backoffDelay(policy, 3, () => 0),
    0,
  );
});
