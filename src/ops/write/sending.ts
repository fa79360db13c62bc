/**
 * Sending a chunk's prepared rows, so that a row CrateDB rejects is named by file, row and key
 * column names (never by its values).
 */
import { shownColumnName, shownFileName } from "../../batch/index.ts";
import { CrateDbError } from "../../cratedb/errors.ts";
import type { BulkSql } from "../../cratedb/sql/ident.ts";
import type { BulkArgs } from "../../cratedb/sql-client.ts";
import { DestinationError } from "../../errors.ts";
import { type CallContext, requestOptions } from "../context.ts";
import type { PreparedSend } from "./prepare.ts";

/** A CrateDB failure while applying rows of a batch file, placed in that file. */
export class BatchWriteError extends DestinationError {
  constructor(where: string, cause: DestinationError) {
    super(cause.code, `${where}: ${cause.summary}`, { cause, hint: cause.hint ?? null });
    this.name = "BatchWriteError";
  }
}

export interface Sending {
  readonly ctx: CallContext;
  readonly path: string;
  readonly keyColumns: readonly string[];
  /** Items naming a row that no longer exists are "nothing to do" (update/delete by key). */
  readonly missingRowIsOk?: boolean | undefined;
}

/**
 * Runs `sql` over `args` (one arg set per row); a failure is reported with the file and the row
 * number of the item CrateDB rejected, or the range of rows the request carried.
 */
export async function sendRows(
  sending: Sending,
  sql: BulkSql,
  args: BulkArgs,
  rowNumbers: readonly number[],
): Promise<void> {
  if (("kind" in args ? args.count : args.length) === 0) return;
  try {
    await sending.ctx.client.bulk(sql.bulk, args, {
      ...requestOptions(sending.ctx),
      keyColumns: sending.keyColumns,
      missingRowIsOk: sending.missingRowIsOk,
    });
  } catch (error) {
    if (!(error instanceof CrateDbError) || error.kind === "transient") throw error;
    const file = `batch file "${shownFileName(sending.path)}"`;
    const keys = sending.keyColumns.map((c) => `"${shownColumnName(c)}"`).join(", ");
    const row = error.item === undefined ? undefined : rowNumbers[error.item];
    const where =
      row !== undefined
        ? `${file}, row ${row} (key columns ${keys})`
        : `${file}, rows ${rowRange(rowNumbers)}`;
    throw new BatchWriteError(where, error);
  }
}

/** "first–last" of row numbers that folding may have put out of order (no spread: arrays are large). */
function rowRange(rowNumbers: readonly number[]): string {
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const n of rowNumbers) {
    if (n < first) first = n;
    if (n > last) last = n;
  }
  return `${first}–${last}`;
}

/** A chunk's requests, all at once (their keys differ: one row per key per chunk). */
export async function sendPrepared(sending: Sending, sends: readonly PreparedSend[]): Promise<void> {
  await Promise.all(sends.map((s) => sendRows(sending, s.sql, s.args, s.rowNumbers)));
}
