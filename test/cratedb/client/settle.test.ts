import assert from "node:assert/strict";
import { test } from "node:test";
import { jobPattern, SettleError, Settler } from "../../../src/cratedb/client/settle.ts";
import { clientFixture, rejection } from "./client-fixture.ts";
import { json, rowcountOk } from "./fake-node.ts";

const LATE = "SQLParseException[ln(x): given arguments would result in: '-Infinity']";

/** A CrateDB of statements: a clock (offset from ours), sys.jobs as a list, KILL removing after `lag` polls. */
function fakeCrate(options: { offsetMs?: number; jobs?: string[]; lag?: number; down?: boolean } = {}) {
  const jobs = [...(options.jobs ?? [])];
  const seen: string[] = [];
  let killedAt: number | undefined;
  let polls = 0;
  const query = async (stmt: string, args: readonly unknown[]): Promise<unknown[][]> => {
    seen.push(stmt);
    if (options.down) throw new Error("unreachable");
    if (stmt === "SELECT CURRENT_TIMESTAMP") return [[Date.now() + (options.offsetMs ?? 0)]];
    if (stmt.startsWith("SELECT id FROM sys.jobs")) {
      polls++;
      if (killedAt !== undefined && polls - killedAt > (options.lag ?? 0)) jobs.length = 0;
      assert.equal(args[0], jobPattern("abc"));
      return jobs.map((id) => [id]);
    }
    if (stmt === "KILL ?") {
      killedAt = polls;
      return [];
    }
    throw new Error(`unexpected ${stmt}`);
  };
  return { query, seen };
}

test("the deadline is CrateDB's clock plus the request timeout, capped", async () => {
  const crate = fakeCrate({ offsetMs: 60_000 });
  const settler = new Settler(crate.query, 5_000);
  const deadline = await settler.deadline();
  assert.ok(Math.abs(deadline - (Date.now() + 65_000)) < 1_000, String(deadline - Date.now()));
  const capped = await new Settler(crate.query, 600_000).deadline();
  assert.ok(Math.abs(capped - (Date.now() + 60_000 + 120_000)) < 1_000);
});

test("settling waits until CrateDB's clock has passed the deadline", async () => {
  const crate = fakeCrate();
  const settler = new Settler(crate.query, 5_000);
  const started = Date.now();
  await settler.settle("abc", Date.now() + 300);
  assert.ok(Date.now() - started >= 1_300, "deadline plus the clock margin");
});

test("a statement still running is killed, and settling waits until it is gone", async () => {
  const crate = fakeCrate({ jobs: ["job-1"], lag: 2 });
  await new Settler(crate.query, 5_000).settle("abc", undefined);
  assert.equal(crate.seen.filter((s) => s === "KILL ?").length, 1);
  assert.equal(crate.seen.filter((s) => s.startsWith("SELECT id FROM sys.jobs")).length, 4);
});

test("when CrateDB can't be asked, settling fails: the outcome is unknown", async () => {
  const crate = fakeCrate({ down: true });
  await assert.rejects(new Settler(crate.query, 5_000).settle("abc", undefined), SettleError);
});

const { client, node } = clientFixture();

test("a request that timed out is looked for in sys.jobs by its query id before it is sent again", async () => {
  let calls = 0;
  const n = await node((_req, res) => {
    calls++;
    if (calls === 1) return; // never answers: the client times out
    rowcountOk(res);
  });
  const result = await client([n.url], { requestTimeoutMs: 300 }).sql("UPDATE t SET a = 1");
  assert.equal(result.rowcount, 1);
  const queryIds = n.requests.map((r) => /q=([0-9a-f]{12})/.exec(r.comment ?? "")?.[1]);
  assert.equal(queryIds.length, 2);
  assert.notEqual(queryIds[0], queryIds[1], "each attempt has its own query id");
  const lookup = n.settles.find((s) => s.body?.stmt?.startsWith("SELECT id FROM sys.jobs"));
  assert.deepEqual(lookup?.body?.args, [`%q=${queryIds[0]} */%`]);
});

test("a fenced statement gets a deadline per attempt; a late refusal is sent again, the rest untouched", async () => {
  let calls = 0;
  const n = await node((req, res) => {
    calls++;
    if (calls === 1) return json(res, 400, { error: { code: 4000, message: LATE } });
    assert.match(req.body?.stmt ?? "", /^UPDATE t SET a = 1 WHERE CURRENT_TIMESTAMP < \d{13}$/);
    rowcountOk(res);
  });
  const result = await client([n.url]).sql("UPDATE t SET a = 1 WHERE CURRENT_TIMESTAMP < {fence_deadline}");
  assert.equal(result.rowcount, 1);
  assert.equal(calls, 2);
});

test("a fenced statement's bare JVM error is not taken for a late refusal", async () => {
  // A warm CrateDB answers 1/0 and other JVM-raised errors without a message.
  const n = await node((_req, res) =>
    json(res, 400, { error: { code: 4000, message: "SQLParseException[null]" } }),
  );
  const error = await rejection(
    client([n.url]).sql("UPDATE t SET a = 1 WHERE CURRENT_TIMESTAMP < {fence_deadline}"),
  );
  assert.equal(error.code, "CRATEDB_REJECTED");
});

test("a fence refusal of an unfenced statement is an ordinary error", async () => {
  const n = await node((_req, res) => json(res, 400, { error: { code: 4000, message: LATE } }));
  const error = await rejection(client([n.url]).sql("SELECT ln(0)"));
  assert.equal(error.code, "CRATEDB_REJECTED");
});
