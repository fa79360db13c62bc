/**
 * History-mode update rows (fivetran-protocol.md §7.9 step 3): each is a new version carrying
 * only its changed columns; every unmodified field (and every table column the file lacks) is
 * filled from the base version — the version of the same key with the greatest `_fivetran_start`
 * strictly before the row's own. Candidates are the table's versions (refreshed, so they include
 * this batch's replace rows and earlier update chunks) and the chunk's own earlier rows, which is
 * why a chunk's rows are completed per key in ascending start order. A row without a base is
 * skipped: never insert a partial row.
 */

import { type BatchValue, type RowChunk, UNMODIFIED } from "../../batch/index.ts";
import type { SqlValue } from "../../cratedb/sql-client.ts";
import { SYSTEM_COLUMN, type TableDef, type TableRef } from "../../table-def.ts";
import { asArg } from "../args.ts";
import type { CallContext } from "../context.ts";
import { checkKey, indexesOf, type PreparedRows } from "./rows.ts";
import { keyMaker, type Version, versionsOf } from "./versions.ts";

/** The latest version strictly before `start` in an ascending list. */
function baseBefore(versions: readonly Version[], start: number): Version | undefined {
  let base: Version | undefined;
  for (const v of versions) {
    if (v.start >= start) break;
    base = v;
  }
  return base;
}

/**
 * Completed rows (all table columns, in `tableColumns` order) for one chunk of an update file;
 * rows without a base version are left out.
 */
export async function completeUpdates(
  ctx: CallContext,
  ref: TableRef,
  table: TableDef,
  keyColumns: readonly string[],
  file: string,
  chunk: RowChunk,
): Promise<PreparedRows & { skipped: number }> {
  const tableColumns = table.columns.map((c) => c.name);
  const keyFor = keyMaker(table, keyColumns);
  const keyIndexes = indexesOf(chunk.columns, keyColumns);
  const startIndex = indexesOf(chunk.columns, [SYSTEM_COLUMN.start])[0]!;
  const fromFile = tableColumns.map((name) => chunk.columns.indexOf(name));
  const byKey = new Map<string, number[]>();
  const keyValues: SqlValue[][] = [];
  for (let r = 0; r < chunk.rows.length; r++) {
    checkKey(file, chunk, r, [...keyIndexes, startIndex]);
    const row = chunk.rows[r]!;
    const key = keyFor(row, keyIndexes);
    let rows = byKey.get(key);
    if (rows === undefined) {
      rows = [];
      byKey.set(key, rows);
      keyValues.push(keyIndexes.map((i) => asArg(row[i]!)));
    }
    rows.push(r);
  }
  const versions = await versionsOf(ctx, ref, keyFor, tableColumns, keyColumns, keyValues);
  const out: PreparedRows & { skipped: number } = { rows: [], rowNumbers: [], keys: [], skipped: 0 };
  // Two rows of one key with the same start are one version: the later row wins, in one arg set.
  const sent = new Map<string, number>();
  for (const [key, rowIndexes] of byKey) {
    const start = (r: number) => Number(chunk.rows[r]![startIndex]);
    // Stable sort: rows with the same start keep file order, the later one overwriting.
    rowIndexes.sort((a, b) => start(a) - start(b));
    const list = versions.get(key) ?? [];
    for (const r of rowIndexes) {
      const row = chunk.rows[r]!;
      const base = baseBefore(list, start(r));
      if (base === undefined) {
        out.skipped++;
        continue;
      }
      const completed = fromFile.map((f, i) => {
        const value = f < 0 ? UNMODIFIED : row[f]!;
        return (value === UNMODIFIED ? (base.values[i] ?? null) : value) as BatchValue;
      });
      const version: Version = { start: start(r), values: completed };
      const at = list.findIndex((v) => v.start >= version.start);
      if (at < 0) list.push(version);
      else if (list[at]!.start === version.start) list[at] = version;
      else list.splice(at, 0, version);
      const versionKey = `${key}\u0002${version.start}`;
      const earlier = sent.get(versionKey);
      if (earlier !== undefined) {
        out.rows[earlier] = completed;
        out.rowNumbers[earlier] = chunk.firstRow + r;
        continue;
      }
      sent.set(versionKey, out.rows.length);
      out.rows.push(completed);
      out.rowNumbers.push(chunk.firstRow + r);
      out.keys.push(key);
    }
  }
  return out;
}
