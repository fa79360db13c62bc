/**
 * Migrate (fivetran-protocol.md §7.10, docs/migrate.md): one schema migration on one table,
 * dispatched by operation. Fivetran re-sends migrations, and CrateDB has no transactions, so
 * every operation is a sequence of named steps that each converge when repeated: a re-run after
 * a failure at any step ends with the same table as an uninterrupted run.
 */
import type { SqlClient } from "../cratedb/sql-client.ts";
import { info } from "../log.ts";
import type { FivetranType, TableRef } from "../table-def.ts";
import type { AlterOptions } from "./alter-table-steps.ts";
import { addColumnWithDefault, copyColumn, renameColumn, updateColumnValue } from "./migrate-column.ts";
import { addColumnInHistoryMode, dropColumnInHistoryMode } from "./migrate-history.ts";
import { copyTableToHistoryMode, historyToSoftDelete, softDeleteToHistory } from "./migrate-sync-mode.ts";
import { copyTable, dropTable, renameTable } from "./migrate-table.ts";

/** The operations of MigrationDetails as plain values (src/rpc/migration-from-proto.ts builds them). */
export type Migration =
  | { readonly op: "drop_table" }
  | {
      readonly op: "drop_column_in_history_mode";
      readonly column: string;
      readonly operationTimestamp: string;
    }
  | { readonly op: "copy_table"; readonly fromTable: string; readonly toTable: string }
  | { readonly op: "copy_column"; readonly fromColumn: string; readonly toColumn: string }
  | {
      readonly op: "copy_table_to_history_mode";
      readonly fromTable: string;
      readonly toTable: string;
      readonly softDeletedColumn: string;
    }
  | { readonly op: "rename_table"; readonly fromTable: string; readonly toTable: string }
  | { readonly op: "rename_column"; readonly fromColumn: string; readonly toColumn: string }
  | {
      readonly op: "add_column_with_default_value";
      readonly column: string;
      readonly columnType: FivetranType;
      readonly defaultValue: string;
    }
  | {
      readonly op: "add_column_in_history_mode";
      readonly column: string;
      readonly columnType: FivetranType;
      readonly defaultValue: string;
      readonly operationTimestamp: string;
    }
  | { readonly op: "update_column_value"; readonly column: string; readonly value: string }
  | { readonly op: "soft_delete_to_history"; readonly softDeletedColumn: string }
  | { readonly op: "history_to_soft_delete"; readonly softDeletedColumn: string }
  /** Live-mode migrations, and operations this build doesn't know: Fivetran falls back. */
  | { readonly op: "unsupported"; readonly what: string };

export type MigrateOutcome = "success" | "unsupported";

export interface MigrateOptions extends AlterOptions {
  /** Keys handled per round where a migration reads keys into memory (default 10 000). */
  readonly keysPerRound?: number;
}

/** `ref` is `details.schema`/`details.table`; table-to-table operations name their own tables. */
export async function migrate(
  client: SqlClient,
  ref: TableRef,
  migration: Migration,
  options: MigrateOptions = {},
): Promise<MigrateOutcome> {
  const inSchema = (table: string): TableRef => ({ schema: ref.schema, table: table || ref.table });
  switch (migration.op) {
    case "drop_table":
      await dropTable(client, ref, options);
      break;
    case "copy_table":
      await copyTable(client, inSchema(migration.fromTable), inSchema(migration.toTable), options);
      break;
    case "rename_table":
      await renameTable(client, inSchema(migration.fromTable), inSchema(migration.toTable), options);
      break;
    case "copy_column":
      await copyColumn(client, ref, migration.fromColumn, migration.toColumn, options);
      break;
    case "rename_column":
      await renameColumn(client, ref, migration.fromColumn, migration.toColumn, options);
      break;
    case "add_column_with_default_value":
      await addColumnWithDefault(
        client,
        ref,
        { name: migration.column, type: migration.columnType, primaryKey: false },
        migration.defaultValue,
        options,
      );
      break;
    case "update_column_value":
      await updateColumnValue(client, ref, migration.column, migration.value, options);
      break;
    case "add_column_in_history_mode":
      await addColumnInHistoryMode(
        client,
        ref,
        { name: migration.column, type: migration.columnType, primaryKey: false },
        migration.defaultValue,
        migration.operationTimestamp,
        options,
      );
      break;
    case "drop_column_in_history_mode":
      await dropColumnInHistoryMode(client, ref, migration.column, migration.operationTimestamp, options);
      break;
    case "copy_table_to_history_mode":
      await copyTableToHistoryMode(
        client,
        inSchema(migration.fromTable),
        inSchema(migration.toTable),
        migration.softDeletedColumn,
        options,
      );
      break;
    case "soft_delete_to_history":
      await softDeleteToHistory(client, ref, migration.softDeletedColumn, options);
      break;
    case "history_to_soft_delete":
      await historyToSoftDelete(client, ref, migration.softDeletedColumn, options);
      break;
    case "unsupported":
      info(`Migrate: ${migration.what} on ${ref.schema}.${ref.table} is not supported; Fivetran falls back`);
      return "unsupported";
  }
  return "success";
}
