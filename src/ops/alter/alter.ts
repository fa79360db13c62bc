/**
 * AlterTable (fivetran-protocol.md §7.6, docs/alter-table.md): brings an existing table in line
 * with the complete requested definition. Everything that could refuse the request is checked
 * before the first change; every step can be repeated, and a re-run first finishes or discards
 * what an interrupted attempt left (helper columns, a rebuild table, a write block).
 */

import { addColumns, dropColumn } from "../../cratedb/sql/ddl.ts";
import type { SqlClient } from "../../cratedb/sql-client.ts";
import { DestinationError } from "../../errors.ts";
import { info, warning } from "../../log.ts";
import type { TableDef, TableRef } from "../../table-def.ts";
import { run } from "../run-sql.ts";
import { type StepOptions, step } from "../steps.ts";
import { physicalColumns, validateDefinition } from "../table/create.ts";
import { type DescribedTable, inspectTable } from "../table/describe.ts";
import { forgetColumnTypes, recordColumnTypes } from "../table/type-metadata.ts";
import { AlterRefusedError, countKeyFills, findLossyChanges } from "./checks.ts";
import { convertColumn, resumeConversions } from "./convert.ts";
import { isNoop, planAlter } from "./plan.ts";
import { discardLeftoverRebuild, rebuildTable } from "./rebuild.ts";

async function inspectExisting(
  client: SqlClient,
  ref: TableRef,
  options: StepOptions,
): Promise<DescribedTable> {
  const table = await inspectTable(client, ref, options);
  if (table === undefined) {
    throw new DestinationError(
      "TABLE_MISSING",
      "user",
      `AlterTable: table "${ref.schema}"."${ref.table}" does not exist in CrateDB. It may have been dropped outside Fivetran; re-sync the table to recreate it.`,
    );
  }
  return table;
}

export async function alterTable(
  client: SqlClient,
  ref: TableRef,
  def: TableDef,
  dropColumns: boolean,
  options: StepOptions = {},
): Promise<void> {
  validateDefinition(ref, def);
  let table = await inspectExisting(client, ref, options);
  const requested = def.columns.map((c) => c.name);
  if (await resumeConversions(client, table.physical, requested, options)) {
    table = await inspectExisting(client, ref, options);
  }
  if (await discardLeftoverRebuild(client, table.physical, options)) {
    table = await inspectExisting(client, ref, options);
  }
  const plan = planAlter(table.columns, table.physical.primaryKey, def, dropColumns);
  if (table.physical.writeBlocked) {
    throw new DestinationError(
      "TABLE_WRITE_BLOCKED",
      "user",
      `Table "${ref.schema}"."${ref.table}" is write-blocked ("blocks.write" = true), set outside Fivetran. Reset it (ALTER TABLE … RESET ("blocks.write")) so Fivetran can change the table.`,
    );
  }
  if (plan.refused.size > 0) throw new AlterRefusedError(ref, plan.refused);
  if (isNoop(plan)) return;

  const refused = await findLossyChanges(client, ref, plan.changes, options);
  if (refused.size > 0) throw new AlterRefusedError(ref, refused);
  const fills = new Map<string, number>();
  if (plan.rebuild) {
    const key = plan.rebuild.filter((c) => c.primaryKey).map((c) => c.name);
    const existing = new Set(table.columns.map((c) => c.name));
    for (const [c, n] of await countKeyFills(client, ref, key, existing, options)) fills.set(c, n);
  }
  await options.onStep?.("check");

  if (plan.rebuild) {
    const final = plan.rebuild;
    await rebuildTable(client, table.physical, final, plan.changes, options);
    for (const [column, n] of fills) {
      warning(
        `${n} existing rows of ${ref.schema}.${ref.table} had no value for new primary-key column "${column}" and got its type's empty value (docs/alter-table.md)`,
      );
    }
    await step(options, "record-types", async () => {
      await recordColumnTypes(client, ref, final, options);
      const kept = new Set(final.map((c) => c.name));
      await forgetColumnTypes(
        client,
        ref,
        table.columns.filter((c) => !kept.has(c.name)).map((c) => c.name),
        options,
      );
    });
    return;
  }

  // Records first for columns whose CrateDB type doesn't change (added, relabelled): a reader
  // sees the new type as soon as the column exists.
  const relabelled = plan.changes.filter((c) => c.conversion.kind === "relabel").map((c) => c.to);
  await step(options, "record-types", async () => {
    await recordColumnTypes(client, ref, [...plan.add, ...relabelled], options);
  });
  if (plan.add.length > 0) {
    await step(options, "add-columns", async () => {
      await run(client, addColumns(ref, physicalColumns(plan.add)), options);
    });
    info(`added ${plan.add.length} columns to ${ref.schema}.${ref.table}`);
  }
  for (const change of plan.changes) {
    if (change.conversion.kind !== "convert") continue;
    await convertColumn(client, ref, change, options);
    await step(options, `convert:${change.to.name}:record-type`, async () => {
      await recordColumnTypes(client, ref, [change.to], options);
    });
  }
  if (plan.drop.length > 0) {
    await step(options, "drop-columns", async () => {
      for (const column of plan.drop) await run(client, dropColumn(ref, column), options);
      await forgetColumnTypes(client, ref, plan.drop, options);
    });
    info(`dropped ${plan.drop.length} columns from ${ref.schema}.${ref.table}`);
  }
}
