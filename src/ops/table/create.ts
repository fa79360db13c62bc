/**
 * CreateTable (fivetran-protocol.md §7.5). The schema is created implicitly by CREATE TABLE
 * (CREATE SCHEMA would need cluster-wide DDL privilege). An existing table fails the call, unless
 * it already has exactly the requested definition: that is a retry whose first response was lost,
 * and it succeeds.
 */

import { CrateDbError } from "../../cratedb/errors.ts";
import { createTableDdl, type PhysicalColumn } from "../../cratedb/sql/ddl.ts";
import { validateColumnNames, validateTableRef } from "../../cratedb/sql/names.ts";
import type { TableSettings } from "../../cratedb/table-settings.ts";
import { crateTypeFor } from "../../cratedb/type-map.ts";
import { DestinationError, shownTable } from "../../errors.ts";
import type { ColumnDef, TableDef, TableRef } from "../../table-def.ts";
import { type CallContext, run } from "../context.ts";
import { inspectTable } from "./describe.ts";
import { forgetTableTypes, recordColumnTypes } from "./type-metadata.ts";

export const physicalColumns = (columns: readonly ColumnDef[]): PhysicalColumn[] =>
  columns.map((c) => ({ name: c.name, type: crateTypeFor(c), primaryKey: c.primaryKey }));

/** Rejects names and types CrateDB can't take, before anything is sent. */
export function validateDefinition(ref: TableRef, def: TableDef): void {
  validateTableRef(ref);
  validateColumnNames(
    ref,
    def.columns.map((c) => c.name),
  );
  for (const column of def.columns) crateTypeFor(column);
}

const signature = (c: ColumnDef): string =>
  `${c.type}|${c.primaryKey}|${c.type === "DECIMAL" ? `${c.decimal?.precision ?? ""},${c.decimal?.scale ?? ""}` : ""}`;

/** Same columns (in any order) with the same types, params and key flags. */
export function sameDefinition(a: readonly ColumnDef[], b: readonly ColumnDef[]): boolean {
  if (a.length !== b.length) return false;
  const byName = new Map(b.map((c) => [c.name, signature(c)]));
  return a.every((c) => byName.get(c.name) === signature(c));
}

async function failUnlessIdentical(ctx: CallContext, ref: TableRef, def: TableDef) {
  const existing = await inspectTable(ctx, ref);
  if (existing === undefined) {
    // Dropped again between the two reads: let Fivetran retry rather than guess.
    throw new DestinationError(
      "TABLE_CHANGING",
      `Table ${shownTable(ref)} is being created or dropped concurrently.`,
    );
  }
  if (sameDefinition(existing.columns, def.columns)) {
    ctx.log.info(`table ${shownTable(ref)} already exists with the requested definition`);
    return;
  }
  throw tableExists(ref);
}

const tableExists = (ref: TableRef): DestinationError =>
  new DestinationError(
    "TABLE_EXISTS",
    `Table ${shownTable(ref)} already exists in CrateDB with a different definition.`,
  );

export async function createTable(
  ctx: CallContext,
  ref: TableRef,
  def: TableDef,
  settings: TableSettings,
): Promise<void> {
  validateDefinition(ref, def);
  const existing = await inspectTable(ctx, ref);
  if (existing !== undefined) {
    if (!sameDefinition(existing.columns, def.columns)) throw tableExists(ref);
    ctx.log.info(`table ${shownTable(ref)} already exists with the requested definition`);
    return;
  }
  // Records first: if the response is lost after CREATE TABLE, the retry must find them.
  await forgetTableTypes(ctx, ref);
  await recordColumnTypes(ctx, ref, def.columns);
  const sql = createTableDdl(ref, physicalColumns(def.columns), settings);
  try {
    await run(ctx, sql);
  } catch (error) {
    // Created concurrently (4093): same rule as an existing table.
    if (error instanceof CrateDbError && error.code === "CRATEDB_TABLE_EXISTS") {
      await failUnlessIdentical(ctx, ref, def);
      return;
    }
    throw error;
  }
  ctx.log.info(`created table ${shownTable(ref)} with ${def.columns.length} columns`);
}
