/**
 * A request held on the way to CrateDB past the client's timeout, then released after the call has
 * answered, must not change the table: the destination settles a request whose outcome is unknown
 * before sending it again (src/cratedb/client/settle.ts), and its writes carry a deadline CrateDB
 * refuses them after (src/cratedb/sql/fence.ts).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { CrateClient } from "../../src/cratedb/client/crate-client.ts";
import { createTable } from "../../src/ops/table/create.ts";
import { truncate } from "../../src/ops/table/truncate.ts";
import type { TableDef } from "../../src/table-def.ts";
import { batchDir } from "../helpers/batch-writer.ts";
import { endpoint, uniqueSchema } from "../helpers/cratedb.ts";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.ts";
import { call, col, dropSchema, selectRows, testClient } from "../helpers/ops.ts";
import { runWriteBatch, U } from "../helpers/write-batch.ts";

const schema = uniqueSchema("hostile_late");
const T1 = "2024-01-01T00:00:00Z";
const T2 = "2024-01-02T00:00:00Z";
const ITEMS: TableDef = {
  name: "items",
  columns: [col("id", "INT", true), col("v", "INT"), col("_fivetran_synced", "UTC_DATETIME")],
};
const ids = Array.from({ length: 300 }, (_, i) => String(i + 1));

let proxy: FaultProxy;
let dir: string;
let cleanup: () => Promise<void>;

before(async () => {
  proxy = await startFaultProxy(endpoint().url);
  ({ dir, cleanup } = await batchDir());
});
after(async () => {
  const client = testClient();
  await dropSchema(client, schema);
  await client.close();
  await proxy.close();
  await cleanup();
});

/** A client through the proxy that gives up on a request after a short time. */
const slowNetworkClient = (): CrateClient =>
  testClient({
    urls: [proxy.url],
    requestTimeoutMs: 1_500,
    retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 },
  });

async function table(name: string) {
  const ref = { schema, table: name };
  const client = testClient();
  await createTable(call(client), ref, { ...ITEMS, name }, {});
  await client.close();
  return ref;
}

async function values(ref: { schema: string; table: string }): Promise<Set<unknown>> {
  const client = testClient();
  const rows = await selectRows(client, ref, ["id", "v"]);
  await client.close();
  assert.equal(rows.length, ids.length);
  return new Set(rows.map((r) => r[1]));
}

test("a replace held past the timeout and released after the call answered changes nothing", async () => {
  const ref = await table("held_replace");
  let first = true;
  proxy.hold = (stmt) => {
    // The first bulk INSERT of the call: the replace rows with v = 1.
    if (!first || !stmt.includes("INSERT INTO")) return false;
    first = false;
    return true;
  };
  const client = slowNetworkClient();
  try {
    await runWriteBatch(client, dir, ref, ITEMS, {
      replace: [{ rows: ids.map((id) => [id, "1", T1]) }],
      update: [{ rows: ids.map((id) => [id, "2", U]) }],
    });
  } finally {
    proxy.hold = () => false;
    await client.close();
  }
  assert.deepEqual(await values(ref), new Set([2]));
  assert.equal(proxy.held.length, 1);
  const late = await proxy.held.shift()!.release();
  assert.equal(late.status, 400, late.text);
  assert.match(late.text, /ln\(x\): given arguments would result in/);
  assert.deepEqual(await values(ref), new Set([2]), "the late request must not undo the update");
});

test("an update held past the timeout and released after a later call answered changes nothing", async () => {
  const ref = await table("held_update");
  const client = slowNetworkClient();
  try {
    await runWriteBatch(client, dir, ref, ITEMS, { replace: [{ rows: ids.map((id) => [id, "1", T1]) }] });
    let first = true;
    proxy.hold = (stmt) => {
      if (!first || !stmt.startsWith("/* fivetran") || !stmt.includes("UPDATE")) return false;
      first = false;
      return true;
    };
    await runWriteBatch(client, dir, ref, ITEMS, { update: [{ rows: ids.map((id) => [id, "2", U]) }] });
    proxy.hold = () => false;
    // A later sync writes v = 3; then the first call's held update arrives.
    await runWriteBatch(client, dir, ref, ITEMS, { update: [{ rows: ids.map((id) => [id, "3", U]) }] });
  } finally {
    proxy.hold = () => false;
    await client.close();
  }
  assert.equal(proxy.held.length, 1);
  const late = await proxy.held.shift()!.release();
  assert.match(late.text, /ln\(x\): given arguments would result in/);
  assert.deepEqual(await values(ref), new Set([3]));
});

test("a truncate held past the timeout and released after later rows arrived deletes none of them", async () => {
  const ref = await table("held_truncate");
  const client = slowNetworkClient();
  try {
    await runWriteBatch(client, dir, ref, ITEMS, { replace: [{ rows: ids.map((id) => [id, "1", T1]) }] });
    let first = true;
    proxy.hold = (stmt) => {
      if (!first || !stmt.includes("DELETE FROM")) return false;
      first = false;
      return true;
    };
    // Everything synced before T2 goes (every row), the cutoff given as the Fivetran request does.
    await truncate(call(client), { ref, syncedColumn: "_fivetran_synced", deleteBeforeMs: Date.parse(T2) });
    proxy.hold = () => false;
    // The next sync brings the rows back, synced before the held truncate's cutoff.
    await runWriteBatch(client, dir, ref, ITEMS, { replace: [{ rows: ids.map((id) => [id, "4", T1]) }] });
  } finally {
    proxy.hold = () => false;
    await client.close();
  }
  assert.equal(proxy.held.length, 1);
  await proxy.held.shift()!.release();
  assert.deepEqual(await values(ref), new Set([4]));
});
