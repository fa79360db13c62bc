/**
 * Checks AlterTable runs before changing anything: a type change that would lose data refuses the
 * whole request with a Task naming the column; rows without a value for a new key column are
 * counted, to be reported.
 */

import { CrateDbError } from "../../cratedb/errors.ts";
import { countLossy, countNullKeys, countRows } from "../../cratedb/sql/alter.ts";
import { refreshTable } from "../../cratedb/sql/ddl.ts";
import { ident } from "../../cratedb/sql/ident.ts";
import { DestinationError, shownTable } from "../../errors.ts";
import type { TableRef } from "../../table-def.ts";
import { type CallContext, count, run } from "../context.ts";
import type { TypeChange } from "./plan.ts";

export class AlterRefusedError extends DestinationError {
  constructor(ref: TableRef, reasons: ReadonlyMap<string, string>) {
    const list = [...reasons].map(([column, why]) => `column "${column}": ${why}`).join("; ");
    super("ALTER_REFUSED", `AlterTable on ${shownTable(ref)} was refused and nothing was changed: ${list}.`);
    this.name = "AlterRefusedError";
  }
}

const isCastFailure = (error: unknown): boolean =>
  error instanceof CrateDbError && error.code === "CRATEDB_REJECTED";

/** Column → reason, for every type change some existing value would not survive. */
export async function findLossyChanges(
  ctx: CallContext,
  ref: TableRef,
  changes: readonly TypeChange[],
): Promise<Map<string, string>> {
  const refused = new Map<string, string>();
  const checked = changes.filter((c) => c.conversion.lossy !== undefined);
  if (checked.length === 0) return refused;
  await run(ctx, refreshTable(ref));
  for (const change of checked) {
    const lossy = change.conversion.lossy;
    if (lossy === undefined) continue;
    const target =
      change.to.type +
      (change.to.decimal ? `(${change.to.decimal.precision}, ${change.to.decimal.scale})` : "");
    try {
      const n = await count(ctx, countLossy(ref, change.from.name, lossy(ident(change.from.name))));
      if (n > 0)
        refused.set(
          change.to.name,
          `${n} existing values would not survive a change from ${change.from.type} to ${target}`,
        );
    } catch (error) {
      if (!isCastFailure(error)) throw error;
      refused.set(change.to.name, `existing values can't be converted from ${change.from.type} to ${target}`);
    }
  }
  return refused;
}

/**
 * Column → number of existing rows that get the key fill (docs/alter-table.md): all rows for a
 * key column the table doesn't have yet, rows holding NULL for a column that joins the key.
 */
export async function countKeyFills(
  ctx: CallContext,
  ref: TableRef,
  newKeyColumns: readonly string[],
  existingColumns: ReadonlySet<string>,
): Promise<Map<string, number>> {
  const fills = new Map<string, number>();
  await run(ctx, refreshTable(ref));
  const added = newKeyColumns.filter((c) => !existingColumns.has(c));
  const rows = added.length > 0 ? await count(ctx, countRows(ref)) : 0;
  for (const c of added) if (rows > 0) fills.set(c, rows);
  for (const c of newKeyColumns.filter((c) => existingColumns.has(c))) {
    const n = await count(ctx, countNullKeys(ref, [c]));
    if (n > 0) fills.set(c, n);
  }
  return fills;
}
