/**
 * In-place type change of a non-key column (docs/alter-table.md): CrateDB can't change a column's
 * type, so values are copied into `<c>__ft_convert`, verified, and that column takes the name.
 * A re-run after a failure finds the helper column: with the original still there it starts
 * over; with the original already dropped it only finishes the rename.
 */
import { type PhysicalTable, readPhysicalTable } from "../../cratedb/catalog.ts";
import { copyConverted, countNonNull } from "../../cratedb/sql/alter.ts";
import { addColumns, dropColumn, refreshTable, renameColumn } from "../../cratedb/sql/ddl.ts";
import { ident } from "../../cratedb/sql/ident.ts";
import { conversionColumnFor } from "../../cratedb/sql/names.ts";
import type { SqlClient } from "../../cratedb/sql-client.ts";
import { crateTypeFor } from "../../cratedb/type-map.ts";
import { DestinationError } from "../../errors.ts";
import { info, warning } from "../../log.ts";
import type { TableRef } from "../../table-def.ts";
import { run } from "../run-sql.ts";
import { CLEANUP_TIMEOUT_MS, type StepOptions, step } from "../steps.ts";
import type { TypeChange } from "./plan.ts";

/** Finishes or discards conversions an earlier attempt left; true when anything changed. */
export async function resumeConversions(
  client: SqlClient,
  table: PhysicalTable,
  requested: readonly string[],
  options: StepOptions,
): Promise<boolean> {
  const present = new Set(table.columns.map((c) => c.name));
  let changed = false;
  for (const name of requested) {
    const helper = conversionColumnFor(name);
    if (!present.has(helper) || requested.includes(helper)) continue;
    if (present.has(name)) await run(client, dropColumn(table.ref, helper), options);
    else await run(client, renameColumn(table.ref, helper, name), options);
    info(`${present.has(name) ? "discarded" : "finished"} an interrupted type change of column ${name}`);
    changed = true;
  }
  return changed;
}

export async function convertColumn(
  client: SqlClient,
  ref: TableRef,
  change: TypeChange,
  options: StepOptions,
): Promise<void> {
  if (change.conversion.kind !== "convert") return;
  const { expr } = change.conversion;
  const column = change.from.name;
  const helper = conversionColumnFor(column);
  const target = { name: helper, type: crateTypeFor({ ...change.to, primaryKey: false }), primaryKey: false };
  const label = `convert:${column}`;

  let dropped = false;
  try {
    await step(options, `${label}:add-helper`, async () => {
      await run(client, addColumns(ref, [target]), options);
    });
    await step(options, `${label}:copy`, async () => {
      await run(client, refreshTable(ref), options); // UPDATE with a filter is search-based
      await run(client, copyConverted(ref, column, helper, expr(ident(column))), options);
    });
    await step(options, `${label}:verify`, async () => {
      await run(client, refreshTable(ref), options);
      const result = await run(client, countNonNull(ref, column, helper), options);
      const [before, after] = [Number(result.rows[0]?.[0]), Number(result.rows[0]?.[1])];
      if (before !== after) {
        throw new DestinationError(
          "ALTER_VERIFY_FAILED",
          "user",
          `Changing the type of column "${column}" in "${ref.schema}"."${ref.table}" stopped before the original column was touched: it has ${before} values, but ${after} converted. Either another writer changed rows meanwhile, or some values don't convert; check them and retry the sync.`,
        );
      }
    });
    await step(options, `${label}:drop-original`, async () => {
      dropped = true;
      await run(client, dropColumn(ref, column), options);
    });
    await step(options, `${label}:rename`, async () => {
      await run(client, renameColumn(ref, helper, column), options);
    });
  } catch (error) {
    await cleanUpFailedConversion(client, ref, column, helper, dropped);
    throw error;
  }
  info(
    `changed column ${column} of ${ref.schema}.${ref.table} from ${change.from.type} to ${change.to.type}`,
  );
}

/**
 * After a failed step, puts the column back under its name so the next sync can write it: before
 * the original was dropped the helper goes; after, the helper takes the name. Best effort, bounded
 * and without the call's signal; what fails here the next AlterTable finishes (`resumeConversions`).
 */
async function cleanUpFailedConversion(
  client: SqlClient,
  ref: TableRef,
  column: string,
  helper: string,
  dropped: boolean,
): Promise<void> {
  const options = { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) };
  try {
    const table = await readPhysicalTable(client, ref, options);
    const present = new Set(table?.columns.map((c) => c.name));
    if (!present.has(helper)) return;
    if (present.has(column)) await run(client, dropColumn(ref, helper), options);
    else if (dropped) await run(client, renameColumn(ref, helper, column), options);
  } catch {
    warning(
      `could not restore column ${column} of ${ref.schema}.${ref.table} after a failed type change; the next AlterTable will finish it`,
    );
  }
}
