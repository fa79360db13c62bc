/**
 * AlterTable (fivetran-protocol.md §7.6, docs/alter-table.md): brings an existing table in line
 * with the complete requested definition. Everything that could refuse the request is checked
 * before the first change; every step can be repeated, and a re-run first finishes or discards
 * what an interrupted attempt left (helper columns, a rebuild table, a write block).
 */

import { addColumns, dropColumn } from "../../cratedb/sql/ddl.ts";
import { DestinationError, shownTable } from "../../errors.ts";
import type { TableDef, TableRef } from "../../table-def.ts";
import { type CallContext, run, step } from "../context.ts";
import { physicalColumns, validateDefinition } from "../table/create.ts";
import { type DescribedTable, inspectTable } from "../table/describe.ts";
import { forgetColumnTypes, recordColumnTypes } from "../table/type-metadata.ts";
import { AlterRefusedError, countKeyFills, findLossyChanges } from "./checks.ts";
import { convertColumn, resumeConversions } from "./convert.ts";
import { isNoop, planAlter } from "./plan.ts";
import { discardLeftoverRebuild, rebuildTable } from "./rebuild.ts";

async function inspectExisting(ctx: CallContext, ref: TableRef): Promise<DescribedTable> {
  const table = await inspectTable(ctx, ref);
  if (table === undefined) {
    throw new DestinationError(
      "TABLE_MISSING",
      `AlterTable: table ${shownTable(ref)} does not exist in CrateDB.`,
    );
  }
  return table;
}

export async function alterTable(
  ctx: CallContext,
  ref: TableRef,
  def: TableDef,
  dropColumns: boolean,
): Promise<void> {
  validateDefinition(ref, def);
  let table = await inspectExisting(ctx, ref);
  const requested = def.columns.map((c) => c.name);
  if (await resumeConversions(ctx, table.physical, requested)) {
    table = await inspectExisting(ctx, ref);
  }
  if (await discardLeftoverRebuild(ctx, table.physical)) {
    table = await inspectExisting(ctx, ref);
  }
  const plan = planAlter(table.columns, table.physical.primaryKey, def, dropColumns);
  if (table.physical.writeBlocked) {
    throw new DestinationError(
      "TABLE_WRITE_BLOCKED",
      `Table ${shownTable(ref)} is write-blocked ("blocks.write" or "blocks.read_only_allow_delete"), set outside Fivetran (or by CrateDB when a disk passed its flood-stage watermark).`,
    );
  }
  if (plan.refused.size > 0) throw new AlterRefusedError(ref, plan.refused);
  if (isNoop(plan)) return;

  const refused = await findLossyChanges(ctx, ref, plan.changes);
  if (refused.size > 0) throw new AlterRefusedError(ref, refused);
  const fills = new Map<string, number>();
  if (plan.rebuild) {
    const key = plan.rebuild.filter((c) => c.primaryKey).map((c) => c.name);
    const existing = new Set(table.columns.map((c) => c.name));
    for (const [c, n] of await countKeyFills(ctx, ref, key, existing)) fills.set(c, n);
  }
  await ctx.onStep?.("check");

  if (plan.rebuild) {
    const final = plan.rebuild;
    await rebuildTable(ctx, table.physical, final, plan.changes);
    for (const [column, n] of fills) {
      ctx.log.warning(
        `${n} existing rows of ${shownTable(ref)} had no value for new primary-key column "${column}" and got its type's empty value (docs/alter-table.md)`,
      );
    }
    await step(ctx, "record-types", async () => {
      await recordColumnTypes(ctx, ref, final);
      const kept = new Set(final.map((c) => c.name));
      await forgetColumnTypes(
        ctx,
        ref,
        table.columns.filter((c) => !kept.has(c.name)).map((c) => c.name),
      );
    });
    return;
  }

  // Records first for columns whose CrateDB type doesn't change (added, relabelled): a reader
  // sees the new type as soon as the column exists.
  const relabelled = plan.changes.filter((c) => c.conversion.kind === "relabel").map((c) => c.to);
  await step(ctx, "record-types", async () => {
    await recordColumnTypes(ctx, ref, [...plan.add, ...relabelled]);
  });
  if (plan.add.length > 0) {
    await step(ctx, "add-columns", async () => {
      await run(ctx, addColumns(ref, physicalColumns(plan.add)));
    });
    ctx.log.info(`added ${plan.add.length} columns to ${shownTable(ref)}`);
  }
  for (const change of plan.changes) {
    if (change.conversion.kind !== "convert") continue;
    await convertColumn(ctx, ref, change);
    await step(ctx, `convert:${change.to.name}:record-type`, async () => {
      await recordColumnTypes(ctx, ref, [change.to]);
    });
  }
  if (plan.drop.length > 0) {
    await step(ctx, "drop-columns", async () => {
      for (const column of plan.drop) await run(ctx, dropColumn(ref, column));
      await forgetColumnTypes(ctx, ref, plan.drop);
    });
    ctx.log.info(`dropped ${plan.drop.length} columns from ${shownTable(ref)}`);
  }
}
