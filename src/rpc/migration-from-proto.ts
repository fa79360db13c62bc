/** Protobuf MigrationDetails → the destination's own Migration (src/ops/migrate.ts). */
import type { MigrationDetails } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import type { Migration } from "../ops/migrate/migrate.ts";
import { FIVETRAN_TYPES, type FivetranType } from "../table-def.ts";

/** An enum number this build doesn't know (a newer SDK) is stored like UNSPECIFIED: as text. */
const typeOf = (n: number): FivetranType => FIVETRAN_TYPES[n] ?? "UNSPECIFIED";

const unsupported = (what: string): Migration => ({ op: "unsupported", what });

// TableSyncModeMigrationType numbers (fivetran-protocol.md §3.2); 0 is SOFT_DELETE_TO_LIVE.
const SOFT_DELETE_TO_HISTORY = 1;
const HISTORY_TO_SOFT_DELETE = 2;

export function migrationFromProto(details: MigrationDetails): Migration {
  const operation = details.operation;
  switch (operation.case) {
    case "drop": {
      const entity = operation.value.entity;
      if (entity.case === "dropTable") return { op: "drop_table" };
      if (entity.case === "dropColumnInHistoryMode") {
        const { column, operationTimestamp } = entity.value;
        return { op: "drop_column_in_history_mode", column, operationTimestamp };
      }
      return unsupported("drop");
    }
    case "copy": {
      const entity = operation.value.entity;
      if (entity.case === "copyTable") {
        const { fromTable, toTable } = entity.value;
        return { op: "copy_table", fromTable, toTable };
      }
      if (entity.case === "copyColumn") {
        const { fromColumn, toColumn } = entity.value;
        return { op: "copy_column", fromColumn, toColumn };
      }
      if (entity.case === "copyTableToHistoryMode") {
        const { fromTable, toTable, softDeletedColumn } = entity.value;
        return { op: "copy_table_to_history_mode", fromTable, toTable, softDeletedColumn };
      }
      return unsupported("copy");
    }
    case "rename": {
      const entity = operation.value.entity;
      if (entity.case === "renameTable") {
        const { fromTable, toTable } = entity.value;
        return { op: "rename_table", fromTable, toTable };
      }
      if (entity.case === "renameColumn") {
        const { fromColumn, toColumn } = entity.value;
        return { op: "rename_column", fromColumn, toColumn };
      }
      return unsupported("rename");
    }
    case "add": {
      const entity = operation.value.entity;
      if (entity.case === "addColumnWithDefaultValue") {
        const { column, columnType, defaultValue } = entity.value;
        return { op: "add_column_with_default_value", column, columnType: typeOf(columnType), defaultValue };
      }
      if (entity.case === "addColumnInHistoryMode") {
        const { column, columnType, defaultValue, operationTimestamp } = entity.value;
        return {
          op: "add_column_in_history_mode",
          column,
          columnType: typeOf(columnType),
          defaultValue,
          operationTimestamp,
        };
      }
      return unsupported("add");
    }
    case "updateColumnValue": {
      const { column, value } = operation.value;
      return { op: "update_column_value", column, value };
    }
    case "tableSyncModeMigration": {
      const { type, softDeletedColumn } = operation.value;
      if (type === SOFT_DELETE_TO_HISTORY)
        return { op: "soft_delete_to_history", softDeletedColumn: softDeletedColumn ?? "" };
      if (type === HISTORY_TO_SOFT_DELETE)
        return { op: "history_to_soft_delete", softDeletedColumn: softDeletedColumn ?? "" };
      // Live mode is not enabled for partner destinations (fivetran-protocol.md §7.10).
      return unsupported(`table_sync_mode_migration ${type}`);
    }
    default:
      return unsupported("operation not set");
  }
}
