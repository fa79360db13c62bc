import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { CrateClient } from "../../src/cratedb/client/crate-client.ts";
import type { CrateClientOptions } from "../../src/cratedb/client/options.ts";
import { setLogSink } from "../../src/log.ts";
import { runConnectionTest, type TestCall } from "../../src/ops/connection-tests.ts";
import { callLog } from "../../src/ops/context.ts";
import { parseConfiguration } from "../../src/rpc/config.ts";
import { deadUrl } from "../cratedb/client/fake-node.ts";
import { endpoint, simulatorOnly, simulatorTls } from "../helpers/cratedb.ts";

const clients: CrateClient[] = [];
const fast = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, totalMs: 2000 };

function connectWith(configuration: Record<string, string>): () => TestCall {
  return () => {
    const options: CrateClientOptions = { ...parseConfiguration(configuration).client, retry: fast };
    const c = new CrateClient(options);
    clients.push(c);
    return { client: c, signal: undefined, log: callLog(undefined) };
  };
}

const db = endpoint();
const base = { url: db.url, username: db.username, password: db.password };
const admin = connectWith(base)().client;

// Users made for these tests, dropped afterwards.
const suffix = randomBytes(3).toString("hex");
const password = `pw-${randomBytes(6).toString("hex")}`;
const users = {
  reader: `ft_reader_${suffix}`,
  noDml: `ft_nodml_${suffix}`,
};

before(async () => {
  for (const user of Object.values(users)) {
    await admin.sql(`CREATE USER "${user}" WITH (password = ?)`, [password]);
  }
  await admin.sql(`GRANT DQL TO "${users.reader}"`);
  await admin.sql(`GRANT DQL, DDL TO "${users.noDml}"`);
});

after(async () => {
  for (const user of Object.values(users))
    await admin.sql(`DROP USER IF EXISTS "${user}"`).catch(() => undefined);
  await Promise.all(clients.map((c) => c.close()));
});

for (const name of ["connect", "authenticate", "version", "permissions"]) {
  test(`the ${name} check passes against CrateDB with the test credentials`, async () => {
    assert.equal(await runConnectionTest(name, connectWith(base)), undefined);
  });
}

test("authenticate fails for a wrong password, naming the user", async () => {
  const failure = await runConnectionTest(
    "authenticate",
    connectWith({ ...base, username: users.reader, password: "wrong-password" }),
  );
  assert.match(failure!, new RegExp(`^CrateDB did not accept the credentials of user "${users.reader}"`));
  assert.ok(!failure!.includes("wrong-password"));
});

test("authenticate passes for a user with its password", async () => {
  assert.equal(
    await runConnectionTest("authenticate", connectWith({ ...base, username: users.reader, password })),
    undefined,
  );
});

test("connect fails naming the node that cannot be reached", async () => {
  const dead = await deadUrl();
  const failure = await runConnectionTest("connect", connectWith({ ...base, url: `${db.url},${dead}` }));
  assert.match(
    failure!,
    new RegExp(`^Could not connect to 1 of 2 CrateDB nodes: ${dead} \\(connection refused\\)`),
  );
});

test("permissions fails for a user without DDL, naming the privilege and leaving nothing behind", async () => {
  const failure = await runConnectionTest(
    "permissions",
    connectWith({ ...base, username: users.reader, password }),
  );
  assert.match(
    failure!,
    new RegExp(
      `^User "${users.reader}" may not create a table in a new schema: CrateDB requires the DDL privilege`,
    ),
  );
  assert.match(failure!, new RegExp(`GRANT DQL, DML, DDL TO "${users.reader}";$`));
});

test("permissions fails for a user without DML, naming it, and drops the probe table", async () => {
  const failure = await runConnectionTest(
    "permissions",
    connectWith({ ...base, username: users.noDml, password }),
  );
  assert.match(
    failure!,
    new RegExp(`^User "${users.noDml}" may not insert rows: CrateDB requires the DML privilege`),
  );
  const { rows } = await admin.sql(
    "SELECT table_schema FROM information_schema.tables WHERE table_schema LIKE 'fivetran_probe_%'",
  );
  assert.deepEqual(rows, []);
});

test("https with the CA certificate passes connect; without it fails saying why", async (t) => {
  if (!simulatorOnly(t)) return;
  const tls = simulatorTls();
  if (tls === undefined) return t.skip("the simulator runs without TLS");
  const withCa = { ...base, url: tls.url, ca_certificate: Buffer.from(tls.caPem).toString("base64") };
  assert.equal(await runConnectionTest("connect", connectWith(withCa)), undefined);
  assert.equal(await runConnectionTest("permissions", connectWith(withCa)), undefined);
  const failure = await runConnectionTest("connect", connectWith({ ...base, url: tls.url }));
  assert.match(failure!, /Could not connect to any CrateDB node: .*certificate/);
  assert.match(failure!, /supply the CA certificate/);
});

test("https without verification passes and warns that the server is not authenticated", async (t) => {
  if (!simulatorOnly(t)) return;
  const tls = simulatorTls();
  if (tls === undefined) return t.skip("the simulator runs without TLS");
  const lines: string[] = [];
  const previous = setLogSink((line) => lines.push(line));
  try {
    assert.equal(
      await runConnectionTest("authenticate", connectWith({ ...base, url: tls.url, verify_tls: "false" })),
      undefined,
    );
  } finally {
    setLogSink(previous);
  }
  assert.ok(lines.some((l) => /"level":"WARNING".*TLS certificate verification is off/.test(l)));
});
