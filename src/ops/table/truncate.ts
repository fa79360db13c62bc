/**
 * Truncate (fivetran-protocol.md §7.7): removes (or, with `soft`, flags as deleted) the rows
 * synced strictly before the cutoff; all rows when there is no cutoff. A missing table is a
 * success. DELETE/UPDATE with a non-key filter only see refreshed rows, hence the REFRESH before;
 * the REFRESH after makes the result visible to the next call.
 */

import { CrateDbError } from "../../cratedb/errors.ts";
import { refreshTable } from "../../cratedb/sql/ddl.ts";
import { tableRefProblem } from "../../cratedb/sql/names.ts";
import { hardTruncate, softTruncate } from "../../cratedb/sql/truncate.ts";
import { shownTable } from "../../errors.ts";
import { SYSTEM_COLUMN, type TableRef } from "../../table-def.ts";
import { type CallContext, run } from "../context.ts";

export interface TruncateRequest {
  readonly ref: TableRef;
  /** Empty means `_fivetran_synced`. */
  readonly syncedColumn: string;
  /** Epoch milliseconds; undefined = every row. */
  readonly deleteBeforeMs?: number | undefined;
  /** Present = soft truncate into this column (empty means `_fivetran_deleted`). */
  readonly softDeletedColumn?: string | undefined;
}

/** Epoch ms of a protobuf Timestamp, sub-millisecond nanos floored. */
export function timestampToMs(seconds: bigint, nanos: number): number {
  return Number(seconds) * 1000 + Math.floor(nanos / 1_000_000);
}

const MISSING: ReadonlySet<string> = new Set(["CRATEDB_UNKNOWN_TABLE", "CRATEDB_UNKNOWN_SCHEMA"]);

export async function truncate(ctx: CallContext, request: TruncateRequest): Promise<void> {
  const { ref } = request;
  // A name CrateDB rejects can't belong to an existing table: nothing to truncate.
  if (tableRefProblem(ref) !== undefined) return;
  const refresh = refreshTable(ref);
  try {
    await run(ctx, refresh);
  } catch (error) {
    if (error instanceof CrateDbError && MISSING.has(error.code)) return;
    throw error;
  }
  const synced = request.syncedColumn || SYSTEM_COLUMN.synced;
  const cutoff =
    request.deleteBeforeMs === undefined ? undefined : new Date(request.deleteBeforeMs).toISOString();
  const sql =
    request.softDeletedColumn === undefined
      ? hardTruncate(ref, synced, cutoff)
      : softTruncate(ref, synced, request.softDeletedColumn || SYSTEM_COLUMN.deleted, cutoff);
  const result = await run(ctx, sql);
  await run(ctx, refresh);
  ctx.log.info(
    `truncated ${shownTable(ref)}: ${result.rowcount} rows ${request.softDeletedColumn === undefined ? "deleted" : "flagged deleted"}`,
  );
}
