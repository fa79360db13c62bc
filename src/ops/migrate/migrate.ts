/**
 * Migrate (fivetran-protocol.md §7.10, docs/migrate.md): one schema migration on one table,
 * dispatched by operation. Fivetran re-sends migrations, and CrateDB has no transactions, so
 * every operation is a sequence of named steps that each converge when repeated: a re-run after
 * a failure at any step ends with the same table as an uninterrupted run.
 */
import type { SqlClient } from "../../cratedb/sql-client.ts";
import { info } from "../../log.ts";
import type { TableRef } from "../../table-def.ts";
import { addColumnWithDefault, copyColumn, renameColumn, updateColumnValue } from "./column.ts";
import { addColumnInHistoryMode, dropColumnInHistoryMode } from "./history.ts";
import { copyTableToHistoryMode, historyToSoftDelete, softDeleteToHistory } from "./sync-mode.ts";
import { copyTable, dropTable, renameTable } from "./table.ts";
import type { MigrateOptions, MigrateOutcome, Migration } from "./types.ts";

export type { MigrateOptions, MigrateOutcome, Migration } from "./types.ts";

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
