/**
 * WriteHistoryBatch (fivetran-protocol.md §7.9): earliest_start → replace → update → delete, all
 * files of a step before the next. Every "by key" match uses the source key K (the primary key
 * without `_fivetran_start`). Steps whose statements are searches (non-key predicates) run after a
 * REFRESH and, within the step, refresh again before touching a key written since (KeyedPipeline
 * in search-based mode). See docs/write-batch.md for the idempotency argument.
 */

import { type BatchValue, shownFileName } from "../../batch/index.ts";
import { serializeArgSets } from "../../cratedb/client/arg-sets.ts";
import { keyCastFor } from "../../cratedb/sql/fence.ts";
import { deleteByKey, updateByKey, upsertRows } from "../../cratedb/sql/write.ts";
import type { SqlValue } from "../../cratedb/sql-client.ts";
import { DestinationError, shownTable } from "../../errors.ts";
import { SYSTEM_COLUMN } from "../../table-def.ts";
import { asArg, asArgs } from "../args.ts";
import type { CallContext } from "../context.ts";
import {
  type BatchSource,
  checkRequestedNames,
  refresh,
  runStep,
  runWriteStep,
  type WriteSettings,
} from "./files.ts";
import { completeUpdates } from "./history-update.ts";
import { BatchRowError, indexesOf, keyOf, onePerKey, primaryKey, requireKey } from "./rows.ts";
import { sendRows } from "./sending.ts";
import { keyMaker, type Version, versionsOf } from "./versions.ts";

export interface WriteHistoryFiles {
  readonly earliestStartFiles: readonly string[];
  readonly replaceFiles: readonly string[];
  readonly updateFiles: readonly string[];
  readonly deleteFiles: readonly string[];
}

export interface WriteHistoryCounts {
  earliest: number;
  replaced: number;
  updated: number;
  skippedUpdates: number;
  deleted: number;
}

const HISTORY_COLUMNS = [SYSTEM_COLUMN.start, SYSTEM_COLUMN.end, SYSTEM_COLUMN.active] as const;

/** One history batch's shared state, passed to each step. */
interface HistoryJob {
  readonly call: CallContext;
  readonly source: BatchSource;
  readonly settings: WriteSettings;
  /** K: the source key. */
  readonly keyColumns: readonly string[];
}

export async function writeHistoryBatch(
  ctx: CallContext,
  source: BatchSource,
  files: WriteHistoryFiles,
  settings: WriteSettings,
): Promise<WriteHistoryCounts> {
  checkRequestedNames(source);
  const { ref, table } = source;
  const missing = HISTORY_COLUMNS.filter((name) => !table.columns.some((c) => c.name === name));
  if (missing.length > 0 || !primaryKey(table).includes(SYSTEM_COLUMN.start)) {
    throw new DestinationError(
      "TABLE_NOT_HISTORY",
      `Table ${shownTable(ref)} is not a history mode table: it needs the columns ${HISTORY_COLUMNS.map((c) => `"${c}"`).join(", ")} with "${SYSTEM_COLUMN.start}" in the primary key.`,
    );
  }
  const keyColumns = primaryKey(table).filter((c) => c !== SYSTEM_COLUMN.start);
  requireKey(ref, keyColumns);
  const job: HistoryJob = { call: ctx, source, settings, keyColumns };
  const counts: WriteHistoryCounts = { earliest: 0, replaced: 0, updated: 0, skippedUpdates: 0, deleted: 0 };
  const searchable = () => refresh(ctx, ref);

  // Rows a failed earlier attempt left unrefreshed must be seen by the searches below.
  await searchable();
  if (files.earliestStartFiles.length > 0) {
    counts.earliest = await earliestStart(job, files.earliestStartFiles);
  }
  counts.replaced = await replaceVersions(job, files.replaceFiles);
  if (files.updateFiles.length > 0) {
    await searchable();
    const updates = await updateVersions(job, files.updateFiles);
    counts.updated = updates.written;
    counts.skippedUpdates = updates.skipped;
  }
  if (files.deleteFiles.length > 0) {
    await searchable();
    counts.deleted = await closeDeleted(job, files.deleteFiles);
  }
  await searchable();
  ctx.log.info(
    `wrote history batch to ${shownTable(ref)}: ${counts.earliest} earliest-start, ${counts.replaced} replace, ${counts.updated} update (${counts.skippedUpdates} without a base version skipped), ${counts.deleted} delete rows`,
  );
  return counts;
}

/**
 * Step 1: per key, the versions starting at or after the earliest start `s` are deleted, and the
 * rest that is still active or reaches `s` ends at `s − 1 ms`. A chunk's keys have their versions
 * read first (one search per 500 keys, after the REFRESH the pipeline keeps), and each version is
 * then deleted or closed by its full primary key: lookups, which CrateDB runs per arg set far
 * faster than a search per key (cratedb.md §0). Per key only the earliest `s` matters; a key
 * repeated in a later chunk reads the versions this one left.
 */
async function earliestStart(job: HistoryJob, paths: readonly string[]): Promise<number> {
  const { ref } = job.source;
  const stored = storedVersions(job, [SYSTEM_COLUMN.end, SYSTEM_COLUMN.active]);
  const remove = deleteByKey(ref, stored.pk, stored.cast);
  const close = updateByKey(ref, [SYSTEM_COLUMN.end, SYSTEM_COLUMN.active], stored.pk, stored.cast);
  const endAt = stored.at(SYSTEM_COLUMN.end);
  const activeAt = stored.at(SYSTEM_COLUMN.active);
  const required = [...job.keyColumns, SYSTEM_COLUMN.start];
  return runStep(
    job.call,
    job.source,
    job.settings,
    paths,
    // A version another chunk of this step already removed is nothing to do.
    { required, searchBased: true, keyColumns: job.keyColumns, missingRowIsOk: true },
    (sending, chunk) => {
      const keyIndexes = indexesOf(chunk.columns, job.keyColumns);
      const startIndex = indexesOf(chunk.columns, [SYSTEM_COLUMN.start])[0]!;
      const prepared = onePerKey(
        shownFileName(sending.path),
        chunk,
        keyIndexes,
        (kept, next) => Number(kept[startIndex]) <= Number(next[startIndex]),
        [...keyIndexes, startIndex],
      );
      const pkOf = stored.pkFrom(chunk.columns);
      return {
        keys: prepared.keys,
        run: async () => {
          const versions = await stored.of(prepared.rows, keyIndexes);
          const removed: SqlValue[][] = [];
          const removedRows: number[] = [];
          const closed: SqlValue[][] = [];
          const closedRows: number[] = [];
          prepared.rows.forEach((row, r) => {
            const start = Number(row[startIndex]);
            for (const version of versions[r]!) {
              if (version.start >= start) {
                removed.push(pkOf(row, version.start));
                removedRows.push(prepared.rowNumbers[r]!);
              } else if (version.values[activeAt] === true || Number(version.values[endAt]) >= start) {
                closed.push([start - 1, false, ...pkOf(row, version.start)]);
                closedRows.push(prepared.rowNumbers[r]!);
              }
            }
          });
          // Different versions: the two statements never touch the same row.
          await Promise.all([
            sendRows(sending, remove, serializeArgSets(removed), removedRows),
            sendRows(sending, close, serializeArgSets(closed), closedRows),
          ]);
        },
      };
    },
  );
}

/**
 * What steps 1 and 4 share: reading the stored versions of a chunk's keys (the columns `read`,
 * after K and `_fivetran_start`), and the full primary key (K and `_fivetran_start`) that each
 * version is then changed by.
 */
function storedVersions(job: HistoryJob, read: readonly string[]) {
  const { ref, table } = job.source;
  const pk = primaryKey(table);
  const columns = [...job.keyColumns, SYSTEM_COLUMN.start, ...read];
  const keyFor = keyMaker(table, job.keyColumns);
  return {
    pk,
    cast: keyCastFor(table.columns, pk[0]),
    /** Where each of `read` is in a version's values. */
    at: (name: string): number => columns.indexOf(name),
    /** Each row's stored versions, ascending by start (rows hold the file's K at `keyIndexes`). */
    async of(rows: readonly (readonly BatchValue[])[], keyIndexes: readonly number[]): Promise<Version[][]> {
      const keys = rows.map((row) => keyIndexes.map((i) => asArg(row[i]!)));
      const found = await versionsOf(job.call, ref, keyFor, columns, job.keyColumns, keys);
      return rows.map((row) => found.get(keyFor(row, keyIndexes)) ?? []);
    },
    /** For a file's columns: the primary-key values of a row's version starting at `start`. */
    pkFrom(fileColumns: readonly string[]): (row: readonly BatchValue[], start: number) => SqlValue[] {
      const at = pk.map((name) => (name === SYSTEM_COLUMN.start ? -1 : fileColumns.indexOf(name)));
      return (row, start) => at.map((i) => (i < 0 ? start : asArg(row[i]!)));
    },
  };
}

/**
 * Step 2: every row is a version, inserted or overwritten on (K, start) — by full primary key:
 * WriteBatch's replace step on that key, so a large step gets a prepare thread as well.
 */
async function replaceVersions(job: HistoryJob, paths: readonly string[]): Promise<number> {
  const { ref, table } = job.source;
  const pk = primaryKey(table);
  return runWriteStep(
    job.call,
    job.source,
    job.settings,
    paths,
    { required: [...pk, SYSTEM_COLUMN.synced], keyColumns: pk },
    { kind: "replace", ref, keyColumns: pk, keyCast: keyCastFor(table.columns, pk[0]) },
  );
}

/** Step 3: update rows completed from their base versions, then written like replace rows. */
async function updateVersions(
  job: HistoryJob,
  paths: readonly string[],
): Promise<{ written: number; skipped: number }> {
  const { call, source, settings } = job;
  const pk = primaryKey(source.table);
  const tableColumns = source.table.columns.map((c) => c.name);
  const sql = upsertRows(source.ref, tableColumns, pk, keyCastFor(source.table.columns, pk[0]));
  const required = [...job.keyColumns, SYSTEM_COLUMN.synced, ...HISTORY_COLUMNS];
  let written = 0;
  let skipped = 0;
  await runStep(
    call,
    source,
    settings,
    paths,
    { required, searchBased: true, keyColumns: pk },
    (sending, chunk) => {
      const keyIndexes = indexesOf(chunk.columns, job.keyColumns);
      const keys = new Set(chunk.rows.map((row) => keyOf(row, keyIndexes)));
      return {
        keys: [...keys],
        run: async () => {
          const file = shownFileName(sending.path);
          const done = await completeUpdates(call, source.ref, source.table, job.keyColumns, file, chunk);
          written += done.rows.length;
          skipped += done.skipped;
          await sendRows(sending, sql, asArgs(done.rows), done.rowNumbers);
        },
      };
    },
  );
  return { written, skipped };
}

/**
 * Step 4: the active version of each deleted key ends at the file's `_fivetran_end`. As in step 1,
 * a chunk's keys have their versions read first and the active ones are closed by full primary key.
 */
async function closeDeleted(job: HistoryJob, paths: readonly string[]): Promise<number> {
  const stored = storedVersions(job, [SYSTEM_COLUMN.active]);
  const close = updateByKey(
    job.source.ref,
    [SYSTEM_COLUMN.end, SYSTEM_COLUMN.active],
    stored.pk,
    stored.cast,
  );
  const activeAt = stored.at(SYSTEM_COLUMN.active);
  const required = [...job.keyColumns, SYSTEM_COLUMN.synced, SYSTEM_COLUMN.end];
  return runStep(
    job.call,
    job.source,
    job.settings,
    paths,
    { required, searchBased: true, keyColumns: job.keyColumns, missingRowIsOk: true },
    (sending, chunk) => {
      const keyIndexes = indexesOf(chunk.columns, job.keyColumns);
      const endIndex = indexesOf(chunk.columns, [SYSTEM_COLUMN.end])[0]!;
      // The first delete of a key closes its active version; later ones find none (no-ops).
      const file = shownFileName(sending.path);
      const prepared = onePerKey(file, chunk, keyIndexes, () => true);
      const ends = prepared.rows.map((row, r): number => {
        // A closed version needs the time it ended: NULL or the marker would leave a version
        // that is neither active nor ended.
        const end = row[endIndex];
        if (typeof end !== "number") {
          throw new BatchRowError(
            file,
            prepared.rowNumbers[r]!,
            SYSTEM_COLUMN.end,
            `a history delete row needs the time its version ended, not ${end === null ? "NULL" : "the unmodified marker"}`,
          );
        }
        return end;
      });
      const pkOf = stored.pkFrom(chunk.columns);
      return {
        keys: prepared.keys,
        run: async () => {
          const versions = await stored.of(prepared.rows, keyIndexes);
          const closed: SqlValue[][] = [];
          const closedRows: number[] = [];
          prepared.rows.forEach((row, r) => {
            for (const version of versions[r]!) {
              if (version.values[activeAt] !== true) continue;
              closed.push([ends[r]!, false, ...pkOf(row, version.start)]);
              closedRows.push(prepared.rowNumbers[r]!);
            }
          });
          await sendRows(sending, close, serializeArgSets(closed), closedRows);
        },
      };
    },
  );
}
