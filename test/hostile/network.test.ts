/**
 * Hostile networks: connections reset by servers that do or do not speak TLS, and the advice the
 * errors give for each; HTTP/2 clients that keep connections to the server open while idle.
 */
import assert from "node:assert/strict";
import http2 from "node:http2";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import { after, test } from "node:test";
import { createServer as createTlsServer } from "node:tls";
import { Health } from "../../gen/grpc/health/v1/health_pb.ts";
import { clientFixture, rejection } from "../cratedb/client/client-fixture.ts";
import { TEST_CERT, TEST_KEY } from "../cratedb/client/tls-fixture.ts";
import { grpcClient, grpcUnary, startTestServer } from "../rpc/server-fixture.ts";

const { client, node } = clientFixture();
const servers: { server: Server; sockets: Set<Socket> }[] = [];
after(() => {
  for (const { server, sockets } of servers) {
    for (const s of sockets) s.destroy();
    server.close();
  }
});

/** A TCP server on loopback; `onSocket` decides what each connection gets. */
async function tcpServer(onSocket: (socket: Socket) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    onSocket(socket);
  });
  servers.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const once = { retry: { maxAttempts: 1 } };
const HTTPS_ADVICE = /https:\/\//;

test("a plain-HTTP server that resets the connection gets no advice to use https://", async () => {
  // Reads the request, then resets: an overloaded or restarting node, nothing to do with TLS.
  const url = await tcpServer((socket) => socket.once("data", () => socket.resetAndDestroy()));
  const error = await rejection(client([url], once).sql("SELECT 1"));
  assert.equal(error.code, "CRATEDB_CONNECTION_LOST");
  // Nobody answers afterwards either, so whether the statement ran is unknown (settle.ts).
  assert.equal(
    error.message,
    `${url}: connection reset (outcome unknown: CrateDB could not be asked whether the statement still runs)`,
  );
  assert.equal(error.hint, undefined);

  const [probe] = await client([url], once).probeNodes();
  assert.equal(probe?.error?.code, "CRATEDB_CONNECTION_LOST");
  assert.doesNotMatch(probe?.error?.message ?? "", HTTPS_ADVICE);
});

test("a plain-HTTP server (or proxy) answering 400 gets no advice to use https://", async () => {
  const n = await node((_req, res) => {
    res.writeHead(400, { "content-type": "text/plain" });
    res.end("header too large");
  });
  const error = await rejection(client([n.url]).sql("SELECT 1"));
  assert.equal(error.code, "CRATEDB_BAD_REQUEST");
  assert.equal(error.summary, `${n.url} answered HTTP 400: header too large`);
  assert.doesNotMatch(error.message, /https:\/\//);
});

test("an http:// URL to a port that speaks TLS and answers plain HTTP with 400 is told to use https://", async () => {
  // Like CrateDB with TLS on its HTTP port: TLS clients get TLS, plain HTTP an empty 400.
  const tls = createTlsServer({ cert: TEST_CERT, key: TEST_KEY }, (socket) => socket.end());
  const url = await tcpServer((socket) => {
    socket.once("data", (first: Buffer) => {
      if (first[0] === 0x16) {
        socket.pause();
        socket.unshift(first);
        tls.emit("connection", socket);
      } else {
        socket.end("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
      }
    });
  });
  const error = await rejection(client([url], once).sql("SELECT 1"));
  assert.equal(error.code, "CRATEDB_BAD_REQUEST");
  assert.equal(
    error.message,
    `${url} answered HTTP 400. If the node serves HTTPS, the URL must start with https://.`,
  );
});

test("an http:// URL to a port that speaks TLS and drops plain HTTP is told to use https://", async () => {
  const tls = createTlsServer({ cert: TEST_CERT, key: TEST_KEY }, (socket) => socket.end());
  const url = await tcpServer((socket) => {
    socket.once("data", (first: Buffer) => {
      if (first[0] === 0x16) {
        socket.pause();
        socket.unshift(first);
        tls.emit("connection", socket);
      } else socket.resetAndDestroy();
    });
  });
  const error = await rejection(client([url], once).sql("SELECT 1"));
  assert.equal(error.code, "CRATEDB_CONNECTION_LOST");
  assert.equal(
    error.message,
    `${url}: connection reset (outcome unknown: CrateDB could not be asked whether the statement still runs). If the node serves HTTPS, the URL must start with https://.`,
  );
});

/** One Connect-protocol JSON call on an open HTTP/2 session. */
function h2Post(session: http2.ClientHttp2Session, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ":method": "POST", ":path": path, "content-type": "application/json" });
    let status = 0;
    const chunks: Buffer[] = [];
    req.on("response", (headers) => {
      status = Number(headers[":status"]);
    });
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve({ status, body: Buffer.concat(chunks).toString() }));
    req.on("error", reject);
    req.end("{}");
  });
}

/** Milliseconds until `session` closes, or undefined when it is still open after `limitMs`. */
function closedWithin(session: http2.ClientHttp2Session, limitMs: number): Promise<number | undefined> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), limitMs);
    session.once("close", () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

test("an HTTP/2 connection left idle is closed with GOAWAY after the idle timeout", async () => {
  const t = await startTestServer({ h2IdleTimeoutMs: 200 });
  const used = http2.connect(t.baseUrl);
  const unused = http2.connect(t.baseUrl);
  try {
    const goaway = new Promise<number>((resolve) => used.once("goaway", (code) => resolve(code)));
    const answer = await h2Post(used, "/grpc.health.v1.Health/Check");
    assert.deepEqual(answer, { status: 200, body: '{"status":"SERVING"}' });
    const [usedClosed, unusedClosed] = await Promise.all([
      closedWithin(used, 3_000),
      closedWithin(unused, 3_000),
    ]);
    assert.ok(usedClosed !== undefined && usedClosed >= 100, `used connection closed after ${usedClosed} ms`);
    assert.ok(unusedClosed !== undefined, "a connection that never made a call is closed too");
    assert.equal(await goaway, http2.constants.NGHTTP2_NO_ERROR);
    // The server keeps serving: the client's next call opens a new connection.
    const next = http2.connect(t.baseUrl);
    assert.equal((await h2Post(next, "/grpc.health.v1.Health/Check")).status, 200);
    next.close();
  } finally {
    used.destroy();
    unused.destroy();
    await t.close();
  }
});

test("a call that runs longer than the idle timeout keeps its HTTP/2 connection", async () => {
  const t = await startTestServer({
    h2IdleTimeoutMs: 150,
    handlers: {
      async describeTable() {
        await new Promise((resolve) => setTimeout(resolve, 700));
        return { response: { case: "notFound", value: true } };
      },
    },
  });
  const session = http2.connect(t.baseUrl);
  try {
    const closed = closedWithin(session, 5_000);
    const answer = await h2Post(session, "/fivetran_sdk.v2.DestinationConnector/DescribeTable");
    assert.deepEqual(answer, { status: 200, body: '{"notFound":true}' });
    assert.equal(session.closed, false);
    // Once the call is over, the idle timeout applies again.
    assert.notEqual(await closed, undefined);
  } finally {
    session.destroy();
    await t.close();
  }
});

test("a gRPC client whose idle connection was closed makes its next call on a new one", async () => {
  const t = await startTestServer({ h2IdleTimeoutMs: 100 });
  const client = grpcClient(t.port);
  try {
    assert.equal((await grpcUnary(client, Health.method.check, {})).status, 1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal((await grpcUnary(client, Health.method.check, {})).status, 1);
  } finally {
    client.close();
    await t.close();
  }
});
