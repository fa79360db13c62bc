/**
 * Runs once per `npm test` before any test file (node --test-global-setup).
 * Starts the CrateDB simulators the integration test files share, unless CRATEDB_URL points the
 * suite at a real CrateDB. Each simulator is a process of its own (PGlite is single-threaded), so
 * test files running side by side (`--test-concurrency`) keep both cores busy; a test file always
 * talks to the same one (test/helpers/cratedb.ts picks it by the file's path). Test files run as
 * child processes of the runner and inherit the environment set here.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { opensslAvailable } from "./simulator/simulator.ts";

/** One per core of the machines the suite runs on in CI (2). */
const SIMULATORS = 2;
const MAIN = fileURLToPath(new URL("./simulator/main.ts", import.meta.url));

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly httpsUrl: string | undefined;
  readonly caPem: string | undefined;
}

const children: ChildProcess[] = [];
let dir: string | undefined;

/** Starts `npm run simulator -- --port 0` and reads its URLs (and certificate) from its first lines. */
function startOne(tls: boolean): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, "--port", "0", ...(tls ? ["--tls"] : [])], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`the simulator exited with ${code} before listening`)));
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      out += chunk;
      const urls = /listening on (\S+)(?: and (\S+))?\n/.exec(out);
      if (urls === null) return;
      if (tls && !out.includes("-----END CERTIFICATE-----")) return;
      const ca = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/.exec(out)?.[0];
      resolve({ child, url: urls[1]!, httpsUrl: urls[2], caPem: ca });
    });
  });
}

export async function globalSetup(): Promise<void> {
  if (process.env["CRATEDB_URL"]) return;
  const tls = opensslAvailable();
  const sims = await Promise.all(Array.from({ length: SIMULATORS }, () => startOne(tls)));
  process.env["CRATEDB_SIM_URLS"] = sims.map((s) => s.url).join(",");
  const first = sims[0]!;
  if (first.httpsUrl && first.caPem) {
    dir = mkdtempSync(join(tmpdir(), "cratedb-sim-"));
    const ca = join(dir, "ca.pem");
    writeFileSync(ca, first.caPem);
    process.env["CRATEDB_SIM_HTTPS_URL"] = first.httpsUrl;
    process.env["CRATEDB_SIM_CA_FILE"] = ca;
  }
}

export async function globalTeardown(): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    ),
  );
  if (dir) rmSync(dir, { recursive: true, force: true });
}
