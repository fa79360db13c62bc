import assert from "node:assert/strict";
import net from "node:net";
import { beforeEach, test } from "node:test";
import { fileURLToPath } from "node:url";
import { checkHealth, type HealthOutput } from "../../src/cli/health.ts";
import { freePort, listeningPort, runProcess, spawnProcess } from "../helpers/process.ts";
import { startTestServer } from "../rpc/server-fixture.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

// checkHealth writes one line, to stdout or stderr; the tests collect it.
let written: { stdout: string; stderr: string };
const output: HealthOutput = {
  stdout: (text) => {
    written.stdout += text;
  },
  stderr: (text) => {
    written.stderr += text;
  },
};
beforeEach(() => {
  written = { stdout: "", stderr: "" };
});

test("a serving server: status 0 and SERVING", async () => {
  const server = await startTestServer();
  try {
    assert.equal(await checkHealth({ host: "127.0.0.1", port: server.port, timeoutMs: 5_000 }, output), 0);
    assert.deepEqual(written, { stdout: "SERVING\n", stderr: "" });
  } finally {
    await server.close();
  }
});

test("a server that has begun to shut down: status 1 and NOT_SERVING", async () => {
  const server = await startTestServer();
  try {
    server.server.health.setNotServing();
    assert.equal(await checkHealth({ host: "127.0.0.1", port: server.port, timeoutMs: 5_000 }, output), 1);
    assert.deepEqual(written, { stdout: "NOT_SERVING\n", stderr: "" });
  } finally {
    await server.close();
  }
});

test("no server on the port: status 1 and the reason on stderr", async () => {
  const port = await freePort();
  assert.equal(await checkHealth({ host: "127.0.0.1", port, timeoutMs: 5_000 }, output), 1);
  assert.equal(written.stdout, "");
  assert.match(
    written.stderr,
    /^cratedb-fivetran-destination health: http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/,
  );
});

test("a server that never answers: status 1 once the timeout passes", async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  try {
    const started = performance.now();
    const port = (silent.address() as net.AddressInfo).port;
    assert.equal(await checkHealth({ host: "127.0.0.1", port, timeoutMs: 200 }, output), 1);
    const took = performance.now() - started;
    assert.ok(took >= 150 && took < 3_000, `took ${took} ms`);
    assert.match(written.stderr, /deadline|timed out|timeout/i);
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});

test("as a command, against a running and then a stopped server, on the server's own port variable", async () => {
  const port = await freePort();
  const env = { CRATEDB_DESTINATION_PORT: String(port), CRATEDB_DESTINATION_HOST: "127.0.0.1" };
  const server = spawnProcess(process.execPath, ["src/main.ts"], { cwd: root, env });
  try {
    assert.equal(await listeningPort(server), port);
    const up = await runProcess(process.execPath, ["src/main.ts", "health"], { cwd: root, env });
    assert.deepEqual(up, { code: 0, stdout: ["SERVING"], stderr: [] });
  } finally {
    server.child.kill("SIGTERM");
  }
  assert.deepEqual(await server.exit, { code: 0, signal: null });
  const down = await runProcess(process.execPath, ["src/main.ts", "health", "--timeout", "2"], {
    cwd: root,
    env,
  });
  assert.equal(down.code, 1);
  assert.deepEqual(down.stdout, []);
  assert.match(down.stderr.join("\n"), /ECONNREFUSED/);
});
