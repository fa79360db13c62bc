/**
 * The RPCs a tester run issues, as plain values: what the replay harness sends over gRPC and what
 * the reference model (expected-state.ts) applies. Cells are in Fivetran's text form (§5).
 */
import type { FivetranType, TableDef } from "../../src/table-def.ts";
import type { Cell } from "../helpers/batch-writer.ts";

export type Row = Readonly<Record<string, Cell>>;

/** One table's files of one input file, one list per file kind (§8.3). */
export interface TableBatch {
  readonly table: TableDef;
  readonly history: boolean;
  /** History only: source key + `_fivetran_start`, one row per key. */
  readonly earliest: readonly Row[];
  readonly replace: readonly Row[];
  readonly update: readonly Row[];
  readonly delete: readonly Row[];
}

export type Migration =
  | { readonly op: "drop_table"; readonly table: string }
  | {
      readonly op: "drop_column_in_history_mode";
      readonly table: string;
      readonly column: string;
      readonly at: string;
    }
  | { readonly op: "copy_table"; readonly from: string; readonly to: string }
  | { readonly op: "copy_column"; readonly table: string; readonly from: string; readonly to: string }
  | {
      readonly op: "copy_table_to_history_mode";
      readonly from: string;
      readonly to: string;
      readonly deletedColumn: string;
    }
  | { readonly op: "rename_table"; readonly from: string; readonly to: string }
  | { readonly op: "rename_column"; readonly table: string; readonly from: string; readonly to: string }
  | {
      readonly op: "add_column_with_default_value";
      readonly table: string;
      readonly column: string;
      readonly type: FivetranType;
      readonly value: string;
    }
  | {
      readonly op: "add_column_in_history_mode";
      readonly table: string;
      readonly column: string;
      readonly type: FivetranType;
      readonly value: string;
      readonly at: string;
    }
  | {
      readonly op: "update_column_value";
      readonly table: string;
      readonly column: string;
      readonly value: string;
    }
  | {
      readonly op: "sync_mode";
      readonly table: string;
      readonly type: "SOFT_DELETE_TO_HISTORY" | "HISTORY_TO_SOFT_DELETE";
      readonly deletedColumn: string;
    };

export type TesterCall =
  | { readonly rpc: "createTable"; readonly table: TableDef }
  | { readonly rpc: "alterTable"; readonly table: TableDef; readonly dropColumns: boolean }
  | { readonly rpc: "describeTable"; readonly table: string }
  | { readonly rpc: "truncate"; readonly table: string; readonly cutoffMs: number; readonly soft: boolean }
  | { readonly rpc: "writeBatch"; readonly batch: TableBatch }
  | { readonly rpc: "writeHistoryBatch"; readonly batch: TableBatch }
  | { readonly rpc: "migrate"; readonly migration: Migration };

/** The tables a migration reads or writes (the harness re-learns their definitions afterwards). */
export function migrationTables(m: Migration): string[] {
  return "table" in m ? [m.table] : [m.from, m.to];
}
