/**
 * Calls still waiting on CrateDB when the shutdown deadline passes: whatever they were doing, they
 * answer with the documented shutdown status and message (docs/running.md, Shutdown).
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type * as grpc from "@grpc/grpc-js";
import { DestinationConnector } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { closeAllClients } from "../../src/cratedb/client/registry.ts";
import { type FakeNode, startFakeNode } from "../cratedb/client/fake-node.ts";
import { grpcClient, grpcUnary, startTestServer, until } from "../rpc/server-fixture.ts";

const SHUTDOWN_MESSAGE = "the destination is shutting down";
const m = DestinationConnector.method;
const nodes: FakeNode[] = [];

after(async () => {
  await closeAllClients();
  await Promise.all(nodes.map((n) => n.kill()));
});

/** A CrateDB node that takes every request and never answers it. */
async function stuckNode(): Promise<FakeNode> {
  const n = await startFakeNode(() => {});
  nodes.push(n);
  return n;
}

const calls: [string, (rpc: grpc.Client, configuration: Record<string, string>) => Promise<unknown>][] = [
  [
    "DescribeTable",
    (rpc, configuration) =>
      grpcUnary(rpc, m.describeTable, { configuration, schemaName: "s", tableName: "t" }),
  ],
  [
    "Test authenticate",
    (rpc, configuration) => grpcUnary(rpc, m.test, { configuration, name: "authenticate" }),
  ],
  ["Test connect", (rpc, configuration) => grpcUnary(rpc, m.test, { configuration, name: "connect" })],
];

for (const [name, call] of calls) {
  test(`${name} waiting on CrateDB at the shutdown deadline answers UNAVAILABLE "${SHUTDOWN_MESSAGE}"`, async () => {
    const node = await stuckNode();
    const server = await startTestServer({ shutdownTimeoutMs: 50 });
    const rpc = grpcClient(server.port);
    try {
      const pending = call(rpc, { url: node.url, username: "u", password: "p" });
      await until(() => node.requests.length > 0);
      const stopped = server.server.shutdown();
      await assert.rejects(pending, (err: grpc.ServiceError) => {
        assert.equal(err.code, 14); // UNAVAILABLE: Fivetran retries the sync
        assert.equal(err.details, SHUTDOWN_MESSAGE);
        return true;
      });
      assert.deepEqual(await stopped, { aborted: true });
      const line = server.logs.find((l) => l.message.startsWith(`rpc=${name.split(" ")[0]} `));
      assert.match(
        line?.message ?? "",
        new RegExp(`outcome=error code=Unavailable .*message="${SHUTDOWN_MESSAGE}"`),
      );
    } finally {
      rpc.close();
      await server.close();
    }
  });
}
