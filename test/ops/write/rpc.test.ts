import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type * as grpc from "@grpc/grpc-js";
import { DataType } from "../../../gen/fivetran_sdk/v2/common_pb.ts";
import { DestinationConnector } from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { closeAllClients } from "../../../src/cratedb/client/registry.ts";
import { testerFileParams } from "../../e2e/tester-files.ts";
import { batchDir, TESTER_NULL, writeBatchFile } from "../../helpers/batch-writer.ts";
import { uniqueSchema } from "../../helpers/cratedb.ts";
import { col, dropSchema, selectRows, testClient, testConfiguration } from "../../helpers/ops.ts";
import { U } from "../../helpers/write-batch.ts";
import { grpcClient, grpcUnary, startTestServer, type TestServer } from "../../rpc/server-fixture.ts";

let server: TestServer;
let rpc: grpc.Client;
let dir: string;
let cleanup: () => Promise<void>;
const schema = uniqueSchema("rpc_write");
const configuration = testConfiguration();
const m = DestinationConnector.method;
const fileParams = testerFileParams(false);

before(async () => {
  server = await startTestServer();
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

describe("WriteBatch and WriteHistoryBatch through the gRPC server", () => {
  test("WriteBatch applies replace, update and delete files and answers success once the rows are visible", async () => {
    const table = {
      name: "orders",
      columns: [
        { name: "id", type: DataType.INT, primaryKey: true },
        { name: "note", type: DataType.STRING },
        { name: "_fivetran_synced", type: DataType.UTC_DATETIME },
      ],
    };
    const created = await grpcUnary(rpc, m.createTable, { configuration, schemaName: schema, table });
    assert.equal(created.response.case, "success");
    const columns = [col("id", "INT", true), col("note", "STRING"), col("_fivetran_synced", "UTC_DATETIME")];
    const T = "2024-01-01T00:00:00Z";
    const replace = await writeBatchFile({
      dir,
      columns,
      rows: [
        ["1", "a", T],
        ["2", "b", T],
        ["3", "c", T],
      ],
    });
    const update = await writeBatchFile({
      dir,
      columns,
      rows: [
        ["2", "B", T],
        ["3", U, T],
      ],
    });
    const del = await writeBatchFile({ dir, columns, rows: [["3", TESTER_NULL, T]] });
    const res = await grpcUnary(rpc, m.writeBatch, {
      configuration,
      schemaName: schema,
      table,
      keys: { ...replace.keys, ...update.keys, ...del.keys },
      replaceFiles: [replace.path],
      updateFiles: [update.path],
      deleteFiles: [del.path],
      fileParams,
    });
    assert.equal(res.response.case, "success");
    const client = testClient();
    try {
      // No REFRESH of our own: the RPC's final refresh must have made the rows searchable.
      const rows = await client.sql(`SELECT "id", "note" FROM "${schema}"."orders" ORDER BY "id"`);
      assert.deepEqual(rows.rows, [
        [1, "a"],
        [2, "B"],
      ]);
    } finally {
      await client.close();
    }
  });

  test("WriteBatch with an unreadable file answers a Task naming the file", async () => {
    const res = await grpcUnary(rpc, m.writeBatch, {
      configuration,
      schemaName: schema,
      table: { name: "orders", columns: [{ name: "id", type: DataType.INT, primaryKey: true }] },
      replaceFiles: [`${dir}/missing_upsert.csv.zstd.aes`],
      fileParams,
    });
    assert.equal(res.response.case, "task");
    assert.match(
      String(res.response.case === "task" ? res.response.value.message : ""),
      /missing_upsert\.csv\.zstd\.aes/,
    );
  });

  test("WriteHistoryBatch closes the old version and inserts the new one", async () => {
    const table = {
      name: "hist",
      columns: [
        { name: "id", type: DataType.INT, primaryKey: true },
        { name: "v", type: DataType.STRING },
        { name: "_fivetran_start", type: DataType.UTC_DATETIME, primaryKey: true },
        { name: "_fivetran_end", type: DataType.UTC_DATETIME },
        { name: "_fivetran_active", type: DataType.BOOLEAN },
        { name: "_fivetran_synced", type: DataType.UTC_DATETIME },
      ],
    };
    assert.equal(
      (await grpcUnary(rpc, m.createTable, { configuration, schemaName: schema, table })).response.case,
      "success",
    );
    const columns = [
      col("id", "INT", true),
      col("v", "STRING"),
      col("_fivetran_start", "UTC_DATETIME", true),
      col("_fivetran_end", "UTC_DATETIME"),
      col("_fivetran_active", "BOOLEAN"),
      col("_fivetran_synced", "UTC_DATETIME"),
    ];
    const MAX = "9999-12-31T23:59:59.999Z";
    const send = async (files: { earliest?: string[][]; replace?: string[][] }) => {
      const earliest = files.earliest
        ? await writeBatchFile({ dir, columns: [columns[0]!, columns[2]!], rows: files.earliest })
        : undefined;
      const replace = files.replace ? await writeBatchFile({ dir, columns, rows: files.replace }) : undefined;
      return grpcUnary(rpc, m.writeHistoryBatch, {
        configuration,
        schemaName: schema,
        table,
        keys: { ...earliest?.keys, ...replace?.keys },
        earliestStartFiles: earliest ? [earliest.path] : [],
        replaceFiles: replace ? [replace.path] : [],
        fileParams,
      });
    };
    const first = await send({
      replace: [["1", "a", "2024-01-01T00:00:00Z", MAX, "true", "2024-01-01T00:00:00Z"]],
    });
    assert.equal(first.response.case, "success");
    const second = await send({
      earliest: [["1", "2024-01-02T00:00:00Z"]],
      replace: [["1", "b", "2024-01-02T00:00:00Z", MAX, "true", "2024-01-02T00:00:00Z"]],
    });
    assert.equal(second.response.case, "success");
    const client = testClient();
    try {
      assert.deepEqual(
        await selectRows(
          client,
          { schema, table: "hist" },
          ["v", "_fivetran_end", "_fivetran_active"],
          ["_fivetran_start"],
        ),
        [
          ["a", Date.parse("2024-01-02T00:00:00Z") - 1, false],
          ["b", Date.parse(MAX), true],
        ],
      );
    } finally {
      await client.close();
    }
  });
});
