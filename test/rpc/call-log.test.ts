import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import type * as grpc from "@grpc/grpc-js";
import { TestRequestSchema } from "../../gen/fivetran_sdk/v2/common_pb.ts";
import {
  CreateTableRequestSchema,
  DestinationConnector,
  MigrateRequestSchema,
  TruncateRequestSchema,
  WriteHistoryBatchRequestSchema,
} from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { DestinationError } from "../../src/errors.ts";
import { describeTarget } from "../../src/rpc/call-log.ts";
import { taskOr } from "../../src/rpc/responses.ts";
import { grpcClient, grpcUnary, startTestServer, type TestServer } from "./server-fixture.ts";

const SECRET = "pa55-w0rd-never-logged";

test("the log line names schema and table from wherever each request keeps them", () => {
  assert.equal(
    describeTarget(
      "CreateTable",
      create(CreateTableRequestSchema, { schemaName: "s", table: { name: "t" } }),
    ),
    'schema="s" table="t"',
  );
  assert.equal(
    describeTarget("Truncate", create(TruncateRequestSchema, { schemaName: "s", tableName: 'we"ird' })),
    'schema="s" table="we\\"ird"',
  );
  assert.equal(
    describeTarget("Migrate", create(MigrateRequestSchema, { details: { schema: "s", table: "t" } })),
    'schema="s" table="t"',
  );
  assert.equal(
    describeTarget(
      "WriteHistoryBatch",
      create(WriteHistoryBatchRequestSchema, {
        schemaName: "s",
        table: { name: "t" },
        replaceFiles: ["/data/a.csv", "/data/b.csv"],
        deleteFiles: ["/data/c.csv"],
        keys: { "/data/a.csv": new Uint8Array(32) },
      }),
    ),
    'schema="s" table="t" files=earliest_start:0,replace:2,update:0,delete:1',
  );
  assert.equal(describeTarget("Test", create(TestRequestSchema, { name: "connect" })), 'test="connect"');
  assert.equal(describeTarget("ConfigurationForm", {}), "");
});

describe("one log line per RPC", () => {
  let t: TestServer;
  let client: grpc.Client;
  before(async () => {
    t = await startTestServer({
      handlers: {
        createTable: async (req) => ({
          response: await taskOr(async () => {
            if (req.table?.name === "bad")
              throw new DestinationError("INVALID_NAME", "column name too long", { hint: null });
            return { case: "success" as const, value: true };
          }),
        }),
        async truncate() {
          throw new TypeError("a bug");
        },
      },
    });
    client = grpcClient(t.port);
  });
  after(async () => {
    client.close();
    await t.close();
  });

  const lastLine = () => t.logs.at(-1)!;

  test("a successful RPC logs INFO with method, schema, table, outcome and duration", async () => {
    await grpcUnary(client, DestinationConnector.method.createTable, {
      schemaName: "tester",
      table: { name: "users" },
      configuration: { url: "http://crate:4200", password: SECRET },
    });
    assert.equal(lastLine().level, "INFO");
    assert.match(
      lastLine().message,
      /^rpc=CreateTable req=[0-9a-f]{12} schema="tester" table="users" outcome=success (queued_ms=\d+ )?duration_ms=\d+$/,
    );
  });

  test("an RPC answered with a Task logs WARNING with the Task's message", async () => {
    await grpcUnary(client, DestinationConnector.method.createTable, {
      schemaName: "s",
      table: { name: "bad" },
    });
    assert.equal(lastLine().level, "WARNING");
    assert.match(
      lastLine().message,
      /^rpc=CreateTable req=[0-9a-f]{12} schema="s" table="bad" outcome=task (queued_ms=\d+ )?duration_ms=\d+ message="column name too long"$/,
    );
  });

  test("an RPC failing with a bug logs SEVERE with the gRPC code", async () => {
    await assert.rejects(
      grpcUnary(client, DestinationConnector.method.truncate, { schemaName: "s", tableName: "t" }),
    );
    assert.equal(lastLine().level, "SEVERE");
    assert.match(
      lastLine().message,
      /^rpc=Truncate req=[0-9a-f]{12} schema="s" table="t" outcome=error code=Internal (queued_ms=\d+ )?duration_ms=\d+ /,
    );
    assert.ok(
      t.logs.some((l) => l.level === "SEVERE" && l.message.includes("TypeError: a bug")),
      "the cause is logged",
    );
  });

  test("RPCs without a table log just the method and outcome", async () => {
    await grpcUnary(client, DestinationConnector.method.configurationForm, {});
    assert.equal(lastLine().level, "INFO");
    assert.match(
      lastLine().message,
      /^rpc=ConfigurationForm req=[0-9a-f]{12} outcome=ok (queued_ms=\d+ )?duration_ms=\d+$/,
    );
  });

  test("configuration values never reach the log", () => {
    assert.ok(t.logs.length > 0);
    for (const line of t.logs) {
      assert.doesNotMatch(line.message, new RegExp(SECRET));
      assert.doesNotMatch(line.message, /crate:4200/);
    }
  });
});
