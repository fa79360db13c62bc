/**
 * What WriteBatch does with one chunk before anything is sent: fold the rows per key in file order,
 * pick the statement, serialize the arg sets. Pure and free of the CrateDB client, so it runs the
 * same on the call's thread and in a prepare thread (prepare-thread.ts), which then posts only
 * the result.
 */
import { type BatchValue, type RowChunk, shownFileName, UNMODIFIED } from "../../batch/index.ts";
import type { BulkSql } from "../../cratedb/sql/ident.ts";
import { deleteByKey, updateByKey, upsertRows } from "../../cratedb/sql/write.ts";
import type { SerializedArgSets } from "../../cratedb/sql-client.ts";
import type { TableRef } from "../../table-def.ts";
import { argsJson } from "../args.ts";
import { foldedPerKey, indexesOf, lastPerKey, onePerKey } from "./rows.ts";

/** One bulk request's worth: a statement, its serialized arg sets and each arg set's row number. */
export interface PreparedSend {
  readonly sql: BulkSql;
  readonly args: SerializedArgSets;
  readonly rowNumbers: readonly number[];
}

/** A chunk ready to send: the rows it read, the keys it touches, its requests. */
export interface PreparedChunk {
  readonly rows: number;
  readonly keys: readonly string[];
  readonly sends: readonly PreparedSend[];
}

export type WriteStepKind = "replace" | "update" | "delete";

/** Everything a step's preparation needs; plain data, so it can be posted to a thread. */
export interface WriteStepPlan {
  readonly kind: WriteStepKind;
  readonly ref: TableRef;
  readonly keyColumns: readonly string[];
  /** The fence's cast for the first key column (cratedb/sql/fence.ts). */
  readonly keyCast: string;
}

export type ChunkPreparer = (path: string, chunk: RowChunk) => PreparedChunk;

/** A preparer for one step; it caches statements per column set, so use one per step. */
export function chunkPreparer(plan: WriteStepPlan): ChunkPreparer {
  switch (plan.kind) {
    case "replace":
      return replacePreparer(plan);
    case "update":
      return updatePreparer(plan);
    case "delete":
      return deletePreparer(plan);
  }
}

function replacePreparer({ ref, keyColumns, keyCast }: WriteStepPlan): ChunkPreparer {
  let statement: { columns: readonly string[]; sql: BulkSql; keyIndexes: number[] } | undefined;
  return (path, chunk) => {
    if (statement?.columns !== chunk.columns) {
      statement = {
        columns: chunk.columns,
        sql: upsertRows(ref, chunk.columns, keyColumns, keyCast),
        keyIndexes: indexesOf(chunk.columns, keyColumns),
      };
    }
    const { keys, rows, rowNumbers } = lastPerKey(shownFileName(path), chunk, statement.keyIndexes);
    return {
      rows: chunk.rows.length,
      keys,
      sends: [{ sql: statement.sql, args: argsJson(rows), rowNumbers }],
    };
  };
}

/**
 * Rows are grouped by which columns they modify; each group is one UPDATE statement (cached per
 * column set for the whole step) with the modified values followed by the key.
 */
function updatePreparer({ ref, keyColumns, keyCast }: WriteStepPlan): ChunkPreparer {
  // Per column set of the file being read (files of one kind may carry different columns).
  let statements = new Map<string, { sql: BulkSql; set: number[] }>();
  let statementsFor: readonly string[] | undefined;
  let keyIndexes: number[] = [];
  return (path, chunk) => {
    if (statementsFor !== chunk.columns) {
      statements = new Map();
      statementsFor = chunk.columns;
      keyIndexes = indexesOf(chunk.columns, keyColumns);
    }
    const prepared = foldedPerKey(shownFileName(path), chunk, keyIndexes);
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
    const sends = [...groups.values()]
      .filter((g) => g.args.length > 0)
      .map((g) => ({ sql: g.sql, args: argsJson(g.args), rowNumbers: g.rowNumbers }));
    return { rows: chunk.rows.length, keys: prepared.keys, sends };
  };
}

function deletePreparer({ ref, keyColumns, keyCast }: WriteStepPlan): ChunkPreparer {
  const sql = deleteByKey(ref, keyColumns, keyCast);
  let keyIndexesFor: readonly string[] | undefined;
  let keyIndexes: number[] = [];
  return (path, chunk) => {
    if (keyIndexesFor !== chunk.columns) {
      keyIndexesFor = chunk.columns;
      keyIndexes = indexesOf(chunk.columns, keyColumns);
    }
    const { keys, rows, rowNumbers } = onePerKey(shownFileName(path), chunk, keyIndexes, () => true);
    const args = argsJson(rows.map((row) => keyIndexes.map((i) => row[i]!)));
    return { rows: chunk.rows.length, keys, sends: [{ sql, args, rowNumbers }] };
  };
}
