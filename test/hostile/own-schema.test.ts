/**
 * The destination's own schema (type records) is out of reach of every RPC: a request naming it
 * is refused with a Task before anything is sent, and the records stay intact.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type * as grpc from "@grpc/grpc-js";
import { DataType } from "../../gen/fivetran_sdk/v2/common_pb.ts";
import { DestinationConnector } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { closeAllClients } from "../../src/cratedb/client/registry.ts";
import { qualified } from "../../src/cratedb/sql/ident.ts";
import { DESTINATION_SCHEMA, TYPE_RECORDS } from "../../src/cratedb/sql/type-metadata.ts";
import { uniqueSchema } from "../helpers/cratedb.ts";
import { dropSchema, testClient, testConfiguration } from "../helpers/ops.ts";
import { grpcClient, grpcUnary, startTestServer, type TestServer } from "../rpc/server-fixture.ts";

let server: TestServer;
let rpc: grpc.Client;
const schema = uniqueSchema("hostile_own");
const configuration = testConfiguration();
const m = DestinationConnector.method;
const table = {
  name: "column_types",
  columns: [
    { name: "table_schema", type: DataType.STRING, primaryKey: true },
    { name: "_fivetran_synced", type: DataType.UTC_DATETIME },
  ],
};

before(async () => {
  server = await startTestServer();
  rpc = grpcClient(server.port);
});
after(async () => {
  rpc.close();
  await server.close();
  const client = testClient();
  await dropSchema(client, schema);
  await client.close();
  await closeAllClients();
});

function taskMessage(res: { response: { case: string | undefined; value?: unknown } }): string {
  assert.equal(res.response.case, "task");
  return String((res.response.value as { message?: string }).message);
}

test("every RPC refuses the destination's own schema and its type records survive", async () => {
  // A table of a connector schema, so the records table exists and holds something.
  const created = await grpcUnary(rpc, m.createTable, {
    configuration,
    schemaName: schema,
    table: { ...table, name: "keep" },
  });
  assert.equal(created.response.case, "success");
  const client = testClient();
  const countRecords = async () => {
    await client.sql(`REFRESH TABLE ${qualified(TYPE_RECORDS)}`);
    const r = await client.sql(`SELECT count(*) FROM ${qualified(TYPE_RECORDS)} WHERE table_schema = ?`, [
      schema,
    ]);
    return Number(r.rows[0]?.[0]);
  };
  assert.equal(await countRecords(), 2);

  const own = { configuration, schemaName: DESTINATION_SCHEMA };
  const answers = [
    await grpcUnary(rpc, m.describeTable, { ...own, tableName: TYPE_RECORDS.table }),
    await grpcUnary(rpc, m.createTable, { ...own, table }),
    await grpcUnary(rpc, m.alterTable, { ...own, table, dropColumns: true }),
    await grpcUnary(rpc, m.truncate, { ...own, tableName: TYPE_RECORDS.table }),
    await grpcUnary(rpc, m.writeBatch, { ...own, table, replaceFiles: [], updateFiles: [], deleteFiles: [] }),
    await grpcUnary(rpc, m.writeHistoryBatch, { ...own, table }),
    await grpcUnary(rpc, m.migrate, {
      configuration,
      details: {
        schema: DESTINATION_SCHEMA,
        table: TYPE_RECORDS.table,
        operation: { case: "drop", value: { entity: { case: "dropTable", value: true } } },
      },
    }),
  ];
  for (const res of answers) assert.match(taskMessage(res), /holds this destination's own records/);
  assert.equal(await countRecords(), 2);
  await client.close();
});

test("the own schema's name is one Fivetran never gives a connector schema", () => {
  assert.doesNotMatch(DESTINATION_SCHEMA, /^[a-z0-9_]+$/);
});
