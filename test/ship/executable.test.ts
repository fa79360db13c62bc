/**
 * The single executable, built once for this platform by the npm script users and the release
 * workflow run (`npm run build:exe`), then run from a folder of its own, without node_modules: its
 * checksum file, --version, and a server that reads Parquet through the WebAssembly module
 * embedded as an asset.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import pkg from "../../package.json" with { type: "json" };
import { exeName } from "../../tools/build.ts";
import { listeningPort, runProcess, spawnProcess } from "../helpers/process.ts";
import { answersFormAndHealth, replaysInput, writesInPrepareThread } from "./served.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = mkdtempSync(path.join(tmpdir(), "ship-exe-"));
const exe = path.join(out, exeName());
// Only what a user's machine has: no npm variables, no node_modules/.bin on PATH.
const env: Record<string, string | undefined> = {
  ...Object.fromEntries(Object.keys(process.env).map((k) => [k, undefined])),
  PATH: "/usr/bin:/bin",
  HOME: out,
  // What the replay's test CrateDB needs is read by this process, not by the executable.
};

before(
  async () => {
    const npmCli = process.env["npm_execpath"];
    const args = ["run", "-s", "build:exe", "--", "--out", out];
    const built =
      npmCli && /npm-cli\.js$/.test(npmCli)
        ? await runProcess(process.execPath, [npmCli, ...args], { cwd: root })
        : await runProcess("npm", args, { cwd: root });
    assert.equal(built.code, 0, built.stderr.join("\n"));
  },
  { timeout: 120_000 },
);
after(() => rmSync(out, { recursive: true, force: true }));

test("one file, with a SHA-256 checksum file in sha256sum's format beside it", (t) => {
  assert.deepEqual(readdirSync(out).sort(), [exeName(), `${exeName()}.sha256`]);
  const size = statSync(exe).size;
  t.diagnostic(`${exeName()}: ${(size / 1024 / 1024).toFixed(1)} MiB`);
  const digest = createHash("sha256").update(readFileSync(exe)).digest("hex");
  assert.equal(readFileSync(`${exe}.sha256`, "utf8"), `${digest}  ${exeName()}\n`);
  if (process.platform !== "linux") return;
  // As docs/install.md checks a local build, and a download against the release's SHA256SUMS,
  // which the release workflow makes from the .sha256 files of all platforms.
  const check = (args: string[]) => execFileSync("sha256sum", args, { cwd: out, encoding: "utf8" });
  assert.equal(check(["--check", `${exeName()}.sha256`]), `${exeName()}: OK\n`);
  const sums = path.join(out, "SHA256SUMS");
  const other = `${"0".repeat(64)}  ${exeName("darwin", "arm64")}\n`;
  writeFileSync(sums, readFileSync(`${exe}.sha256`, "utf8") + other);
  try {
    assert.equal(check(["--check", "--ignore-missing", "SHA256SUMS"]), `${exeName()}: OK\n`);
  } finally {
    rmSync(sums);
  }
});

test("--version names the version, the commit embedded at build time and the embedded Node.js", async () => {
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  } catch {}
  const { code, stdout } = await runProcess(exe, ["--version"], { cwd: out, env });
  assert.equal(code, 0);
  assert.deepEqual(stdout, [
    `cratedb-fivetran-destination version=${pkg.version} commit=${commit} node=${process.version}`,
  ]);
});

test("serves the setup form and health, replays a sync from Parquet files, answers its own health check, and exits 0 on SIGTERM", {
  timeout: 60_000,
}, async (t) => {
  const started = performance.now();
  const args = [
    "--port",
    "0",
    "--host",
    "127.0.0.1",
    "--batch-file-format",
    "parquet",
    "--prepare-threads",
    "1",
  ];
  const server = spawnProcess(exe, args, {
    cwd: out,
    env,
  });
  try {
    const port = await listeningPort(server);
    t.diagnostic(`listening after ${Math.round(performance.now() - started)} ms`);
    await answersFormAndHealth(port);
    await replaysInput(port, "extra/value_extremes.json", "parquet");
    await writesInPrepareThread(port, "parquet");
    const health = await runProcess(exe, ["health", "--port", String(port)], { cwd: out, env });
    assert.deepEqual(health, { code: 0, stdout: ["SERVING"], stderr: [] });
  } finally {
    server.child.kill("SIGTERM");
  }
  assert.deepEqual(await server.exit, { code: 0, signal: null });
  assert.deepEqual(server.stderr, [], "no warnings, the experimental-SEA one included");
});
