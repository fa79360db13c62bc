/**
 * Hostile networks: connections reset by servers that do or do not speak TLS, and the advice the
 * errors give for each.
 */
import assert from "node:assert/strict";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import { after, test } from "node:test";
import { createServer as createTlsServer } from "node:tls";
import { clientFixture, rejection } from "../cratedb/client/client-fixture.ts";
import { TEST_CERT, TEST_KEY } from "../cratedb/client/tls-fixture.ts";

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
  assert.equal(error.message, `${url}: connection reset`);
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
  assert.equal(error.message, `${n.url} answered HTTP 400: header too large`);
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
    `${url}: connection reset. If the node serves HTTPS, the URL must start with https://.`,
  );
});
