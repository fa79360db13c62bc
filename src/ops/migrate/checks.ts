/** What every Migrate operation checks first: the table and columns it works on exist. */

import { validateTableRef } from "../../cratedb/sql/names.ts";
import { DestinationError, type ErrorCode, shownTable } from "../../errors.ts";
import type { TableRef } from "../../table-def.ts";
import type { CallContext } from "../context.ts";
import { type DescribedColumn, type DescribedTable, inspectTable } from "../table/describe.ts";

export class MigrateRefusedError extends DestinationError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = "MigrateRefusedError";
  }
}

export async function existingTable(ctx: CallContext, ref: TableRef, what: string): Promise<DescribedTable> {
  validateTableRef(ref);
  const table = await inspectTable(ctx, ref);
  if (table === undefined) {
    throw new MigrateRefusedError(
      "MIGRATE_TABLE_MISSING",
      `Migrate (${what}): table ${shownTable(ref)} does not exist in CrateDB.`,
    );
  }
  checkWritable(table);
  return table;
}

/** CrateDB refuses writes, renames and drops on a write-blocked table; say so up front. */
export function checkWritable(table: DescribedTable): void {
  if (!table.physical.writeBlocked) return;
  throw new MigrateRefusedError(
    "TABLE_WRITE_BLOCKED",
    `Table ${shownTable(table.physical.ref)} is write-blocked ("blocks.write" or "blocks.read_only_allow_delete"), set outside Fivetran.`,
  );
}

export function columnOf(table: DescribedTable, column: string, what: string): DescribedColumn {
  const found = table.columns.find((c) => c.name === column);
  if (found === undefined) {
    throw new MigrateRefusedError(
      "MIGRATE_COLUMN_MISSING",
      `Migrate (${what}): column "${column}" does not exist in ${shownTable(table.physical.ref)}.`,
    );
  }
  return found;
}

export const hasColumn = (table: DescribedTable, column: string): boolean =>
  table.columns.some((c) => c.name === column);
