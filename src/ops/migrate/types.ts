/**
 * The vocabulary of Migrate, shared by the dispatcher (migrate.ts) and the operations beside it,
 * so none of them imports the dispatcher.
 */
import type { FivetranType } from "../../table-def.ts";

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

export interface MigrateOptions {
  /** Keys handled per round where a migration reads keys into memory (default 10 000). */
  readonly keysPerRound?: number;
}
