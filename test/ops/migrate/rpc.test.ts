/** Migrate through the real gRPC server, and the protobuf → Migration conversion. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import type * as grpc from "@grpc/grpc-js";
import { DataType } from "../../../gen/fivetran_sdk/v2/common_pb.ts";
import {
  DestinationConnector,
  MigrationDetailsSchema,
  TableSyncModeMigrationType,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { closeAllClients } from "../../../src/cratedb/client/registry.ts";
import { migrationFromProto } from "../../../src/rpc/migration-from-proto.ts";
import { SOFT_NAMES, SOFT_ROWS, softDelete } from "../../helpers/migrate.ts";
import { dropSchema, selectRows, TableSeeder, testClient, testConfiguration } from "../../helpers/ops.ts";
import { grpcClient, grpcUnary, startTestServer, type TestServer } from "../../rpc/server-fixture.ts";

let server: TestServer;
let rpc: grpc.Client;
let seeder: TableSeeder;
const dbClient = testClient();
const configuration = testConfiguration();
const m = DestinationConnector.method;

before(async () => {
  server = await startTestServer();
  rpc = grpcClient(server.port);
  seeder = new TableSeeder(dbClient, "rpc_migrate");
});
after(async () => {
  rpc.close();
  await server.close();
  await dropSchema(dbClient, seeder.schema);
  await dbClient.close();
  await closeAllClients();
});

describe("Migrate through the gRPC server", () => {
  test("add_column_with_default_value answers success and backfills every row", async () => {
    const ref = await seeder.seeded(softDelete, SOFT_NAMES, SOFT_ROWS);
    const res = await grpcUnary(rpc, m.migrate, {
      configuration,
      details: {
        schema: ref.schema,
        table: ref.table,
        operation: {
          case: "add",
          value: {
            entity: {
              case: "addColumnWithDefaultValue",
              value: { column: "region", columnType: DataType.STRING, defaultValue: "eu" },
            },
          },
        },
      },
    });
    assert.deepEqual(res.response, { case: "success", value: true });
    assert.deepEqual(await selectRows(dbClient, ref, ["id", "region"]), [
      [1, "eu"],
      [2, "eu"],
      [3, "eu"],
    ]);
  });

  test("a live-mode migration answers unsupported", async () => {
    const res = await grpcUnary(rpc, m.migrate, {
      configuration,
      details: {
        schema: seeder.schema,
        table: "t",
        operation: {
          case: "tableSyncModeMigration",
          value: { type: TableSyncModeMigrationType.HISTORY_TO_LIVE },
        },
      },
    });
    assert.deepEqual(res.response, { case: "unsupported", value: true });
  });

  test("a missing table answers a Task that names it", async () => {
    const res = await grpcUnary(rpc, m.migrate, {
      configuration,
      details: {
        schema: seeder.schema,
        table: "absent",
        operation: { case: "updateColumnValue", value: { column: "c", value: "v" } },
      },
    });
    assert.equal(res.response.case, "task");
    assert.match(res.response.case === "task" ? res.response.value.message : "", /"absent" does not exist/);
  });
});

describe("MigrationDetails → Migration", () => {
  const details = (operation: Parameters<typeof create<typeof MigrationDetailsSchema>>[1]) =>
    create(MigrationDetailsSchema, { schema: "s", table: "t", ...operation });

  test("each operation maps to its plain form", () => {
    const cases: [Parameters<typeof details>[0], unknown][] = [
      [
        { operation: { case: "drop", value: { entity: { case: "dropTable", value: true } } } },
        { op: "drop_table" },
      ],
      [
        {
          operation: {
            case: "drop",
            value: {
              entity: {
                case: "dropColumnInHistoryMode",
                value: { column: "c", operationTimestamp: "2005-05-28T20:57:00Z" },
              },
            },
          },
        },
        { op: "drop_column_in_history_mode", column: "c", operationTimestamp: "2005-05-28T20:57:00Z" },
      ],
      [
        {
          operation: {
            case: "copy",
            value: { entity: { case: "copyTable", value: { fromTable: "a", toTable: "b" } } },
          },
        },
        { op: "copy_table", fromTable: "a", toTable: "b" },
      ],
      [
        {
          operation: {
            case: "copy",
            value: { entity: { case: "copyColumn", value: { fromColumn: "a", toColumn: "b" } } },
          },
        },
        { op: "copy_column", fromColumn: "a", toColumn: "b" },
      ],
      [
        {
          operation: {
            case: "copy",
            value: {
              entity: {
                case: "copyTableToHistoryMode",
                value: { fromTable: "a", toTable: "b", softDeletedColumn: "d" },
              },
            },
          },
        },
        { op: "copy_table_to_history_mode", fromTable: "a", toTable: "b", softDeletedColumn: "d" },
      ],
      [
        {
          operation: {
            case: "rename",
            value: { entity: { case: "renameTable", value: { fromTable: "a", toTable: "b" } } },
          },
        },
        { op: "rename_table", fromTable: "a", toTable: "b" },
      ],
      [
        {
          operation: {
            case: "rename",
            value: { entity: { case: "renameColumn", value: { fromColumn: "a", toColumn: "b" } } },
          },
        },
        { op: "rename_column", fromColumn: "a", toColumn: "b" },
      ],
      [
        {
          operation: {
            case: "add",
            value: {
              entity: {
                case: "addColumnInHistoryMode",
                value: {
                  column: "c",
                  columnType: DataType.DECIMAL,
                  defaultValue: "1",
                  operationTimestamp: "x",
                },
              },
            },
          },
        },
        {
          op: "add_column_in_history_mode",
          column: "c",
          columnType: "DECIMAL",
          defaultValue: "1",
          operationTimestamp: "x",
        },
      ],
      [
        { operation: { case: "updateColumnValue", value: { column: "c", value: "NULL" } } },
        { op: "update_column_value", column: "c", value: "NULL" },
      ],
      [
        {
          operation: {
            case: "tableSyncModeMigration",
            value: { type: TableSyncModeMigrationType.SOFT_DELETE_TO_HISTORY, softDeletedColumn: "d" },
          },
        },
        { op: "soft_delete_to_history", softDeletedColumn: "d" },
      ],
      [
        {
          operation: {
            case: "tableSyncModeMigration",
            value: { type: TableSyncModeMigrationType.HISTORY_TO_SOFT_DELETE },
          },
        },
        { op: "history_to_soft_delete", softDeletedColumn: "" },
      ],
    ];
    for (const [input, expected] of cases) assert.deepEqual(migrationFromProto(details(input)), expected);
  });

  test("live-mode types, an unset type, an unset entity and an unset operation are unsupported", () => {
    for (const type of [0, 3, 4, 5, 99] as TableSyncModeMigrationType[]) {
      const migration = migrationFromProto(
        details({ operation: { case: "tableSyncModeMigration", value: { type } } }),
      );
      assert.equal(migration.op, "unsupported", `type ${type}`);
    }
    assert.equal(migrationFromProto(details({ operation: { case: "drop", value: {} } })).op, "unsupported");
    assert.equal(migrationFromProto(details({})).op, "unsupported");
  });
});
