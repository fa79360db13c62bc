import assert from "node:assert/strict";
import { test } from "node:test";
import { DestinationConnector } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.ts";
import { WorkerLimit } from "../../src/rpc/worker-limit.ts";
import { grpcClient, grpcUnary, startTestServer, until } from "./server-fixture.ts";

test("a worker limit lets N callers run and queues the rest in arrival order", async () => {
  const limit = new WorkerLimit(2);
  const order: string[] = [];
  const releases = new Map<string, () => void>();
  const take = (name: string) =>
    limit.acquire().then((release) => {
      order.push(name);
      releases.set(name, release);
    });
  const all = ["a", "b", "c", "d", "e"].map(take);
  await until(() => order.length === 2);
  assert.deepEqual(order, ["a", "b"]);
  assert.equal(limit.running, 2);
  assert.equal(limit.waiting, 3);

  releases.get("b")!();
  await until(() => order.length === 3);
  releases.get("b")!(); // releasing twice frees only one slot
  releases.get("a")!();
  await until(() => order.length === 4);
  assert.deepEqual(order, ["a", "b", "c", "d"]);
  assert.equal(limit.running, 2);
  releases.get("c")!();
  releases.get("d")!();
  await Promise.all(all);
  releases.get("e")!();
  assert.equal(limit.running, 0);
  assert.equal(limit.waiting, 0);
});

test("a caller that gives up while queued leaves the queue without taking a slot", async () => {
  const limit = new WorkerLimit(1);
  const first = await limit.acquire();
  const gaveUp = new AbortController();
  const abandoned = limit.acquire(gaveUp.signal);
  const next = limit.acquire();
  gaveUp.abort(new Error("client went away"));
  await assert.rejects(abandoned, /client went away/);
  assert.equal(limit.waiting, 1);
  first();
  const release = await next;
  assert.equal(limit.running, 1);
  release();
  assert.equal(limit.running, 0);
});

test("a worker limit below 1 is refused", () => {
  assert.throws(() => new WorkerLimit(0), RangeError);
  assert.throws(() => new WorkerLimit(1.5), RangeError);
});

test("with --max-workers 1 the server runs one RPC at a time and serves the waiting ones in order", async () => {
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  const t = await startTestServer({
    maxWorkers: 1,
    handlers: {
      async writeBatch(req) {
        started.push(req.schemaName);
        await new Promise<void>((resolve) => gates.set(req.schemaName, resolve));
        return { response: { case: "success", value: true } };
      },
    },
  });
  const client = grpcClient(t.port);
  try {
    const call = (schemaName: string) =>
      grpcUnary(client, DestinationConnector.method.writeBatch, { schemaName }).then((r) => r.response.case);
    const a = call("a");
    await until(() => started.length === 1);
    const b = call("b");
    await until(() => t.server.workerLimit.waiting === 1);
    const c = call("c");
    await until(() => t.server.workerLimit.waiting === 2);
    // Cheap RPCs queue too: the limit covers every destination RPC.
    const caps = grpcUnary(client, DestinationConnector.method.capabilities, {});
    await until(() => t.server.workerLimit.waiting === 3);
    assert.deepEqual(started, ["a"]);
    // Health and reflection are outside the limit: probes answer while destination calls wait.
    const health = await grpcUnary(client, Health.method.check, {});
    assert.equal(health.status, HealthCheckResponse_ServingStatus.SERVING);

    gates.get("a")!();
    await until(() => started.length === 2);
    assert.deepEqual(started, ["a", "b"]);
    gates.get("b")!();
    await until(() => started.length === 3);
    gates.get("c")!();
    assert.deepEqual(await Promise.all([a, b, c]), ["success", "success", "success"]);
    await caps;
    assert.deepEqual(started, ["a", "b", "c"]);
  } finally {
    client.close();
    await t.close();
  }
});
