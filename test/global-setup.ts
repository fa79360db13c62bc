/**
 * Runs once per `npm test` before any test file (node --test-global-setup).
 * Starts the one CrateDB simulator all integration test files share (one PGlite per run), unless
 * CRATEDB_URL points the suite at a real CrateDB. Test files run as child processes of the
 * runner and inherit the environment set here; test/helpers/cratedb.ts reads it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { opensslAvailable, type Simulator, startSimulator } from "./simulator/simulator.ts";

let sim: Simulator | undefined;
let dir: string | undefined;

export async function globalSetup(): Promise<void> {
  if (process.env["CRATEDB_URL"]) return;
  sim = await startSimulator({ tls: opensslAvailable() });
  process.env["CRATEDB_SIM_URL"] = sim.url;
  if (sim.httpsUrl && sim.caPem) {
    dir = mkdtempSync(join(tmpdir(), "cratedb-sim-"));
    const ca = join(dir, "ca.pem");
    writeFileSync(ca, sim.caPem);
    process.env["CRATEDB_SIM_HTTPS_URL"] = sim.httpsUrl;
    process.env["CRATEDB_SIM_CA_FILE"] = ca;
  }
}

export async function globalTeardown(): Promise<void> {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
