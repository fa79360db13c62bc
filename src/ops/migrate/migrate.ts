/**
 * Migrate (fivetran-protocol.md §7.10, docs/migrate.md): one schema migration on one table,
 * dispatched by operation. Fivetran re-sends migrations, and CrateDB has no transactions, so
 * every operation is a sequence of named steps that each converge when repeated: a re-run after
 * a failure at any step ends with the same table as an uninterrupted run.
 */

import { shownTable } from "../../errors.ts";
import type { TableRef } from "../../table-def.ts";
import type { CallContext } from "../context.ts";
import { addColumnWithDefault, copyColumn, renameColumn, updateColumnValue } from "./column.ts";
import { addColumnInHistoryMode, dropColumnInHistoryMode } from "./history.ts";
import { copyTableToHistoryMode, historyToSoftDelete, softDeleteToHistory } from "./sync-mode.ts";
import { copyTable, dropTable, renameTable } from "./table.ts";
import type { MigrateOptions, MigrateOutcome, Migration } from "./types.ts";

export type { MigrateOptions, MigrateOutcome, Migration } from "./types.ts";

/** `ref` is `details.schema`/`details.table`; table-to-table operations name their own tables. */
export async function migrate(
  ctx: CallContext,
  ref: TableRef,
  migration: Migration,
  options: MigrateOptions = {},
): Promise<MigrateOutcome> {
  const inSchema = (table: string): TableRef => ({ schema: ref.schema, table: table || ref.table });
  switch (migration.op) {
    case "drop_table":
      await dropTable(ctx, ref);
      break;
    case "copy_table":
      await copyTable(ctx, inSchema(migration.fromTable), inSchema(migration.toTable));
      break;
    case "rename_table":
      await renameTable(ctx, inSchema(migration.fromTable), inSchema(migration.toTable));
      break;
    case "copy_column":
      await copyColumn(ctx, ref, migration.fromColumn, migration.toColumn);
      break;
    case "rename_column":
      await renameColumn(ctx, ref, migration.fromColumn, migration.toColumn);
      break;
    case "add_column_with_default_value":
      await addColumnWithDefault(
        ctx,
        ref,
        { name: migration.column, type: migration.columnType, primaryKey: false },
        migration.defaultValue,
      );
      break;
    case "update_column_value":
      await updateColumnValue(ctx, ref, migration.column, migration.value);
      break;
    case "add_column_in_history_mode":
      await addColumnInHistoryMode(
        ctx,
        ref,
        { name: migration.column, type: migration.columnType, primaryKey: false },
        migration.defaultValue,
        migration.operationTimestamp,
      );
      break;
    case "drop_column_in_history_mode":
      await dropColumnInHistoryMode(ctx, ref, migration.column, migration.operationTimestamp);
      break;
    case "copy_table_to_history_mode":
      await copyTableToHistoryMode(
        ctx,
        inSchema(migration.fromTable),
        inSchema(migration.toTable),
        migration.softDeletedColumn,
      );
      break;
    case "soft_delete_to_history":
      await softDeleteToHistory(ctx, ref, migration.softDeletedColumn);
      break;
    case "history_to_soft_delete":
      await historyToSoftDelete(ctx, ref, migration.softDeletedColumn, options);
      break;
    case "unsupported":
      ctx.log.info(`Migrate: ${migration.what} on ${shownTable(ref)} is not supported; Fivetran falls back`);
      return "unsupported";
  }
  return "success";
}
