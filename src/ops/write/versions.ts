/**
 * Reading stored versions back by key: history mode's steps (write/history*.ts) and Migrate's
 * keep-latest look up a set of keys' versions with `K = ANY(?)` and then change each version by its
 * full primary key — a lookup by document id, where a statement searching by K would cost CrateDB
 * a search per key (docs/spec/cratedb.md §0).
 */
import { plainDecimal } from "../../batch/convert/decimal.ts";
import type { BatchValue } from "../../batch/index.ts";
import { selectVersions } from "../../cratedb/sql/write-history.ts";
import type { SqlValue } from "../../cratedb/sql-client.ts";
import { SYSTEM_COLUMN, type TableDef, type TableRef } from "../../table-def.ts";
import { type CallContext, run } from "../context.ts";
import { indexesOf, keyOf } from "./rows.ts";

/** Keys looked up per SELECT: keeps the statement text and the answer small. */
const KEYS_PER_LOOKUP = 500;

/**
 * Key strings that compare a file's values with values read back. NUMERIC key values come back as
 * JSON numbers (or exact text) and may differ in trailing zeros from the file's decimal text, so
 * DECIMAL parts are compared in one canonical form; every other type reads back as it was sent.
 */
export function keyMaker(
  table: Pick<TableDef, "columns">,
  keyColumns: readonly string[],
): (row: readonly unknown[], at: readonly number[]) => string {
  const decimal = keyColumns.map((name) => table.columns.find((c) => c.name === name)?.type === "DECIMAL");
  if (!decimal.includes(true)) return (row, at) => keyOf(row as BatchValue[], at);
  return (row, at) =>
    keyOf(
      at.map(
        (i, k) => (decimal[k] && row[i] != null ? canonicalDecimal(String(row[i])) : row[i]) as BatchValue,
      ),
      at.map((_, k) => k),
    );
}

function canonicalDecimal(text: string): string {
  const plain = plainDecimal(text);
  if (!plain.includes(".")) return plain === "-0" ? "0" : plain;
  const trimmed = plain.replace(/0+$/, "").replace(/\.$/, "");
  return trimmed === "-0" ? "0" : trimmed;
}

export interface Version {
  readonly start: number;
  readonly values: readonly unknown[];
}

/** Each key's versions (table columns in `tableColumns` order), ascending by start. */
export async function versionsOf(
  ctx: CallContext,
  ref: TableRef,
  keyFor: (row: readonly unknown[], at: readonly number[]) => string,
  tableColumns: readonly string[],
  keyColumns: readonly string[],
  keys: readonly (readonly SqlValue[])[],
): Promise<Map<string, Version[]>> {
  const keyIndexes = indexesOf(tableColumns, keyColumns);
  const startIndex = tableColumns.indexOf(SYSTEM_COLUMN.start);
  const found = new Map<string, Version[]>();
  for (let i = 0; i < keys.length; i += KEYS_PER_LOOKUP) {
    const sql = selectVersions(ref, tableColumns, keyColumns, keys.slice(i, i + KEYS_PER_LOOKUP));
    const result = await run(ctx, sql);
    for (const row of result.rows) {
      const key = keyFor(row, keyIndexes);
      const list = found.get(key) ?? [];
      list.push({ start: Number(row[startIndex]), values: row });
      found.set(key, list);
    }
  }
  for (const list of found.values()) list.sort((a, b) => a.start - b.start);
  return found;
}
