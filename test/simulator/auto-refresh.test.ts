/**
 * Options of a separately started simulator (one extra PGlite for this file): periodic refresh
 * and the reported version.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { request } from "undici";
import { type Simulator, startSimulator } from "./simulator.ts";

let sim: Simulator;

before(async () => {
  sim = await startSimulator({ autoRefreshMs: 20, version: "6.1.2" });
});
after(async () => {
  await sim.close();
});

async function sql(stmt: string): Promise<{ rows?: unknown[][]; error?: { code: number; message: string } }> {
  const res = await request(`${sim.url}/_sql`, { method: "POST", body: JSON.stringify({ stmt }) });
  return (await res.body.json()) as { rows?: unknown[][] };
}

test("with autoRefreshMs, writes become visible to searches without REFRESH TABLE", async () => {
  await sql('CREATE TABLE "a"."t" (id INT PRIMARY KEY)');
  await sql('INSERT INTO "a"."t" (id) VALUES (1), (2)');
  let n: unknown;
  for (let i = 0; i < 500 && n !== 2; i++) {
    await sleep(20);
    n = (await sql('SELECT count(*) FROM "a"."t"')).rows?.[0]?.[0];
  }
  assert.equal(n, 2);
});

test("the configured version is reported by GET / and applies its naming rules", async () => {
  const res = await request(`${sim.url}/`, { headers: { accept: "application/json" } });
  assert.equal(((await res.body.json()) as { version: { number: string } }).version.number, "6.1.2");
  const r = await sql('CREATE TABLE "a"."u" ("_fivetran_deleted" BOOLEAN)');
  assert.equal(r.error?.code, 4008);
});
