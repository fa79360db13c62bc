import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type * as grpc from "@grpc/grpc-js";
import { DataType } from "../../gen/fivetran_sdk/v2/common_pb.ts";
import { DestinationConnector } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { closeAllClients } from "../../src/cratedb/client/registry.ts";
import { uniqueSchema } from "../helpers/cratedb.ts";
import { dropSchema, insertRows, selectRows, testClient, testConfiguration } from "../helpers/ops.ts";
import { grpcClient, grpcUnary, startTestServer, type TestServer } from "./server-fixture.ts";

let server: TestServer;
let rpc: grpc.Client;
const schema = uniqueSchema("rpc_tables");
const configuration = testConfiguration();
const m = DestinationConnector.method;

const table = {
  name: "orders",
  columns: [
    { name: "id", type: DataType.STRING, primaryKey: true },
    {
      name: "amount",
      type: DataType.DECIMAL,
      params: { params: { case: "decimal" as const, value: { precision: 10, scale: 2 } } },
    },
    { name: "doc", type: DataType.XML },
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

describe("table RPCs through the gRPC server", () => {
  test("DescribeTable answers not_found for a table that doesn't exist", async () => {
    const res = await grpcUnary(rpc, m.describeTable, {
      configuration,
      schemaName: schema,
      tableName: "orders",
    });
    assert.equal(res.response.case, "notFound");
  });

  test("CreateTable then DescribeTable round-trips types and DECIMAL params", async () => {
    const created = await grpcUnary(rpc, m.createTable, { configuration, schemaName: schema, table });
    assert.equal(created.response.case, "success");
    const res = await grpcUnary(rpc, m.describeTable, {
      configuration,
      schemaName: schema,
      tableName: "orders",
    });
    assert.equal(res.response.case, "table");
    if (res.response.case !== "table") return;
    assert.deepEqual(
      res.response.value.columns.map((c) => [c.name, c.type, c.primaryKey, c.params?.params.value]),
      [
        ["id", DataType.STRING, true, undefined],
        [
          "amount",
          DataType.DECIMAL,
          false,
          { $typeName: "fivetran_sdk.v2.DecimalParams", precision: 10, scale: 2 },
        ],
        ["doc", DataType.XML, false, undefined],
        ["_fivetran_synced", DataType.UTC_DATETIME, false, undefined],
      ],
    );
  });

  test("a rejected column name comes back as a Task", async () => {
    const res = await grpcUnary(rpc, m.createTable, {
      configuration,
      schemaName: schema,
      table: { name: "bad", columns: [{ name: "a.b", type: DataType.INT, primaryKey: true }] },
    });
    assert.equal(res.response.case, "task");
    assert.match(
      String(res.response.value && "message" in res.response.value ? res.response.value.message : ""),
      /"a\.b".*dot/,
    );
  });

  test("AlterTable adds a column", async () => {
    const res = await grpcUnary(rpc, m.alterTable, {
      configuration,
      schemaName: schema,
      table: { ...table, columns: [...table.columns, { name: "note", type: DataType.STRING }] },
      dropColumns: false,
    });
    assert.equal(res.response.case, "success");
    const described = await grpcUnary(rpc, m.describeTable, {
      configuration,
      schemaName: schema,
      tableName: "orders",
    });
    assert.ok(
      described.response.case === "table" && described.response.value.columns.some((c) => c.name === "note"),
    );
  });

  test("Truncate soft-deletes rows before the cutoff and succeeds on a missing table", async () => {
    const client = testClient();
    try {
      await grpcUnary(rpc, m.alterTable, {
        configuration,
        schemaName: schema,
        table: {
          ...table,
          columns: [
            ...table.columns,
            { name: "note", type: DataType.STRING },
            { name: "_fivetran_deleted", type: DataType.BOOLEAN },
          ],
        },
        dropColumns: false,
      });
      const ref = { schema, table: "orders" };
      await insertRows(
        client,
        ref,
        ["id", "_fivetran_synced", "_fivetran_deleted"],
        [
          ["a", 1_000, false],
          ["b", 3_000, false],
        ],
      );
      const res = await grpcUnary(rpc, m.truncate, {
        configuration,
        schemaName: schema,
        tableName: "orders",
        syncedColumn: "_fivetran_synced",
        utcDeleteBefore: { seconds: 2n, nanos: 0 },
        soft: { deletedColumn: "_fivetran_deleted" },
      });
      assert.equal(res.response.case, "success");
      assert.deepEqual(await selectRows(client, ref, ["id", "_fivetran_deleted"]), [
        ["a", true],
        ["b", false],
      ]);
      const missing = await grpcUnary(rpc, m.truncate, {
        configuration,
        schemaName: schema,
        tableName: "none",
        syncedColumn: "",
      });
      assert.equal(missing.response.case, "success");
    } finally {
      await client.close();
    }
  });
});
