/**
 * A CrateDB node (or a proxy in front of it) that echoes the credentials back: the Authorization
 * header, and the password in several spellings, in plain-text and JSON error bodies. Neither the
 * answers Fivetran gets through the real server nor any log line may contain any form of it.
 */
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { after, before, describe, test } from "node:test";
import type * as grpc from "@grpc/grpc-js";
import { DataType } from "../../gen/fivetran_sdk/v2/common_pb.ts";
import {
  Compression,
  DestinationConnector,
  Encryption,
} from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { closeAllClients } from "../../src/cratedb/client/registry.ts";
import { DestinationError } from "../../src/errors.ts";
import { setLogSink, warning } from "../../src/log.ts";
import { parseConfiguration } from "../../src/rpc/config.ts";
import { REDACTED, redactSecrets, registerCredentials } from "../../src/secrets.ts";
import { crateError, type FakeNode, type SeenRequest, startFakeNode } from "../cratedb/client/fake-node.ts";
import { batchDir, TESTER_NULL, TESTER_UNMODIFIED, writeBatchFile } from "../helpers/batch-writer.ts";
import { grpcClient, grpcUnary, startTestServer, type TestServer } from "../rpc/server-fixture.ts";

const USER = "fivetran";
/** Characters that JSON, percent-encoding and base64 each spell differently. */
const PASSWORD = 'Tr0ub4dor&3:"sé/cr+t%x';
const m = DestinationConnector.method;

/** Every spelling of the secret, worked out here rather than taken from src/secrets.ts. */
function secretForms(user: string, password: string): string[] {
  const base64 = Buffer.from(`${user}:${password}`).toString("base64");
  const urlSafe = base64.replaceAll("+", "-").replaceAll("/", "_");
  const encoded = encodeURIComponent(password);
  return [
    password,
    JSON.stringify(password).slice(1, -1),
    encoded,
    encoded.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    base64,
    base64.replace(/=+$/, ""),
    urlSafe,
    urlSafe.replace(/=+$/, ""),
    `Basic ${base64}`,
    `${user}:${encoded}@`,
  ];
}
const FORMS = secretForms(USER, PASSWORD);

/** Fails when `text` holds any form of the secret, or 8 consecutive characters of one. */
function assertNoSecret(text: string, where: string): void {
  for (const form of FORMS) {
    assert.ok(!text.includes(form), `${where} holds the secret as ${JSON.stringify(form)}: ${text}`);
    const secretPart = form.startsWith(`${USER}:`) ? form.slice(USER.length + 1) : form;
    for (let i = 0; i + 8 <= secretPart.length; i++) {
      const piece = secretPart.slice(i, i + 8);
      // The first base64 characters spell only the user name, which is no secret.
      if (Buffer.from(`${USER}:`).toString("base64").includes(piece)) continue;
      assert.ok(
        !text.includes(piece),
        `${where} holds part of the secret (${JSON.stringify(piece)}): ${text}`,
      );
    }
  }
}

/** What a careless proxy says: the header it saw, and the password as it understood it. */
function echo(request: SeenRequest): string {
  const header = String(request.headers.authorization);
  const base64 = header.replace(/^Basic /, "");
  const urlSafe = base64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return [
    `upstream rejected the request (Authorization: ${header})`,
    `token=${urlSafe}`,
    `password ${PASSWORD}`,
    `retry with https://${USER}:${encodeURIComponent(PASSWORD)}@crate.internal:4200`,
    `or ?password=${encodeURIComponent(PASSWORD).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())}`,
  ].join("; ");
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain" });
  res.end(body);
}

type Mode = "text" | "long-text" | "json" | "retry-then-json" | "internal";
let mode: Mode = "text";
let unavailableSent = false;
let node: FakeNode;
let server: TestServer;
let rpc: grpc.Client;
let dir: string;
let cleanup: () => Promise<void>;
const rawLines: string[] = [];

before(async () => {
  node = await startFakeNode((request, res) => {
    switch (mode) {
      case "text":
        return text(res, 400, echo(request));
      case "long-text":
        // The header straddles the 300 characters of a plain body that make it into messages.
        return text(res, 400, `${"x".repeat(240)} ${echo(request)}`);
      case "json":
        return crateError(res, 404, 4041, `RelationUnknown[Relation 's.t' unknown; ${echo(request)}]`);
      case "retry-then-json":
        unavailableSent = !unavailableSent;
        return unavailableSent
          ? text(res, 503, echo(request))
          : crateError(res, 404, 4041, `RelationUnknown[${echo(request)}]`);
      case "internal":
        return crateError(res, 500, 5000, `NullPointerException[${echo(request)}]`);
    }
  });
  server = await startTestServer();
  // The fixture keeps parsed lines; the raw ones are checked too (JSON escapes the quote).
  const parsed = setLogSink((line) => rawLines.push(line));
  setLogSink((line) => {
    rawLines.push(line);
    parsed(line);
  });
  rpc = grpcClient(server.port);
  ({ dir, cleanup } = await batchDir());
});

after(async () => {
  rpc.close();
  await server.close();
  await closeAllClients();
  await node.kill();
  await cleanup();
});

const withField = () => ({ url: node.url, username: USER, password: PASSWORD });
const inUrl = () => ({
  url: `crate://${USER}:${encodeURIComponent(PASSWORD)}@${node.url.replace("http://", "")}`,
});

/** The answer as text: the response message, or the gRPC status and its message. */
async function answer(call: Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify(await call, (_k, v) => (typeof v === "bigint" ? String(v) : v));
  } catch (err) {
    // grpc-js undoes the status message's percent-encoding only partly (decodeURI).
    const e = err as grpc.ServiceError;
    return `status ${e.code}: ${decodeURIComponent(e.details)}`;
  }
}

function assertLogsClean(): void {
  assert.ok(rawLines.length > 0);
  for (const line of rawLines) assertNoSecret(line, "a log line");
  for (const line of server.logs) assertNoSecret(line.message, "a log message");
}

describe("credentials echoed by a node or proxy", () => {
  for (const [name, configuration] of [
    ["the password field", withField],
    ["a crate:// URL", inUrl],
  ] as const) {
    test(`Test RPCs answer failures without the secret (${name})`, async () => {
      for (const m0 of ["text", "long-text", "json"] as const) {
        mode = m0;
        for (const test of ["connect", "authenticate", "version", "permissions"]) {
          const reply = await answer(grpcUnary(rpc, m.test, { configuration: configuration(), name: test }));
          assertNoSecret(reply, `Test ${test} in mode ${m0}`);
          assert.match(reply, /"failure"/, `Test ${test} in mode ${m0}: ${reply}`);
        }
      }
      mode = "text";
      const reply = await answer(grpcUnary(rpc, m.test, { configuration: configuration(), name: "connect" }));
      // The body did get through, minus the secret.
      assert.ok(reply.includes("upstream rejected the request (Authorization: Basic <secret>)"), reply);
      assert.ok(reply.includes(REDACTED), reply);
      assertLogsClean();
    });
  }

  test("DescribeTable answers a Task, UNAVAILABLE or INTERNAL without the secret", async () => {
    const describeTable = () =>
      answer(
        grpcUnary(rpc, m.describeTable, { configuration: withField(), schemaName: "s", tableName: "t" }),
      );
    mode = "json";
    const task = await describeTable();
    assert.match(task, /"task"/);
    assert.ok(task.includes(`password ${REDACTED}`), task);
    assertNoSecret(task, "DescribeTable's Task");

    mode = "retry-then-json";
    const retried = await describeTable();
    assert.match(retried, /"task"/);
    assertNoSecret(retried, "DescribeTable's Task after a retry");
    assert.ok(rawLines.some((l) => l.includes("attempt 2 of")));

    mode = "long-text";
    assertNoSecret(await describeTable(), "DescribeTable's Task from a long plain body");

    mode = "internal";
    const internal = await describeTable();
    assert.match(internal, /^status 13: internal error/);
    assert.ok(server.logs.some((l) => l.level === "SEVERE" && l.message.includes("NullPointerException")));
    assertLogsClean();
  });

  test("WriteBatch answers without the secret when CrateDB echoes it for a bulk write", async () => {
    const columns = [
      { name: "id", type: "INT" as const },
      { name: "_fivetran_synced", type: "UTC_DATETIME" as const },
    ];
    const file = await writeBatchFile({ dir, columns, rows: [["1", "2024-01-01T00:00:00Z"]] });
    for (const m0 of ["json", "text", "long-text"] as const) {
      mode = m0;
      const reply = await answer(
        grpcUnary(rpc, m.writeBatch, {
          configuration: withField(),
          schemaName: "s",
          table: {
            name: "t",
            columns: [
              { name: "id", type: DataType.INT, primaryKey: true },
              { name: "_fivetran_synced", type: DataType.UTC_DATETIME },
            ],
          },
          keys: file.keys,
          replaceFiles: [file.path],
          fileParams: {
            compression: Compression.ZSTD,
            encryption: Encryption.AES,
            nullString: TESTER_NULL,
            unmodifiedString: TESTER_UNMODIFIED,
          },
        }),
      );
      assert.match(reply, /"task"/, reply);
      // A long body is cut at 300 characters, possibly inside the marker itself.
      assert.ok(reply.includes(m0 === "long-text" ? "Authorization: Basic <" : REDACTED), reply);
      assertNoSecret(reply, `WriteBatch in mode ${m0}`);
    }
    assertLogsClean();
  });
});

describe("secrets from any other source", () => {
  let own: TestServer;
  let ownRpc: grpc.Client;
  const leaky = `connect ECONNRESET https://${USER}:${encodeURIComponent(PASSWORD)}@10.0.0.7:4200 (${PASSWORD})`;

  before(async () => {
    own = await startTestServer({
      handlers: {
        // Whatever the error's origin (a network library, a bug), its text goes out redacted.
        async describeTable(req) {
          parseConfiguration(req.configuration);
          throw new Error(leaky);
        },
        async truncate(req) {
          parseConfiguration(req.configuration);
          throw new DestinationError("CRATEDB_CONNECTION_LOST", leaky);
        },
        async createTable(req) {
          parseConfiguration(req.configuration);
          warning(`retrying after: ${leaky}; and https://someone:unregistered-pass@10.0.0.8`);
          return { response: { case: "task", value: { message: leaky } } };
        },
      },
    });
    ownRpc = grpcClient(own.port);
  });
  after(async () => {
    ownRpc.close();
    await own.close();
  });

  test("thrown errors, transient errors and warnings are redacted in answers and logs", async () => {
    const configuration = withField();
    const internal = await answer(grpcUnary(ownRpc, m.describeTable, { configuration, schemaName: "s" }));
    assert.match(internal, /^status 13: /);
    const unavailable = await answer(grpcUnary(ownRpc, m.truncate, { configuration, schemaName: "s" }));
    assert.equal(
      unavailable,
      `status 14: connect ECONNRESET https://${USER}:${REDACTED}@10.0.0.7:4200 (${REDACTED})`,
    );
    // A Task a handler built itself (not through an error) is logged redacted too.
    await answer(grpcUnary(ownRpc, m.createTable, { configuration, schemaName: "s" }));
    const messages = own.logs.map((l) => l.message).join("\n");
    assertNoSecret(messages, "the log");
    assert.ok(messages.includes("https://someone:<secret>@10.0.0.8"), messages);
    assert.ok(!messages.includes("unregistered-pass"));
    assert.ok(
      own.logs.some((l) => l.level === "SEVERE" && l.message.includes(`https://${USER}:${REDACTED}@`)),
    );
  });
});

describe("the secret registry", () => {
  test("a short password is redacted only where it stands alone", () => {
    registerCredentials("crate", "ab");
    assert.equal(
      redactSecrets("password ab; tab, abc, (ab), ab"),
      `password ${REDACTED}; tab, abc, (${REDACTED}), ${REDACTED}`,
    );
    // Its Authorization header is long enough to be redacted anywhere.
    const header = Buffer.from("crate:ab").toString("base64");
    assert.equal(redactSecrets(`x${header}x`), `x${REDACTED}x`);
  });

  test("an empty password registers nothing, and the user name is never a secret", () => {
    registerCredentials("nobody", "");
    assert.equal(
      redactSecrets(`user nobody ${Buffer.from("nobody:").toString("base64")}`),
      "user nobody bm9ib2R5Og==",
    );
    registerCredentials("alice", "correct horse");
    assert.equal(redactSecrets('user "alice" with correct horse'), `user "alice" with ${REDACTED}`);
  });

  test("a password typed percent-encoded in a URL is redacted in that spelling too", () => {
    parseConfiguration({ url: "https://bob:h%75nter2%21@db.example.com:4200" });
    assert.equal(redactSecrets("saw h%75nter2%21 and hunter2!"), `saw ${REDACTED} and ${REDACTED}`);
  });

  test("the registry stays bounded, keeping the credentials most recently used", () => {
    registerCredentials("keep", "kept-secret-0");
    for (let i = 1; i <= 100; i++) {
      registerCredentials("u", `rotated-secret-${i}`);
      registerCredentials("keep", "kept-secret-0");
    }
    assert.equal(redactSecrets("kept-secret-0 rotated-secret-100"), `${REDACTED} ${REDACTED}`);
    assert.equal(redactSecrets("rotated-secret-1"), "rotated-secret-1");
  });
});
