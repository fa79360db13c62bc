/**
 * In-place type change of a non-key column (docs/alter-table.md): CrateDB can't change a column's
 * type, so values are copied into `<c>__ft_convert`, verified, and that column takes the name.
 * A re-run after a failure finds the helper column: with the original still there it starts
 * over; with the original already dropped it only finishes the rename.
 */
import { type PhysicalTable, readPhysicalTable } from "../../cratedb/catalog.ts";
import { copyConverted, countNonNull } from "../../cratedb/sql/alter.ts";
import { addColumns, dropColumn, refreshTable, renameColumnDdl } from "../../cratedb/sql/ddl.ts";
import { ident } from "../../cratedb/sql/ident.ts";
import { conversionColumnFor } from "../../cratedb/sql/names.ts";
import { crateTypeFor } from "../../cratedb/type-map.ts";
import { DestinationError, shownName, shownTable } from "../../errors.ts";
import type { TableRef } from "../../table-def.ts";
import { type CallContext, cleanupContext, requestOptions, run, step } from "../context.ts";
import type { TypeChange } from "./plan.ts";

/** Finishes or discards conversions an earlier attempt left; true when anything changed. */
export async function resumeConversions(
  ctx: CallContext,
  table: PhysicalTable,
  requested: readonly string[],
): Promise<boolean> {
  const present = new Set(table.columns.map((c) => c.name));
  let changed = false;
  for (const name of requested) {
    const helper = conversionColumnFor(name);
    if (!present.has(helper) || requested.includes(helper)) continue;
    if (present.has(name)) await run(ctx, dropColumn(table.ref, helper));
    else await run(ctx, renameColumnDdl(table.ref, helper, name));
    ctx.log.info(
      `${present.has(name) ? "discarded" : "finished"} an interrupted type change of column ${name}`,
    );
    changed = true;
  }
  return changed;
}

export async function convertColumn(ctx: CallContext, ref: TableRef, change: TypeChange): Promise<void> {
  if (change.conversion.kind !== "convert") return;
  const { expr } = change.conversion;
  const column = change.from.name;
  const helper = conversionColumnFor(column);
  const target = { name: helper, type: crateTypeFor({ ...change.to, primaryKey: false }), primaryKey: false };
  const label = `convert:${column}`;

  let dropped = false;
  try {
    await step(ctx, `${label}:add-helper`, async () => {
      await run(ctx, addColumns(ref, [target]));
    });
    await step(ctx, `${label}:copy`, async () => {
      await run(ctx, refreshTable(ref)); // UPDATE with a filter is search-based
      await run(ctx, copyConverted(ref, column, helper, expr(ident(column))));
    });
    await step(ctx, `${label}:verify`, async () => {
      await run(ctx, refreshTable(ref));
      const result = await run(ctx, countNonNull(ref, column, helper));
      const [before, after] = [Number(result.rows[0]?.[0]), Number(result.rows[0]?.[1])];
      if (before !== after) {
        throw new DestinationError(
          "ALTER_VERIFY_FAILED",
          `Changing the type of column "${shownName(column, 64)}" in ${shownTable(ref)} stopped before the original column was touched: it has ${before} values, but ${after} converted.`,
        );
      }
    });
    await step(ctx, `${label}:drop-original`, async () => {
      dropped = true;
      await run(ctx, dropColumn(ref, column));
    });
    await step(ctx, `${label}:rename`, async () => {
      await run(ctx, renameColumnDdl(ref, helper, column));
    });
  } catch (error) {
    await cleanUpFailedConversion(ctx, ref, column, helper, dropped);
    throw error;
  }
  ctx.log.info(
    `changed column ${column} of ${shownTable(ref)} from ${change.from.type} to ${change.to.type}`,
  );
}

/**
 * After a failed step, puts the column back under its name so the next sync can write it: before
 * the original was dropped the helper goes; after, the helper takes the name. Best effort, bounded
 * and without the call's signal; what fails here the next AlterTable finishes (`resumeConversions`).
 */
async function cleanUpFailedConversion(
  ctx: CallContext,
  ref: TableRef,
  column: string,
  helper: string,
  dropped: boolean,
): Promise<void> {
  const cleanup = cleanupContext(ctx);
  try {
    const table = await readPhysicalTable(cleanup.client, ref, requestOptions(cleanup));
    const present = new Set(table?.columns.map((c) => c.name));
    if (!present.has(helper)) return;
    if (present.has(column)) await run(cleanup, dropColumn(ref, helper));
    else if (dropped) await run(cleanup, renameColumnDdl(ref, helper, column));
  } catch {
    ctx.log.warning(
      `could not restore column ${column} of ${shownTable(ref)} after a failed type change; the next AlterTable will finish it`,
    );
  }
}
