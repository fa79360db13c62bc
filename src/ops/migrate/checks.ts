/** What every Migrate operation checks first: the table and columns it works on exist. */

import { validateTableRef } from "../../cratedb/sql/names.ts";
import { DestinationError } from "../../errors.ts";
import type { TableRef } from "../../table-def.ts";
import type { CallContext } from "../context.ts";
import { type DescribedColumn, type DescribedTable, inspectTable } from "../table/describe.ts";

const name = (ref: TableRef): string => `"${ref.schema}"."${ref.table}"`;

export class MigrateRefusedError extends DestinationError {
  constructor(code: string, message: string) {
    super(code, "user", message);
    this.name = "MigrateRefusedError";
  }
}

export async function existingTable(ctx: CallContext, ref: TableRef, what: string): Promise<DescribedTable> {
  validateTableRef(ref);
  const table = await inspectTable(ctx, ref);
  if (table === undefined) {
    throw new MigrateRefusedError(
      "MIGRATE_TABLE_MISSING",
      `Migrate (${what}): table ${name(ref)} does not exist in CrateDB. It may have been dropped or renamed outside Fivetran; re-sync the table.`,
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
    `Table ${name(table.physical.ref)} is write-blocked ("blocks.write" = true), set outside Fivetran. Reset it (ALTER TABLE … RESET ("blocks.write")) so Fivetran can migrate the table.`,
  );
}

export function columnOf(table: DescribedTable, column: string, what: string): DescribedColumn {
  const found = table.columns.find((c) => c.name === column);
  if (found === undefined) {
    throw new MigrateRefusedError(
      "MIGRATE_COLUMN_MISSING",
      `Migrate (${what}): column "${column}" does not exist in ${name(table.physical.ref)}.`,
    );
  }
  return found;
}

export const hasColumn = (table: DescribedTable, column: string): boolean =>
  table.columns.some((c) => c.name === column);

export const quotedName = name;
