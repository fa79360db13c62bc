/**
 * Primary-key changes by rebuild (docs/alter-table.md, "Rebuild"). CrateDB can't alter a primary
 * key, so the new definition is created as `<t>__ft_rebuild`, filled from the blocked source,
 * verified, and swapped in.
 *
 * Blocks (checked on CrateDB 6.4.3): `blocks.write` refuses every write but also the swap;
 * `blocks.read_only_allow_delete` refuses every row write as well (inserts, updates and, despite
 * its name, deletes) and allows the swap. So the copy runs under `blocks.write`, then the source
 * switches to `read_only_allow_delete` (set before `blocks.write` is reset, so writes stay refused
 * throughout) and is swapped: no write of another writer can land between the copy and the swap.
 * Both blocks are reset explicitly on both tables afterwards: where a block ends up after a swap
 * is not something to rely on.
 *
 * Each step is named. A failure after the block is set lifts it before the error is returned,
 * and a re-run first discards what an earlier attempt left (`discardLeftoverRebuild`) and starts
 * over from the intact source, so no failure leaves the table blocked for longer than the call.
 */
import { type PhysicalTable, readPhysicalTable } from "../../cratedb/catalog.ts";
import { type CopiedColumn, copyRows, countRows, keyFill, keyValueOrFill } from "../../cratedb/sql/alter.ts";
import {
  blockWrites,
  blockWritesAllowingSwap,
  createTableDdl,
  dropTableIfExists,
  refreshTable,
  resetWriteBlock,
  swapTables,
  unblockWrites,
} from "../../cratedb/sql/ddl.ts";
import { ident } from "../../cratedb/sql/ident.ts";
import { rebuildTableFor } from "../../cratedb/sql/names.ts";
import { DestinationError, shownTable } from "../../errors.ts";
import type { ColumnDef, TableRef } from "../../table-def.ts";
import { type CallContext, cleanupContext, count, requestOptions, run, step } from "../context.ts";
import { physicalColumns } from "../table/create.ts";
import type { TypeChange } from "./plan.ts";

/**
 * Drops a `<t>__ft_rebuild` an earlier attempt left: either a target that was being filled (the
 * copy always re-reads the whole source, so starting over costs nothing) or the old table after a
 * swap. Its presence also means a block on the source is ours, so that is lifted. Returns
 * whether there was one.
 */
export async function discardLeftoverRebuild(ctx: CallContext, source: PhysicalTable): Promise<boolean> {
  const target = rebuildTableFor(source.ref);
  const leftover = await readPhysicalTable(ctx.client, target, requestOptions(ctx));
  if (leftover === undefined) return false;
  if (leftover.writeBlocked) await run(ctx, unblockWrites(target));
  await run(ctx, dropTableIfExists(target));
  if (source.writeBlocked) await run(ctx, unblockWrites(source.ref));
  ctx.log.info(`dropped ${shownTable(target)} left by an earlier AlterTable`);
  return true;
}

/**
 * What the copy selects for each column of the new definition that it fills: the source column
 * (converted where its type changes), and for key columns a fill where the source has no value.
 */
export function copiedColumns(
  source: PhysicalTable,
  columns: readonly ColumnDef[],
  changes: readonly TypeChange[],
): CopiedColumn[] {
  const existing = new Map(source.columns.map((c) => [c.name, c]));
  const wasKey = new Set(source.primaryKey);
  const converted = new Map(changes.map((c) => [c.to.name, c]));
  const copied: CopiedColumn[] = [];
  for (const c of columns) {
    if (!existing.has(c.name)) {
      // CrateDB refuses an INSERT … SELECT whose column list lacks a NOT NULL key column, even
      // when no row is copied; existing rows get the type's empty value.
      if (c.primaryKey) copied.push({ name: c.name, expr: keyFill(c) });
      continue;
    }
    const change = converted.get(c.name);
    const expr =
      change?.conversion.kind === "convert" ? change.conversion.expr(ident(c.name)) : ident(c.name);
    copied.push({ name: c.name, expr: c.primaryKey && !wasKey.has(c.name) ? keyValueOrFill(expr, c) : expr });
  }
  return copied;
}

export async function rebuildTable(
  ctx: CallContext,
  source: PhysicalTable,
  columns: readonly ColumnDef[],
  changes: readonly TypeChange[],
): Promise<void> {
  const ref = source.ref;
  const target = rebuildTableFor(ref);
  const copied = copiedColumns(source, columns, changes);
  const key = columns.filter((c) => c.primaryKey).map((c) => c.name);
  const state = { blocked: false, swapped: false };

  try {
    await step(ctx, "rebuild:create-target", async () => {
      await run(ctx, createTableDdl(target, physicalColumns(columns), source.settings));
    });
    await step(ctx, "rebuild:block-source", async () => {
      state.blocked = true;
      await run(ctx, blockWrites(ref));
    });
    await step(ctx, "rebuild:refresh-source", async () => {
      await run(ctx, refreshTable(ref));
    });
    await step(ctx, "rebuild:copy", async () => {
      await run(ctx, copyRows(target, ref, copied, key, true));
    });
    await step(ctx, "rebuild:refresh-target", async () => {
      await run(ctx, refreshTable(target));
    });
    await step(ctx, "rebuild:verify", async () => {
      const before = await count(ctx, countRows(ref));
      const copiedRows = await count(ctx, countRows(target));
      if (before === copiedRows) return;
      throw new DestinationError(
        "ALTER_REBUILD_MISMATCH",
        `Changing the primary key of ${shownTable(ref)} was refused and the table left as it was: it has ${before} rows, but only ${copiedRows} are distinct under the new primary key (${key.join(", ")}).`,
      );
    });
    // CrateDB refuses SWAP on a table with `blocks.write`, not with `read_only_allow_delete`;
    // setting the latter first keeps writes refused while the former is lifted.
    await step(ctx, "rebuild:swap", async () => {
      await run(ctx, blockWritesAllowingSwap(ref));
      await run(ctx, resetWriteBlock(ref));
      // Never repeated on an unknown outcome: a second swap would swap back.
      state.swapped = true;
      await run(ctx, swapTables(target, ref), { idempotent: false });
    });
    // `target` now names the old table.
    await step(ctx, "rebuild:unblock", async () => {
      await run(ctx, unblockWrites(ref));
      await run(ctx, unblockWrites(target));
      state.blocked = false;
    });
    await step(ctx, "rebuild:drop-old", async () => {
      await run(ctx, dropTableIfExists(target));
    });
  } catch (error) {
    await cleanUpFailedRebuild(ctx, ref, target, state);
    throw error;
  }
  ctx.log.info(`rebuilt ${shownTable(ref)} with primary key (${key.join(", ")})`);
}

/**
 * After a failed step: lifts every block this rebuild set, and before the swap drops the
 * half-filled target, so the table is writable and as it was when the error is returned. After
 * the swap the new table stays; the old one is dropped. Best effort, bounded, and without the
 * call's signal (a cancelled call must not leave a blocked table either); what fails here is
 * finished by the next AlterTable (`discardLeftoverRebuild`).
 */
async function cleanUpFailedRebuild(
  ctx: CallContext,
  ref: TableRef,
  target: TableRef,
  state: { readonly blocked: boolean; readonly swapped: boolean },
): Promise<void> {
  const cleanup = cleanupContext(ctx);
  const attempt = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch {
      ctx.log.warning(
        `could not ${what} after a failed rebuild of ${shownTable(ref)}; the next AlterTable will finish it`,
      );
    }
  };
  if (state.blocked) {
    await attempt("lift the write block", async () => {
      await run(cleanup, unblockWrites(ref));
      if (state.swapped) await run(cleanup, unblockWrites(target));
    });
  }
  await attempt(`drop ${shownTable(target)}`, () => run(cleanup, dropTableIfExists(target)));
}
