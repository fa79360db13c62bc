/**
 * How the tester turns one input file's ops into batch files (fivetran-protocol.md §8.2–8.3):
 * every op's rows are gathered per table and file kind, stamped with the op's wall-clock time as
 * `_fivetran_synced`; for history tables `_fivetran_start/_end/_active` are computed across all
 * versions of a key in the batch, and an earliest_start file is derived.
 */
import { UNMODIFIED } from "../../src/batch/values.ts";
import { SYSTEM_COLUMN, type TableDef } from "../../src/table-def.ts";
import type { Cell } from "../helpers/batch-writer.ts";
import type { Row, TableBatch } from "./tester-calls.ts";
import { type InputRow, isHistoryTable, type JsonValue, sourceKey } from "./tester-input.ts";

/** The tester's "active version" end (§4). */
export const MAX_END = "9999-12-31T23:59:59.999Z";

export type OpKind = "upsert" | "update" | "delete" | "soft_delete";

interface Pending {
  table: TableDef;
  replace: Record<string, Cell>[];
  update: Record<string, Cell>[];
  delete: Record<string, Cell>[];
}

/** JSON values are copied as text, as the tester does (numbers through a double). */
function text(value: JsonValue | undefined): Cell {
  if (value === undefined || value === null) return null;
  return String(value);
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class BatchCollector {
  readonly #pending = new Map<string, Pending>();

  /** Adds one op's rows for one table, written at `syncedMs`. */
  add(kind: OpKind, table: TableDef, rows: readonly InputRow[], syncedMs: number): void {
    let pending = this.#pending.get(table.name);
    if (!pending) {
      pending = { table, replace: [], update: [], delete: [] };
      this.#pending.set(table.name, pending);
    }
    pending.table = table;
    const history = isHistoryTable(table);
    const synced = iso(syncedMs);
    const hasDeleted = table.columns.some((c) => c.name === SYSTEM_COLUMN.deleted);
    for (const input of rows) {
      const opTime = typeof input["op_time"] === "string" ? input["op_time"] : undefined;
      if (history && opTime === undefined) throw new Error(`history row of ${table.name} without op_time`);
      const row: Record<string, Cell> = {};
      const historyDelete = history && (kind === "delete" || kind === "soft_delete");
      for (const column of table.columns) {
        const given = column.name in input;
        if (kind === "upsert") row[column.name] = text(input[column.name]);
        else if (kind === "update") row[column.name] = given ? text(input[column.name]) : UNMODIFIED;
        else if (kind === "delete" || historyDelete)
          row[column.name] = column.primaryKey ? text(input[column.name]) : null;
        else row[column.name] = column.primaryKey ? text(input[column.name]) : UNMODIFIED; // soft delete
      }
      row[SYSTEM_COLUMN.synced] = synced;
      if (history && opTime !== undefined) {
        if (historyDelete) {
          row[SYSTEM_COLUMN.start] = null;
          row[SYSTEM_COLUMN.end] = opTime;
          row[SYSTEM_COLUMN.active] = "false";
        } else {
          row[SYSTEM_COLUMN.start] = opTime;
        }
      } else if (hasDeleted && kind !== "delete") {
        row[SYSTEM_COLUMN.deleted] = kind === "soft_delete" ? "true" : "false";
      }
      if (kind === "upsert") pending.replace.push(row);
      else if (kind === "update" || (kind === "soft_delete" && !history)) pending.update.push(row);
      else pending.delete.push(row);
    }
  }

  /** The batches of this input file, in the order the tables were first written. */
  batches(): TableBatch[] {
    return [...this.#pending.values()].map((p) =>
      isHistoryTable(p.table) ? historyBatch(p) : { ...p, history: false, earliest: [] },
    );
  }
}

/**
 * Versions of one key, ordered by start: each ends 1 ms before the next one starts and is inactive;
 * the last is active until the maximum timestamp.
 */
function historyBatch(p: Pending): TableBatch {
  const key = sourceKey(p.table);
  const keyOf = (row: Row): string => JSON.stringify(key.map((k) => row[k]));
  const byKey = new Map<string, Record<string, Cell>[]>();
  for (const row of [...p.replace, ...p.update]) {
    const k = keyOf(row);
    byKey.set(k, [...(byKey.get(k) ?? []), row]);
  }
  const startMs = (row: Row): number => Date.parse(String(row[SYSTEM_COLUMN.start]));
  const earliest: Row[] = [];
  for (const versions of byKey.values()) {
    versions.sort((a, b) => startMs(a) - startMs(b));
    versions.forEach((row, i) => {
      const next = versions[i + 1];
      row[SYSTEM_COLUMN.end] = next ? iso(startMs(next) - 1) : MAX_END;
      row[SYSTEM_COLUMN.active] = next ? "false" : "true";
    });
    const first = versions[0]!;
    earliest.push(
      Object.fromEntries([...key, SYSTEM_COLUMN.start].map((c) => [c, first[c] ?? null] as const)),
    );
  }
  return { table: p.table, history: true, earliest, replace: p.replace, update: p.update, delete: p.delete };
}
