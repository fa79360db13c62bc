/**
 * WriteBatch (fivetran-protocol.md §7.8): replace files upsert by primary key, update files set the
 * modified columns of existing rows, delete files remove rows by key. All files of one kind before
 * the next; each file streamed chunk by chunk, the next chunk parsed while earlier ones are being
 * written (KeyedPipeline bounds how many and keeps requests on the same key apart). One REFRESH at
 * the end makes the result visible to searches of the next call. See docs/write-batch.md.
 */

import { type BatchValue, type RowChunk, shownFileName, UNMODIFIED } from "../../batch/index.ts";
import { keyCastFor } from "../../cratedb/sql/fence.ts";
import type { BulkSql } from "../../cratedb/sql/ident.ts";
import { deleteByKey, updateByKey, upsertRows } from "../../cratedb/sql/write.ts";
import { shownTable } from "../../errors.ts";
import { SYSTEM_COLUMN, type TableRef } from "../../table-def.ts";
import { argsJson } from "../args.ts";
import type { CallContext } from "../context.ts";
import {
  type BatchSource,
  checkRequestedNames,
  refresh,
  runStep,
  type Sending,
  sendRows,
  type WriteSettings,
} from "./files.ts";
import { foldedPerKey, indexesOf, lastPerKey, onePerKey, primaryKey, requireKey } from "./rows.ts";

export interface WriteBatchFiles {
  readonly replaceFiles: readonly string[];
  readonly updateFiles: readonly string[];
  readonly deleteFiles: readonly string[];
}

export interface WriteBatchCounts {
  replaced: number;
  updated: number;
  deleted: number;
}

/** What one step does with each chunk of each of its files. */
type ChunkStep = (
  sending: Sending,
  chunk: RowChunk,
  keyIndexes: readonly number[],
) => {
  keys: readonly string[];
  run: () => Promise<void>;
};

export async function writeBatch(
  ctx: CallContext,
  source: BatchSource,
  files: WriteBatchFiles,
  settings: WriteSettings,
): Promise<WriteBatchCounts> {
  checkRequestedNames(source);
  const keyColumns = primaryKey(source.table);
  requireKey(source.ref, keyColumns);
  // Every file kind carries the full key and `_fivetran_synced` (§6.5).
  const required = [...keyColumns, SYSTEM_COLUMN.synced];
  const counts: WriteBatchCounts = { replaced: 0, updated: 0, deleted: 0 };
  const keyCast = keyCastFor(source.table.columns, keyColumns[0]);
  const steps: [readonly string[], ChunkStep, boolean, keyof WriteBatchCounts][] = [
    [files.replaceFiles, replaceStep(source.ref, keyColumns, keyCast), false, "replaced"],
    [files.updateFiles, updateStep(source.ref, keyColumns, keyCast), true, "updated"],
    [files.deleteFiles, deleteStep(source.ref, keyColumns, keyCast), true, "deleted"],
  ];
  for (const [paths, step, missingRowIsOk, count] of steps) {
    counts[count] = await runStep(
      ctx,
      source,
      settings,
      paths,
      { required, keyColumns, missingRowIsOk },
      (sending, chunk) => step(sending, chunk, indexesOf(chunk.columns, keyColumns)),
    );
  }
  await refresh(ctx, source.ref);
  ctx.log.info(
    `wrote batch to ${shownTable(source.ref)}: ${counts.replaced} replace, ${counts.updated} update, ${counts.deleted} delete rows`,
  );
  return counts;
}

function replaceStep(ref: TableRef, keyColumns: readonly string[], keyCast: string): ChunkStep {
  let statement: { columns: readonly string[]; sql: BulkSql } | undefined;
  return (sending, chunk, keyIndexes) => {
    if (statement?.columns !== chunk.columns) {
      statement = { columns: chunk.columns, sql: upsertRows(ref, chunk.columns, keyColumns, keyCast) };
    }
    const { sql } = statement;
    const { keys, rows, rowNumbers } = lastPerKey(shownFileName(sending.path), chunk, keyIndexes);
    const args = argsJson(rows);
    return { keys, run: () => sendRows(sending, sql, args, rowNumbers) };
  };
}

/**
 * Rows are grouped by which columns they modify; each group is one UPDATE statement (cached per
 * column set for the whole step) with the modified values followed by the key.
 */
function updateStep(ref: TableRef, keyColumns: readonly string[], keyCast: string): ChunkStep {
  // Per column set of the file being read (files of one kind may carry different columns).
  let statements = new Map<string, { sql: BulkSql; set: number[] }>();
  let statementsFor: readonly string[] | undefined;
  return (sending, chunk, keyIndexes) => {
    if (statementsFor !== chunk.columns) {
      statements = new Map();
      statementsFor = chunk.columns;
    }
    const prepared = foldedPerKey(shownFileName(sending.path), chunk, keyIndexes);
    const isKey = new Set(keyIndexes);
    const groups = new Map<
      string,
      { sql: BulkSql; set: number[]; args: BatchValue[][]; rowNumbers: number[] }
    >();
    for (let r = 0; r < prepared.rows.length; r++) {
      const row = prepared.rows[r]!;
      let mask = "";
      for (let i = 0; i < row.length; i++) mask += isKey.has(i) || row[i] === UNMODIFIED ? "0" : "1";
      let group = groups.get(mask);
      if (group === undefined) {
        let statement = statements.get(mask);
        if (statement === undefined) {
          const set = [...mask].flatMap((bit, i) => (bit === "1" ? [i] : []));
          statement = {
            set,
            sql: updateByKey(
              ref,
              set.map((i) => chunk.columns[i]!),
              keyColumns,
              keyCast,
            ),
          };
          statements.set(mask, statement);
        }
        group = { ...statement, args: [], rowNumbers: [] };
        groups.set(mask, group);
      }
      if (group.set.length === 0) continue;
      const args: BatchValue[] = group.set.map((i) => row[i]!);
      for (const i of keyIndexes) args.push(row[i]!);
      group.args.push(args);
      group.rowNumbers.push(prepared.rowNumbers[r]!);
    }
    const sends = [...groups.values()].map((g) => ({
      sql: g.sql,
      args: argsJson(g.args),
      rowNumbers: g.rowNumbers,
    }));
    return {
      keys: prepared.keys,
      run: async () => {
        await Promise.all(sends.map((s) => sendRows(sending, s.sql, s.args, s.rowNumbers)));
      },
    };
  };
}

function deleteStep(ref: TableRef, keyColumns: readonly string[], keyCast: string): ChunkStep {
  const sql = deleteByKey(ref, keyColumns, keyCast);
  return (sending, chunk, keyIndexes) => {
    const { keys, rows, rowNumbers } = onePerKey(shownFileName(sending.path), chunk, keyIndexes, () => true);
    const args = argsJson(rows.map((row) => keyIndexes.map((i) => row[i]!)));
    return { keys, run: () => sendRows(sending, sql, args, rowNumbers) };
  };
}
