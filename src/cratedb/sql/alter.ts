/**
 * Data statements of AlterTable: conversion checks and copies, and the copy of a rebuild. All of
 * them are search-based, so the table is refreshed before each (cratedb.md §4.6).
 */
import type { ColumnDef, FivetranType, TableRef } from "../../table-def.ts";
import { crateTypeFor } from "../type-map.ts";
import { castTypeSql } from "./column-type.ts";
import { ident, identList, qualified, type Sql } from "./ident.ts";

/** SELECT count(*) AS n FROM "s"."t" WHERE "c" IS NOT NULL AND (<lossy predicate>) */
export function countLossy(ref: TableRef, column: string, lossy: Sql): Sql {
  return {
    stmt: `SELECT count(*) AS n FROM ${qualified(ref)} WHERE ${ident(column)} IS NOT NULL AND (${lossy.stmt})`,
    args: lossy.args,
  };
}

/** UPDATE "s"."t" SET "c__ft_convert" = CAST("c" AS …) WHERE "c" IS NOT NULL */
export function copyConverted(ref: TableRef, from: string, to: string, expr: string): Sql {
  return {
    stmt: `UPDATE ${qualified(ref)} SET ${ident(to)} = ${expr} WHERE ${ident(from)} IS NOT NULL`,
    args: [],
  };
}

/** SELECT count("a") AS a, count("b") AS b FROM "s"."t": non-null values of two columns. */
export const countNonNull = (ref: TableRef, a: string, b: string): Sql => ({
  stmt: `SELECT count(${ident(a)}) AS a, count(${ident(b)}) AS b FROM ${qualified(ref)}`,
  args: [],
});

/** SELECT count(*) AS n FROM "s"."t" */
export const countRows = (ref: TableRef): Sql => ({
  stmt: `SELECT count(*) AS n FROM ${qualified(ref)}`,
  args: [],
});

/** SELECT count(*) AS n FROM "s"."t" WHERE "a" IS NULL OR "b" IS NULL: rows a new key can't hold. */
export function countNullKeys(ref: TableRef, columns: readonly string[]): Sql {
  return {
    stmt: `SELECT count(*) AS n FROM ${qualified(ref)} WHERE ${columns.map((c) => `${ident(c)} IS NULL`).join(" OR ")}`,
    args: [],
  };
}

export interface CopiedColumn {
  readonly name: string;
  /** Source expression, e.g. `"v"` or `CAST("v" AS BIGINT)`. */
  readonly expr: string;
}

/**
 * INSERT INTO "s"."new" ("a", "b") SELECT "a", CAST("b" AS …) FROM "s"."old"
 *   ON CONFLICT ("a") DO UPDATE SET "b" = excluded."b"
 * Columns are matched by name. With `overwrite` a re-run converges on the source's rows; without
 * it rows already in the target win (DO NOTHING).
 */
export function copyRows(
  target: TableRef,
  source: TableRef,
  columns: readonly CopiedColumn[],
  primaryKey: readonly string[],
  overwrite: boolean,
): Sql {
  const names = columns.map((c) => c.name);
  let stmt = `INSERT INTO ${qualified(target)} (${identList(names)}) SELECT ${columns.map((c) => c.expr).join(", ")} FROM ${qualified(source)}`;
  if (primaryKey.length > 0) {
    const rest = names.filter((n) => !primaryKey.includes(n));
    stmt +=
      overwrite && rest.length > 0
        ? ` ON CONFLICT (${identList(primaryKey)}) DO UPDATE SET ${rest.map((n) => `${ident(n)} = excluded.${ident(n)}`).join(", ")}`
        : ` ON CONFLICT (${identList(primaryKey)}) DO NOTHING`;
  }
  return { stmt, args: [] };
}

/** The literal behind each type's key fill: a zero, false, the epoch, or empty text. */
const FILL_LITERAL: Record<FivetranType, string> = {
  BOOLEAN: "false",
  SHORT: "0",
  INT: "0",
  LONG: "0",
  DECIMAL: "0",
  FLOAT: "0",
  DOUBLE: "0",
  NAIVE_DATE: "'1970-01-01T00:00:00'",
  NAIVE_DATETIME: "'1970-01-01T00:00:00'",
  UTC_DATETIME: "'1970-01-01T00:00:00+00:00'",
  NAIVE_TIME: "'00:00:00'",
  JSON: "'null'",
  STRING: "''",
  XML: "''",
  BINARY: "''",
  UNSPECIFIED: "''",
};

/**
 * The value a rebuilt row gets in a primary-key column it has no value for (a new key column, or
 * NULL in a column that joins the key): CrateDB keys can't be NULL, and every type has one
 * obvious empty value (docs/alter-table.md). A constant, never user data.
 */
export function keyFill(column: ColumnDef): string {
  return `CAST(${FILL_LITERAL[column.type]} AS ${castTypeSql(crateTypeFor(column))})`;
}

/** `COALESCE(<expr>, <key fill>)`: a key column's source value, or its fill where it is NULL. */
export const keyValueOrFill = (expr: string, column: ColumnDef): string =>
  `COALESCE(${expr}, ${keyFill(column)})`;
