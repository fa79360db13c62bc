import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import net from "node:net";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Health } from "../../gen/grpc/health/v1/health_pb.ts";
import * as v1 from "../../gen/grpc/reflection/v1/reflection_pb.ts";
import pkg from "../../package.json" with { type: "json" };
import { listeningPort, type Proc, spawnProcess } from "../helpers/process.ts";
import { grpcClient, grpcUnary, until } from "../rpc/server-fixture.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = "src/main.ts";

function launch(args: string[], env: Record<string, string> = {}, entry = MAIN): Proc {
  return spawnProcess(process.execPath, [entry, ...args], { cwd: root, env });
}

/** The checkout's commit as `git rev-parse` tells it, or "unknown" where git is missing. */
function checkoutCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}
const VERSION_FIELDS = `version=${pkg.version} commit=${checkoutCommit()} node=${process.version}`;

test("--version prints the package version, the checkout's git commit and the Node.js version", async () => {
  const p = launch(["--version"]);
  assert.deepEqual(await p.exit, { code: 0, signal: null });
  assert.deepEqual(p.stdout, [`cratedb-fivetran-destination ${VERSION_FIELDS}`]);
});

test("the bin shim runs the same entry point", async () => {
  const p = launch(["--version"], {}, "bin/cratedb-fivetran-destination.js");
  assert.deepEqual(await p.exit, { code: 0, signal: null });
  assert.deepEqual(p.stdout, [`cratedb-fivetran-destination ${VERSION_FIELDS}`]);
});

test("--help lists every option with its environment variable", async () => {
  const p = launch(["--help"]);
  assert.deepEqual(await p.exit, { code: 0, signal: null });
  const text = p.stdout.join("\n");
  for (const flag of [
    "--port",
    "--host",
    "--max-workers",
    "--log-level",
    "--batch-file-format",
    "--shutdown-timeout",
  ]) {
    assert.ok(text.includes(flag), flag);
  }
  assert.ok(text.includes("CRATEDB_DESTINATION_PORT"));
});

test("an unknown flag exits with status 2 and one line on stderr", async () => {
  const p = launch(["--prot", "50052"]);
  assert.deepEqual(await p.exit, { code: 2, signal: null });
  assert.deepEqual(p.stderr, ["cratedb-fivetran-destination: unknown option --prot (see --help)"]);
  assert.deepEqual(p.stdout, []);
});

test("a bad value from the environment exits with status 2 naming the variable", async () => {
  const p = launch([], { CRATEDB_DESTINATION_BATCH_FILE_FORMAT: "avro" });
  assert.deepEqual(await p.exit, { code: 2, signal: null });
  assert.equal(p.stderr.length, 1);
  assert.match(p.stderr[0]!, /CRATEDB_DESTINATION_BATCH_FILE_FORMAT: expected csv or parquet$/);
});

test("the server answers, then exits 0 on SIGTERM, logging only JSON lines", async () => {
  const p = launch(["--port", "0", "--host", "127.0.0.1"]);
  const port = await listeningPort(p);
  const client = grpcClient(port);
  try {
    assert.equal((await grpcUnary(client, Health.method.check, {})).status, 1);
  } finally {
    client.close();
  }
  p.child.kill("SIGTERM");
  assert.deepEqual(await p.exit, { code: 0, signal: null });
  assert.deepEqual(p.stderr, []);
  for (const line of p.stdout) {
    const parsed = JSON.parse(line) as Record<string, string>;
    assert.deepEqual(Object.keys(parsed), ["level", "message", "message-origin"]);
    assert.ok(["INFO", "WARNING", "SEVERE"].includes(parsed.level!));
    assert.equal(parsed["message-origin"], "sdk_destination");
  }
  const first = JSON.parse(p.stdout[0]!) as { message: string };
  assert.match(first.message, /^listening on 127\.0\.0\.1:\d+ /);
  assert.ok(first.message.includes(` ${VERSION_FIELDS} `), first.message);
});

/** Opens a reflection stream and keeps it open: a call in flight that only the client ends. */
async function openStream(port: number) {
  const client = grpcClient(port);
  const call = client.makeBidiStreamRequest(
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    (m: v1.ServerReflectionRequest) => Buffer.from(toBinary(v1.ServerReflectionRequestSchema, m)),
    (b: Buffer) => fromBinary(v1.ServerReflectionResponseSchema, b),
  );
  call.on("error", () => {});
  const first = new Promise((resolve) => call.once("data", resolve));
  call.write(
    create(v1.ServerReflectionRequestSchema, { messageRequest: { case: "listServices", value: "" } }),
  );
  await first;
  return client;
}

test("a second signal during shutdown exits at once", async () => {
  const p = launch(["--port", "0", "--host", "127.0.0.1", "--shutdown-timeout", "600"]);
  const port = await listeningPort(p);
  const client = await openStream(port);
  try {
    p.child.kill("SIGTERM");
    await until(() => p.stdout.some((l) => l.includes("SIGTERM received")));
    assert.equal(p.child.exitCode, null, "still waiting for the open call");
    p.child.kill("SIGINT");
    assert.deepEqual(await p.exit, { code: 130, signal: null });
  } finally {
    client.close();
  }
});

test("the same signal twice at once, as npm passes on a terminal's Ctrl-C, is one graceful shutdown", async () => {
  const p = launch(["--port", "0", "--host", "127.0.0.1"]);
  await listeningPort(p);
  p.child.kill("SIGINT");
  p.child.kill("SIGINT");
  assert.deepEqual(await p.exit, { code: 0, signal: null });
  assert.ok(p.stdout.some((l) => l.includes("shutdown complete")));
  assert.ok(!p.stdout.some((l) => l.includes("received again")));
});

test("when the shutdown deadline passes the server aborts running calls and still exits 0", async () => {
  const p = launch(["--port", "0", "--host", "127.0.0.1", "--shutdown-timeout=0.1"]);
  const port = await listeningPort(p);
  const client = await openStream(port);
  try {
    p.child.kill("SIGINT");
    assert.deepEqual(await p.exit, { code: 0, signal: null });
    assert.ok(p.stdout.some((l) => l.includes("running calls were aborted")));
  } finally {
    client.close();
  }
});

test("a port already in use exits 1 with a SEVERE line saying so", async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const p = launch(["--port", String(port), "--host", "127.0.0.1"]);
    assert.deepEqual(await p.exit, { code: 1, signal: null });
    const last = JSON.parse(p.stdout.at(-1)!) as { level: string; message: string };
    assert.equal(last.level, "SEVERE");
    assert.match(last.message, /port is in use/);
  } finally {
    blocker.close();
  }
});
