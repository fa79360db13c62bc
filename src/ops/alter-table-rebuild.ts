/**
 * Primary-key changes by rebuild (docs/alter-table.md, "Rebuild"). CrateDB can't alter a primary
 * key, so the new definition is created as `<t>__ft_rebuild`, filled from the write-blocked
 * source, verified, and swapped in. The swap keeps the old table (no `drop_source`) so rows
 * another writer inserted between lifting the block and the swap are carried over before the old
 * table is dropped.
 *
 * Each step is named; a re-run after a failure first discards what the earlier attempt left
 * (`discardLeftoverRebuild`) and starts over from the intact source.
 */
import { type PhysicalTable, readPhysicalTable } from "../cratedb/catalog.ts";
import { type CopiedColumn, copyRows, countRows } from "../cratedb/sql/alter.ts";
import {
  blockWrites,
  createTable,
  dropTableIfExists,
  refreshTable,
  swapTables,
  unblockWrites,
} from "../cratedb/sql/ddl.ts";
import { ident } from "../cratedb/sql/ident.ts";
import { rebuildTableFor } from "../cratedb/sql/names.ts";
import type { SqlClient } from "../cratedb/sql-client.ts";
import { DestinationError } from "../errors.ts";
import { info, warning } from "../log.ts";
import type { ColumnDef } from "../table-def.ts";
import type { TypeChange } from "./alter-table-plan.ts";
import { type AlterOptions, step } from "./alter-table-steps.ts";
import { physicalColumns } from "./create-table.ts";
import { count, run } from "./run-sql.ts";

/**
 * Drops a `<t>__ft_rebuild` an earlier attempt left: either a target that was being filled (the
 * copy always re-reads the whole source, so starting over costs nothing) or the old table after a
 * swap. Its presence also means a write block on the source is ours, so that is lifted. Returns
 * whether there was one.
 */
export async function discardLeftoverRebuild(
  client: SqlClient,
  source: PhysicalTable,
  options: AlterOptions,
): Promise<boolean> {
  const target = rebuildTableFor(source.ref);
  const leftover = await readPhysicalTable(client, target, options);
  if (leftover === undefined) return false;
  if (leftover.writeBlocked) await run(client, unblockWrites(target), options);
  await run(client, dropTableIfExists(target), options);
  if (source.writeBlocked) await run(client, unblockWrites(source.ref), options);
  info(`dropped ${target.schema}.${target.table} left by an earlier AlterTable`);
  return true;
}

export async function rebuildTable(
  client: SqlClient,
  source: PhysicalTable,
  columns: readonly ColumnDef[],
  changes: readonly TypeChange[],
  options: AlterOptions,
): Promise<void> {
  const ref = source.ref;
  const target = rebuildTableFor(ref);
  const existing = new Set(source.columns.map((c) => c.name));
  const converted = new Map(changes.map((c) => [c.to.name, c]));
  const copied: CopiedColumn[] = columns
    .filter((c) => existing.has(c.name))
    .map((c) => {
      const change = converted.get(c.name);
      const expr =
        change?.conversion.kind === "convert" ? change.conversion.expr(ident(c.name)) : ident(c.name);
      return { name: c.name, expr };
    });
  const key = columns.filter((c) => c.primaryKey).map((c) => c.name);

  await step(options, "rebuild:create-target", async () => {
    await run(client, createTable(target, physicalColumns(columns), source.settings), options);
  });
  await step(options, "rebuild:block-source", async () => {
    await run(client, blockWrites(ref), options);
  });
  await step(options, "rebuild:refresh-source", async () => {
    await run(client, refreshTable(ref), options);
  });
  await step(options, "rebuild:copy", async () => {
    await run(client, copyRows(target, ref, copied, key, true), options);
  });
  await step(options, "rebuild:refresh-target", async () => {
    await run(client, refreshTable(target), options);
  });
  await step(options, "rebuild:verify", async () => {
    const [before, after] = [
      await count(client, countRows(ref), options),
      await count(client, countRows(target), options),
    ];
    if (before === after) return;
    await run(client, dropTableIfExists(target), options);
    await run(client, unblockWrites(ref), options);
    throw new DestinationError(
      "ALTER_REBUILD_MISMATCH",
      "user",
      `Changing the primary key of "${ref.schema}"."${ref.table}" was refused and the table left as it was: it has ${before} rows, but only ${after} are distinct under the new primary key (${key.join(", ")}). Remove the duplicate rows or revert the key change at the source.`,
    );
  });
  // Lifting the block and swapping back to back: CrateDB refuses SWAP on a write-blocked table.
  await step(options, "rebuild:swap", async () => {
    await run(client, unblockWrites(ref), options);
    await run(client, swapTables(target, ref), options);
  });
  // `target` now names the old table. Rows other writers added to it between the two statements
  // above are copied over; rows already in the new table win.
  await step(options, "rebuild:copy-stragglers", async () => {
    if (key.length === 0) return;
    await run(client, refreshTable(target), options);
    const stragglers = await run(client, copyRows(ref, target, copied, key, false), options);
    await run(client, refreshTable(ref), options);
    if (stragglers.rowcount > 0) {
      warning(
        `${stragglers.rowcount} rows written to ${ref.schema}.${ref.table} during its rebuild were carried over`,
      );
    }
  });
  await step(options, "rebuild:drop-old", async () => {
    await run(client, dropTableIfExists(target), options);
  });
  info(`rebuilt ${ref.schema}.${ref.table} with primary key (${key.join(", ")})`);
}
