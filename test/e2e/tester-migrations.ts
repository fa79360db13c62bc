/**
 * The tester's schema_migration kinds (fivetran-protocol.md §8.2) as Migration values, and those
 * as the MigrationDetails message the tester sends.
 */
import type { DataType } from "../../gen/fivetran_sdk/v2/common_pb.ts";
import { TableSyncModeMigrationType } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { FIVETRAN_TYPES } from "../../src/table-def.ts";
import type { Migration } from "./tester-calls.ts";
import { fivetranType } from "./tester-input.ts";

export function toMigration(kind: string, s: (key: string) => string): Migration {
  switch (kind) {
    case "copy_column":
      return { op: "copy_column", table: s("table"), from: s("from_column"), to: s("to_column") };
    case "update_column_value":
      return { op: "update_column_value", table: s("table"), column: s("column"), value: s("value") };
    case "set_column_to_null":
      return { op: "update_column_value", table: s("table"), column: s("column"), value: "NULL" };
    case "add_column_with_default_value":
      return {
        op: "add_column_with_default_value",
        table: s("table"),
        column: s("column"),
        type: fivetranType(s("data_type")),
        value: s("default_value"),
      };
    case "copy_table":
      return { op: "copy_table", from: s("from_table"), to: s("to_table") };
    case "rename_column":
      return { op: "rename_column", table: s("table"), from: s("from_column"), to: s("to_column") };
    case "rename_table":
      return { op: "rename_table", from: s("from_table"), to: s("to_table") };
    case "drop_table":
      return { op: "drop_table", table: s("table") };
    case "add_column_in_history_mode":
      return {
        op: "add_column_in_history_mode",
        table: s("table"),
        column: s("column"),
        type: fivetranType(s("data_type")),
        value: s("default_value"),
        at: s("operation_timestamp"),
      };
    case "drop_column_in_history_mode":
      return {
        op: "drop_column_in_history_mode",
        table: s("table"),
        column: s("column"),
        at: s("operation_timestamp"),
      };
    case "copy_table_to_history_mode":
      return {
        op: "copy_table_to_history_mode",
        from: s("from_table"),
        to: s("to_table"),
        deletedColumn: s("deleted_column"),
      };
    case "migrate_soft_delete_to_history":
      return {
        op: "sync_mode",
        table: s("table"),
        type: "SOFT_DELETE_TO_HISTORY",
        deletedColumn: s("deleted_column"),
      };
    case "migrate_history_to_soft_delete":
      return {
        op: "sync_mode",
        table: s("table"),
        type: "HISTORY_TO_SOFT_DELETE",
        deletedColumn: s("deleted_column"),
      };
    default:
      throw new Error(`schema_migration kind ${kind} is not supported by the tester`);
  }
}

const dataType = (type: (typeof FIVETRAN_TYPES)[number]): DataType =>
  FIVETRAN_TYPES.indexOf(type) as DataType;

/** MigrationDetails as the tester sends it: `table` is the migrated (or source) table. */
export function migrationDetails(schema: string, mig: Migration) {
  const table = "table" in mig ? mig.table : mig.from;
  const base = { schema, table };
  switch (mig.op) {
    case "drop_table":
      return {
        ...base,
        operation: { case: "drop" as const, value: { entity: { case: "dropTable" as const, value: true } } },
      };
    case "drop_column_in_history_mode":
      return {
        ...base,
        operation: {
          case: "drop" as const,
          value: {
            entity: {
              case: "dropColumnInHistoryMode" as const,
              value: { column: mig.column, operationTimestamp: mig.at },
            },
          },
        },
      };
    case "copy_table":
      return {
        ...base,
        operation: {
          case: "copy" as const,
          value: { entity: { case: "copyTable" as const, value: { fromTable: mig.from, toTable: mig.to } } },
        },
      };
    case "copy_column":
      return {
        ...base,
        operation: {
          case: "copy" as const,
          value: {
            entity: { case: "copyColumn" as const, value: { fromColumn: mig.from, toColumn: mig.to } },
          },
        },
      };
    case "copy_table_to_history_mode":
      return {
        ...base,
        operation: {
          case: "copy" as const,
          value: {
            entity: {
              case: "copyTableToHistoryMode" as const,
              value: { fromTable: mig.from, toTable: mig.to, softDeletedColumn: mig.deletedColumn },
            },
          },
        },
      };
    case "rename_table":
      return {
        ...base,
        operation: {
          case: "rename" as const,
          value: {
            entity: { case: "renameTable" as const, value: { fromTable: mig.from, toTable: mig.to } },
          },
        },
      };
    case "rename_column":
      return {
        ...base,
        operation: {
          case: "rename" as const,
          value: {
            entity: { case: "renameColumn" as const, value: { fromColumn: mig.from, toColumn: mig.to } },
          },
        },
      };
    case "add_column_with_default_value":
      return {
        ...base,
        operation: {
          case: "add" as const,
          value: {
            entity: {
              case: "addColumnWithDefaultValue" as const,
              value: { column: mig.column, columnType: dataType(mig.type), defaultValue: mig.value },
            },
          },
        },
      };
    case "add_column_in_history_mode":
      return {
        ...base,
        operation: {
          case: "add" as const,
          value: {
            entity: {
              case: "addColumnInHistoryMode" as const,
              value: {
                column: mig.column,
                columnType: dataType(mig.type),
                defaultValue: mig.value,
                operationTimestamp: mig.at,
              },
            },
          },
        },
      };
    case "update_column_value":
      return {
        ...base,
        operation: { case: "updateColumnValue" as const, value: { column: mig.column, value: mig.value } },
      };
    case "sync_mode":
      return {
        ...base,
        operation: {
          case: "tableSyncModeMigration" as const,
          value: { type: TableSyncModeMigrationType[mig.type], softDeletedColumn: mig.deletedColumn },
        },
      };
  }
}
