import assert from "node:assert/strict";
import { test } from "node:test";
import { DestinationConnector } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { KeyedLocks, lockKeys } from "../../src/rpc/table-locks.ts";
import { grpcClient, grpcUnary, startTestServer, until } from "./server-fixture.ts";

const tick = () => new Promise((resolve) => setImmediate(resolve));

test("one key is held by one caller at a time, in arrival order; other keys are free", async () => {
  const locks = new KeyedLocks();
  const order: string[] = [];
  const first = await locks.acquire(["t"]);
  const second = locks.acquire(["t"]).then((release) => {
    order.push("second");
    return release;
  });
  const third = locks.acquire(["t"]).then((release) => {
    order.push("third");
    return release;
  });
  const other = await locks.acquire(["u"]); // not held up by "t"
  await tick();
  assert.deepEqual(order, []);
  first();
  (await second)();
  (await third)();
  other();
  assert.deepEqual(order, ["second", "third"]);
  await tick();
  assert.equal(locks.size, 0);
});

test("a waiter that gives up keeps the order for those behind it", async () => {
  const locks = new KeyedLocks();
  const holder = await locks.acquire(["t"]);
  const abort = new AbortController();
  const gaveUp = locks.acquire(["t"], abort.signal);
  let last = false;
  const behind = locks.acquire(["t"]).then((release) => {
    last = true;
    return release;
  });
  abort.abort(new Error("cancelled"));
  await assert.rejects(gaveUp, /cancelled/);
  await tick();
  assert.equal(last, false, "the waiter behind must still wait for the holder");
  holder();
  (await behind)();
});

test("several keys are taken in one order, so two callers locking a pair can't deadlock", async () => {
  const locks = new KeyedLocks();
  const results = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const release = await locks.acquire(i % 2 === 0 ? ["a", "b"] : ["b", "a"]);
      await tick();
      release();
      return i;
    }),
  );
  assert.equal(results.length, 20);
});

test("lock keys name the cluster, schema and every table a request may change", () => {
  const configuration = { url: "https://c:4200", password: "x" };
  assert.deepEqual(lockKeys({ configuration, schemaName: "s", table: { name: "t" } }), [
    '["https://c:4200","s","t"]',
  ]);
  assert.deepEqual(lockKeys({ configuration, schemaName: "s", tableName: "t" }), [
    '["https://c:4200","s","t"]',
  ]);
  assert.deepEqual(
    lockKeys({
      configuration,
      details: {
        schema: "s",
        table: "a",
        operation: {
          case: "rename",
          value: { entity: { case: "renameTable", value: { fromTable: "a", toTable: "b" } } },
        },
      },
    }).sort(),
    ['["https://c:4200","s","a"]', '["https://c:4200","s","b"]'],
  );
  assert.deepEqual(lockKeys({}), []);
});

test("mutating calls on one table run one after another; other tables and reads are not held up", async () => {
  const running = new Map<string, number>();
  let overlap = 0;
  const gates: (() => void)[] = [];
  const t = await startTestServer({
    maxWorkers: 8,
    handlers: {
      async writeBatch(req) {
        const table = req.table?.name ?? "";
        const now = (running.get(table) ?? 0) + 1;
        running.set(table, now);
        if (now > 1) overlap++;
        await new Promise<void>((resolve) => gates.push(resolve));
        running.set(table, (running.get(table) ?? 1) - 1);
        return { response: { case: "success", value: true } };
      },
      async describeTable() {
        return { response: { case: "notFound", value: true } };
      },
    },
  });
  const client = grpcClient(t.port);
  try {
    const call = (table: string) =>
      grpcUnary(client, DestinationConnector.method.writeBatch, { schemaName: "s", table: { name: table } });
    let settled = 0;
    const counted = (p: Promise<unknown>) => p.finally(() => settled++);
    const same = Array.from({ length: 4 }, () => counted(call("t")));
    const other = counted(call("u"));
    await until(() => gates.length === 2); // one on "t", one on "u"
    const read = await grpcUnary(client, DestinationConnector.method.describeTable, {
      schemaName: "s",
      tableName: "t",
    });
    assert.equal(read.response.case, "notFound");
    while (settled < 5) {
      gates.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all([...same, other]);
    assert.equal(overlap, 0);
  } finally {
    client.close();
    await t.close();
  }
});
