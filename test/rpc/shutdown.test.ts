import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { test } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type * as grpc from "@grpc/grpc-js";
import { DestinationConnector } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import {
  Health,
  HealthCheckRequestSchema,
  type HealthCheckResponse,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as Status,
} from "../../gen/grpc/health/v1/health_pb.ts";
import { grpcClient, grpcUnary, startTestServer, until } from "./server-fixture.ts";

function connectError(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code));
  });
}

test("shutdown lets a running call finish and refuses new connections meanwhile", async () => {
  let release: () => void = () => {};
  let started = false;
  const t = await startTestServer({
    shutdownTimeoutMs: 60_000,
    handlers: {
      async writeBatch() {
        started = true;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { response: { case: "success", value: true } };
      },
    },
  });
  const client = grpcClient(t.port);
  try {
    const call = grpcUnary(client, DestinationConnector.method.writeBatch, { schemaName: "s" });
    await until(() => started);
    const stopped = t.server.shutdown();
    assert.equal(await connectError(t.port), "ECONNREFUSED");
    assert.equal(t.server.inFlight, 1);
    release();
    assert.equal((await call).response.case, "success");
    assert.deepEqual(await stopped, { aborted: false });
  } finally {
    client.close();
    await t.close();
  }
});

test("at the shutdown deadline running calls see their signal abort and answer UNAVAILABLE", async () => {
  let started = false;
  const t = await startTestServer({
    shutdownTimeoutMs: 50,
    handlers: {
      async writeBatch(_req, ctx) {
        started = true;
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
        throw ctx.signal.reason;
      },
    },
  });
  const client = grpcClient(t.port);
  try {
    const call = grpcUnary(client, DestinationConnector.method.writeBatch, { schemaName: "s" });
    await until(() => started);
    const stopped = t.server.shutdown();
    await assert.rejects(call, (err: grpc.ServiceError) => {
      assert.equal(err.code, 14); // UNAVAILABLE: Fivetran retries the sync
      assert.equal(err.details, "the destination is shutting down");
      return true;
    });
    assert.deepEqual(await stopped, { aborted: true });
  } finally {
    client.close();
    await t.close();
  }
});

test("a health Watch sees NOT_SERVING when shutdown begins, then its stream ends", async () => {
  const t = await startTestServer();
  const client = grpcClient(t.port);
  try {
    const statuses: number[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      const call = client.makeServerStreamRequest(
        `/${Health.typeName}/Watch`,
        (m: unknown) =>
          Buffer.from(toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, m as never))),
        (b: Buffer) => fromBinary(HealthCheckResponseSchema, b),
        { service: "" },
      );
      call.on("data", (m: HealthCheckResponse) => statuses.push(m.status));
      call.on("end", resolve);
      call.on("error", reject);
    });
    await until(() => statuses.length === 1);
    assert.deepEqual(statuses, [Status.SERVING]);
    const stopped = t.server.shutdown();
    await ended;
    assert.deepEqual(statuses, [Status.SERVING, Status.NOT_SERVING]);
    assert.deepEqual(await stopped, { aborted: false });
  } finally {
    client.close();
    await t.close();
  }
});

test("shutdown closes idle keep-alive connections of HTTP/1.1 and HTTP/2 clients", async () => {
  const t = await startTestServer();
  const agent = new http.Agent({ keepAlive: true });
  const client = grpcClient(t.port);
  try {
    await grpcUnary(client, Health.method.check, {});
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const req = http.request(
        `${t.baseUrl}/${Health.typeName}/Check`,
        { method: "POST", agent, headers: { "content-type": "application/json" } },
        (res) => {
          assert.equal(res.statusCode, 200);
          res.resume();
          res.on("end", () => resolve(req.socket!));
        },
      );
      req.on("error", reject);
      req.end("{}");
    });
    // The connection stays open for reuse until the server closes it.
    assert.equal(socket.destroyed, false);
    const socketClosed = new Promise((resolve) => socket.once("close", resolve));
    await t.server.shutdown();
    await socketClosed;
    const READY = 2; // grpc-js connectivity state: the HTTP/2 connection is no longer usable
    await until(() => client.getChannel().getConnectivityState(false) !== READY);
    assert.equal(await connectError(t.port), "ECONNREFUSED");
  } finally {
    agent.destroy();
    client.close();
    await t.close();
  }
});

test("a connection that never sends a byte is closed after the sniffing timeout", async () => {
  const t = await startTestServer({ sniffTimeoutMs: 50 });
  try {
    const socket = net.connect(t.port, "127.0.0.1");
    const received: Buffer[] = [];
    socket.on("data", (b: Buffer) => received.push(b));
    await new Promise((resolve) => socket.once("close", resolve));
    assert.equal(Buffer.concat(received).length, 0);
  } finally {
    await t.close();
  }
});

test("by default the server listens on IPv6 and IPv4 at once", async (ctx) => {
  const t = await startTestServer({ host: undefined });
  try {
    if (t.server.host !== "::") {
      ctx.skip("IPv6 is not available here; the server fell back to IPv4 only");
      return;
    }
    for (const host of ["127.0.0.1", "::1"]) {
      const client = grpcClient(t.port, host);
      try {
        const res = await grpcUnary(client, Health.method.check, {});
        assert.equal(res.status, Status.SERVING, host);
      } finally {
        client.close();
      }
    }
  } finally {
    await t.close();
  }
});
