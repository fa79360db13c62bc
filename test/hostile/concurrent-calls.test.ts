/**
 * Duplicate deliveries: many WriteBatch calls on one table at once must leave a state some serial
 * order of them produces (each call's replace and update files applied together), because the
 * server runs mutating calls on one table one after another.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type * as grpc from "@grpc/grpc-js";
import { DataType } from "../../gen/fivetran_sdk/v2/common_pb.ts";
import { DestinationConnector } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { Health } from "../../gen/grpc/health/v1/health_pb.ts";
import { closeAllClients } from "../../src/cratedb/client/registry.ts";
import { testerFileParams } from "../e2e/tester-files.ts";
import { batchDir, TESTER_UNMODIFIED, writeBatchFile } from "../helpers/batch-writer.ts";
import { uniqueSchema } from "../helpers/cratedb.ts";
import { col, dropSchema, selectRows, testClient, testConfiguration } from "../helpers/ops.ts";
import { grpcClient, grpcUnary, startTestServer, type TestServer } from "../rpc/server-fixture.ts";

let server: TestServer;
let rpc: grpc.Client;
let dir: string;
let cleanup: () => Promise<void>;
const schema = uniqueSchema("hostile_concurrent");
const configuration = testConfiguration();
const m = DestinationConnector.method;
const fileParams = testerFileParams(false);

before(async () => {
  server = await startTestServer({ maxWorkers: 8 });
  rpc = grpcClient(server.port);
  ({ dir, cleanup } = await batchDir());
});
after(async () => {
  rpc.close();
  await server.close();
  const client = testClient();
  await dropSchema(client, schema);
  await client.close();
  await closeAllClients();
  await cleanup();
});

test("32 concurrent WriteBatch calls on one table leave a state of some serial order", async () => {
  const table = {
    name: "items",
    columns: [
      { name: "id", type: DataType.INT, primaryKey: true },
      { name: "v", type: DataType.INT },
      { name: "w", type: DataType.INT },
      { name: "_fivetran_synced", type: DataType.UTC_DATETIME },
    ],
  };
  assert.equal(
    (await grpcUnary(rpc, m.createTable, { configuration, schemaName: schema, table })).response.case,
    "success",
  );
  const columns = [
    col("id", "INT", true),
    col("v", "INT"),
    col("w", "INT"),
    col("_fivetran_synced", "UTC_DATETIME"),
  ];
  const ids = Array.from({ length: 20 }, (_, i) => String(i + 1));
  const T = "2024-01-01T00:00:00Z";
  const calls = await Promise.all(
    Array.from({ length: 32 }, async (_, call) => {
      // Replace sets v, the update sets w: a serial order leaves v = w on every row.
      const replace = await writeBatchFile({
        dir,
        columns,
        rows: ids.map((id) => [id, String(call), "-1", T]),
      });
      const update = await writeBatchFile({
        dir,
        columns,
        rows: ids.map((id) => [id, TESTER_UNMODIFIED, String(call), T]),
      });
      return { replace, update };
    }),
  );
  const answers = await Promise.all(
    calls.map(({ replace, update }) =>
      grpcUnary(rpc, m.writeBatch, {
        configuration,
        schemaName: schema,
        table,
        keys: { ...replace.keys, ...update.keys },
        replaceFiles: [replace.path],
        updateFiles: [update.path],
        deleteFiles: [],
        fileParams,
      }),
    ),
  );
  assert.deepEqual(new Set(answers.map((a) => a.response.case)), new Set(["success"]));
  const client = testClient();
  const rows = await selectRows(client, { schema, table: "items" }, ["id", "v", "w"]);
  await client.close();
  assert.equal(rows.length, 20);
  const last = rows[0]![1];
  for (const [id, v, w] of rows) {
    assert.equal(v, w, `row ${id}: v and w come from different calls`);
    assert.equal(v, last, `row ${id}: rows come from different calls`);
  }
  const health = await grpcUnary(rpc, Health.method.check, {});
  assert.equal(health.status, 1);
});
