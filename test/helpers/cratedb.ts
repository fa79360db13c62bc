/**
 * Where integration tests find CrateDB: the simulator started by test/global-setup.ts, or a real
 * cluster named by CRATEDB_URL (+ CRATEDB_USER, CRATEDB_PASSWORD).
 */
import { readFileSync } from "node:fs";
import type { TestContext } from "node:test";

export interface Endpoint {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** True when this is the simulator (simulator-only powers available). */
  readonly simulated: boolean;
}

export function endpoint(): Endpoint {
  const real = process.env["CRATEDB_URL"];
  if (real) {
    return {
      url: real.replace(/\/+$/, ""),
      username: process.env["CRATEDB_USER"] ?? "crate",
      password: process.env["CRATEDB_PASSWORD"] ?? "",
      simulated: false,
    };
  }
  const sims = (process.env["CRATEDB_SIM_URLS"] ?? "").split(",").filter((u) => u !== "");
  const sim = sims[fileHash() % Math.max(1, sims.length)];
  if (!sim) {
    throw new Error(
      "No CrateDB endpoint: run tests through `npm test` (or pass --test-global-setup=test/global-setup.ts) or set CRATEDB_URL",
    );
  }
  return { url: sim, username: "crate", password: "", simulated: true };
}

/** The test file this process runs, hashed: each file always talks to the same simulator. */
function fileHash(): number {
  let h = 0;
  for (const ch of process.argv[1] ?? "") h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return h;
}

let counter = 0;

/** A fresh schema name (lower case, unquoted-safe) so concurrently running test files never collide. */
export function uniqueSchema(prefix: string): string {
  const rnd = Math.random().toString(36).slice(2, 8);
  return `${prefix}_${process.pid}_${++counter}_${rnd}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}

/**
 * For tests that need simulator-only powers (version switch header, TLS listener with its CA):
 * skips the test against a real CrateDB and returns false; returns true on the simulator.
 */
export function simulatorOnly(t: TestContext): boolean {
  if (endpoint().simulated) return true;
  t.skip("needs the CrateDB simulator");
  return false;
}

/** The simulator's HTTPS listener and the PEM of its self-signed certificate, if running. */
export function simulatorTls(): { readonly url: string; readonly caPem: string } | undefined {
  const url = process.env["CRATEDB_SIM_HTTPS_URL"];
  const ca = process.env["CRATEDB_SIM_CA_FILE"];
  if (!url || !ca || process.env["CRATEDB_URL"]) return undefined;
  return { url, caPem: readFileSync(ca, "utf8") };
}

/**
 * Header that makes the simulator apply another version's rules to one request (e.g. "6.1.0" for
 * the pre-6.2 `_` name pattern). A real CrateDB ignores it.
 */
export const SIM_VERSION_HEADER = "x-simulator-version";
