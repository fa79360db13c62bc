/**
 * DescribeTable (fivetran-protocol.md §7.4): the table as Fivetran defined it. Each column's type
 * comes from its type record while the record still matches the column's CrateDB type, otherwise
 * from the closest Fivetran type; primary-key flags come from information_schema.
 */

import {
  type PhysicalColumnInfo,
  type PhysicalTable,
  readNumericScales,
  readPhysicalTable,
} from "../../cratedb/catalog.ts";
import { closestFivetranType, crateTypeFor, storageOf, storageSignature } from "../../cratedb/type-map.ts";
import { DestinationError, shownTable } from "../../errors.ts";
import type { ColumnDef, TableDef, TableRef } from "../../table-def.ts";
import { type CallContext, requestOptions } from "../context.ts";
import { readTypeRecords, type TypeRecord } from "./type-metadata.ts";

export interface DescribedColumn extends ColumnDef {
  readonly physical: PhysicalColumnInfo;
}

export interface DescribedTable {
  readonly physical: PhysicalTable;
  readonly columns: readonly DescribedColumn[];
}

function recordApplies(record: TypeRecord, column: PhysicalColumnInfo, primaryKey: boolean): boolean {
  const current = storageSignature(column.dataType, column.numericPrecision);
  if (record.storage !== current) return false;
  const def: ColumnDef = {
    name: column.name,
    type: record.type,
    primaryKey,
    ...(record.decimal ? { decimal: record.decimal } : {}),
  };
  try {
    return storageOf(crateTypeFor(def)) === current;
  } catch {
    return false; // a record with unusable params
  }
}

/** Combines physical columns, type records and NUMERIC scales into Fivetran column definitions. */
export function resolveColumns(
  table: PhysicalTable,
  records: ReadonlyMap<string, TypeRecord>,
  scales: ReadonlyMap<string, number>,
): DescribedColumn[] {
  const keys = new Set(table.primaryKey);
  return table.columns.map((physical) => {
    const primaryKey = keys.has(physical.name);
    const record = records.get(physical.name);
    const info =
      record && recordApplies(record, physical, primaryKey)
        ? record
        : closestFivetranType(physical.dataType, physical.numericPrecision, scales.get(physical.name));
    return {
      name: physical.name,
      type: info.type,
      primaryKey,
      ...(info.decimal ? { decimal: info.decimal } : {}),
      physical,
    };
  });
}

/** Table and columns with their Fivetran types, or undefined when the table doesn't exist. */
export async function inspectTable(ctx: CallContext, ref: TableRef): Promise<DescribedTable | undefined> {
  const physical = await readPhysicalTable(ctx.client, ref, requestOptions(ctx));
  if (physical === undefined) return undefined;
  if (physical.isView) {
    throw new DestinationError("TABLE_IS_VIEW", `${shownTable(ref)} is a view in CrateDB, not a table.`);
  }
  const records = await readTypeRecords(ctx, ref);
  const keys = new Set(physical.primaryKey);
  const needScale = physical.columns
    .filter((c) => c.dataType === "numeric")
    .filter((c) => {
      const record = records.get(c.name);
      return !(record && recordApplies(record, c, keys.has(c.name)));
    })
    .map((c) => c.name);
  const scales =
    needScale.length > 0
      ? await readNumericScales(ctx.client, ref, needScale, requestOptions(ctx))
      : new Map();
  return { physical, columns: resolveColumns(physical, records, scales) };
}

/** The Fivetran definition of a table, or undefined when it doesn't exist (→ `not_found`). */
export async function describeTable(ctx: CallContext, ref: TableRef): Promise<TableDef | undefined> {
  const described = await inspectTable(ctx, ref);
  if (described === undefined) return undefined;
  return {
    name: ref.table,
    columns: described.columns.map(({ physical: _, ...column }) => column),
  };
}
