/**
 * Clients and fake nodes for one test file, closed after it; retry warnings stay out of the
 * test output.
 */
import assert from "node:assert/strict";
import { after } from "node:test";
import { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import type { CrateClientOptions } from "../../../src/cratedb/client/options.ts";
import { CrateDbError } from "../../../src/cratedb/errors.ts";
import { setLogSink } from "../../../src/log.ts";
import { type FakeNode, type Handler, startFakeNode } from "./fake-node.ts";

export function clientFixture(): {
  client(urls: string[], overrides?: Partial<CrateClientOptions>): CrateClient;
  node(handler: Handler): Promise<FakeNode>;
} {
  setLogSink(() => {});
  const clients: CrateClient[] = [];
  const nodes: FakeNode[] = [];
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(nodes.map((n) => n.kill()));
  });
  return {
    client(urls, overrides = {}) {
      const c = new CrateClient({
        urls,
        username: "fivetran",
        password: "s3cret",
        verifyTls: true,
        requestBytes: 1 << 20,
        concurrency: 2,
        connectTimeoutMs: 1000,
        requestTimeoutMs: 2000,
        retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5, totalMs: 5000 },
        ...overrides,
      });
      clients.push(c);
      return c;
    },
    async node(handler) {
      const n = await startFakeNode(handler);
      nodes.push(n);
      return n;
    },
  };
}

/** The CrateDbError a call fails with. */
export async function rejection(promise: Promise<unknown>): Promise<CrateDbError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CrateDbError, `expected a CrateDbError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the call to fail");
}
