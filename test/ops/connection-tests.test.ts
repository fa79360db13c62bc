import assert from "node:assert/strict";
import { test } from "node:test";
import { DestinationError } from "../../src/errors.ts";
import { CONNECTION_TESTS, runConnectionTest } from "../../src/ops/connection-tests.ts";
import { callLog } from "../../src/ops/context.ts";
import { TEST } from "../../src/rpc/form.ts";
import { clientFixture } from "../cratedb/client/client-fixture.ts";
import { bulkOk, crateError, deadUrl, type Handler, json, rowcountOk } from "../cratedb/client/fake-node.ts";

const { client, node } = clientFixture();
/** The call the Test RPC opens: its client tagged with the call's request id. */
const connectTo = (urls: string[]) => () => ({
  client: client(urls, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, totalMs: 1000 } }).withTag(
    "Test",
    "0a1b2c3d4e5f",
  ),
  signal: undefined,
  log: callLog("0a1b2c3d4e5f"),
});

const root =
  (version: string): Handler =>
  (req, res) =>
    req.method === "GET"
      ? json(res, 200, { ok: true, status: 200, version: { number: version } })
      : rowcountOk(res);

test("the destination's test names are the ones the setup form lists", () => {
  assert.deepEqual([...CONNECTION_TESTS], Object.values(TEST));
});

test("an unknown test name fails listing the names that exist", async () => {
  const failure = await runConnectionTest("ping", connectTo([]));
  assert.equal(
    failure,
    'Unknown connection test "ping"; this destination runs: connect, authenticate, version, permissions.',
  );
});

test("an invalid configuration is the test's failure, not an error", async () => {
  const failure = await runConnectionTest("connect", () => {
    throw new DestinationError("CONFIG_INVALID", "Configuration: CrateDB URL (url) is required.");
  });
  assert.match(failure ?? "", /^Configuration: CrateDB URL \(url\) is required\. Correct that field/);
});

test("connect succeeds when every node answers, even one that asks for credentials", async () => {
  const a = await node(root("6.2.4"));
  const b = await node((_req, res) => {
    res.writeHead(401, { "content-type": "text/plain" });
    res.end("password authentication failed");
  });
  assert.equal(await runConnectionTest("connect", connectTo([a.url, b.url])), undefined);
});

test("connect names the node that cannot be reached and what to check", async () => {
  const a = await node(root("6.2.4"));
  const dead = await deadUrl();
  const failure = await runConnectionTest("connect", connectTo([a.url, dead]));
  assert.equal(
    failure,
    `Could not connect to 1 of 2 CrateDB nodes: ${dead} (connection refused). Check the URL and port (usually 4200), that CrateDB is running, and that firewalls or IP allow-lists let Fivetran reach it.`,
  );
});

test("authenticate fails on rejected credentials naming the user", async () => {
  const n = await node((_req, res) => {
    res.writeHead(401, { "content-type": "text/plain" });
    res.end('password authentication failed for user "fivetran"');
  });
  const failure = await runConnectionTest("authenticate", connectTo([n.url]));
  assert.match(
    failure!,
    /^CrateDB did not accept the credentials of user "fivetran"\. Check the username and password/,
  );
});

test("authenticate succeeds when a statement runs", async () => {
  const n = await node(root("6.2.4"));
  assert.equal(await runConnectionTest("authenticate", connectTo([n.url])), undefined);
  assert.equal(n.requests[0]!.body!.stmt, "SELECT 1");
  // The call's own request id, not one of the test's making: statements match the call's log line.
  assert.match(n.requests[0]!.comment ?? "", /^\/\* fivetran:Test req=0a1b2c3d4e5f q=[0-9a-f]{12} \*\/ $/);
});

test("version fails below 6.2 naming the node and why underscores matter", async () => {
  const a = await node(root("6.4.1"));
  const b = await node(root("6.1.2"));
  const failure = await runConnectionTest("version", connectTo([a.url, b.url]));
  assert.match(
    failure!,
    new RegExp(`^CrateDB 6\\.1\\.2 runs on ${b.url}; this destination needs CrateDB 6\\.2 or newer`),
  );
  assert.match(failure!, /start with "_"/);
});

test("version passes on 6.2 and newer", async () => {
  const a = await node(root("6.2.0"));
  const b = await node(root("6.10.0-SNAPSHOT"));
  assert.equal(await runConnectionTest("version", connectTo([a.url, b.url])), undefined);
});

test("permissions names the missing privilege and cleans up the probe table", async () => {
  const n = await node((req, res) => {
    if (req.body?.bulk_args) {
      crateError(res, 401, 4011, "MissingPrivilegeException[Missing 'DML' privilege for user 'fivetran']");
    } else rowcountOk(res);
  });
  const failure = await runConnectionTest("permissions", connectTo([n.url]));
  assert.match(failure!, /^User "fivetran" may not insert rows: CrateDB requires the DML privilege/);
  assert.match(failure!, /GRANT DQL, DML, DDL TO "fivetran";$/);
  const stmts = n.requests.map((r) => r.body?.stmt?.replace(/^\/\*.*?\*\/ /, "") ?? "");
  assert.match(stmts[0]!, /^CREATE TABLE "fivetran_probe_[0-9a-z]+"\."probe"/);
  assert.match(stmts.at(-1)!, /^DROP TABLE IF EXISTS "fivetran_probe_[0-9a-z]+"\."probe"$/);
  assert.equal(stmts.filter((s) => s.startsWith("DROP")).length, 1);
});

test("permissions fails when the probe's BIGINT values do not come back exactly", async () => {
  const n = await node((req, res) => {
    if (req.body?.bulk_args) return bulkOk(req, res);
    if (req.body?.stmt?.includes("SELECT")) {
      return json(res, 200, {
        cols: ["id", "big"],
        rows: [
          [1, 9223372036854776000],
          [2, 1],
        ],
        rowcount: 2,
      });
    }
    rowcountOk(res);
  });
  const failure = await runConnectionTest("permissions", connectTo([n.url]));
  assert.match(failure!, /did not return the BIGINT values written to it exactly/);
});
