/**
 * One client per distinct configuration, shared by all RPCs that use it. The key hashes every
 * option, password included, so a changed password takes effect on the next RPC. Clients idle
 * for a while, or pushed out by newer configurations, are closed once their requests are done.
 */
import { createHash } from "node:crypto";
import { CrateClient } from "./crate-client.ts";
import type { CrateClientOptions } from "./options.ts";

const MAX_CLIENTS = 8;
const IDLE_MS = 10 * 60_000;
/** An RPC may still hold a client the cache let go of; its pools close only after this. */
const RETIRE_GRACE_MS = 10 * 60_000;

const clients = new Map<string, CrateClient>();
const retiring = new Set<CrateClient>();

export function clientFor(options: CrateClientOptions): CrateClient {
  const key = optionsKey(options);
  const cached = clients.get(key);
  if (cached !== undefined) {
    // Map order is the LRU order.
    clients.delete(key);
    clients.set(key, cached);
    return cached;
  }
  sweep();
  const client = new CrateClient(options);
  clients.set(key, client);
  return client;
}

/** Closes every cached client (server shutdown, tests). */
export async function closeAllClients(): Promise<void> {
  const all = [...clients.values(), ...retiring];
  clients.clear();
  retiring.clear();
  await Promise.all(all.map((c) => c.close()));
}

function sweep(): void {
  const now = Date.now();
  for (const [key, client] of clients) {
    const idle = client.inFlight === 0 && now - client.lastActive > IDLE_MS;
    if (idle || (clients.size >= MAX_CLIENTS && client.inFlight === 0)) {
      clients.delete(key);
      // Pool.close() lets queued requests finish; the grace period covers RPCs between requests.
      retiring.add(client);
      setTimeout(
        () => {
          retiring.delete(client);
          void client.close();
        },
        idle ? 0 : RETIRE_GRACE_MS,
      ).unref();
    }
  }
}

function optionsKey(options: CrateClientOptions): string {
  return createHash("sha256").update(stableJson(options)).digest("hex");
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
