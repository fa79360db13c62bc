/**
 * Statements that apply WriteBatch files (fivetran-protocol.md §7.8). Each is built once per file
 * (or per set of modified columns) and run over many rows as `bulk_args`; every value is an arg.
 * All match rows by the full primary key, so CrateDB plans them as real-time Get/UpdateById/
 * DeleteById operations (cratedb.md §4.6): no REFRESH is needed between them. Each is fenced
 * (fence.ts) by the value of the first key column, whose CAST type `keyCast` names.
 */
import type { TableRef } from "../../table-def.ts";
import { fencedValue } from "./fence.ts";
import { type BulkSql, ident, identList, qualified } from "./ident.ts";

/** `"k1" = <fenced ?> AND "k2" = ?` */
export const byFencedKey = (keyColumns: readonly string[], keyCast: string): string =>
  keyColumns.map((c, i) => `${ident(c)} = ${i === 0 ? fencedValue("?", keyCast) : "?"}`).join(" AND ");

/**
 * INSERT INTO "s"."t" ("id", "a") VALUES (<fenced ?>, ?) ON CONFLICT ("id") DO UPDATE SET "a" = excluded."a"
 *
 * Only the given columns are written: table columns missing from the file keep their values on
 * overwrite. With nothing but key columns there is nothing to overwrite: DO NOTHING (an empty SET
 * list is a syntax error, cratedb.md §4.3).
 */
export function upsertRows(
  ref: TableRef,
  columns: readonly string[],
  keyColumns: readonly string[],
  keyCast: string,
): BulkSql {
  const keys = new Set(keyColumns);
  const fenced = columns.indexOf(keyColumns[0] ?? "");
  const rest = columns.filter((c) => !keys.has(c));
  const action =
    rest.length === 0
      ? "DO NOTHING"
      : `DO UPDATE SET ${rest.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(", ")}`;
  return {
    bulk: `INSERT INTO ${qualified(ref)} (${identList(columns)}) VALUES (${columns.map((_, i) => (i === fenced ? fencedValue("?", keyCast) : "?")).join(", ")}) ON CONFLICT (${identList(keyColumns)}) ${action}`,
  };
}

/**
 * UPDATE "s"."t" SET "a" = ?, "b" = ? WHERE "id" = <fenced ?>   (args: set values, then key values)
 *
 * By full primary key only, so a missing row is CrateDB's 40411 item (treated as "nothing to do")
 * and never an insert.
 */
export function updateByKey(
  ref: TableRef,
  setColumns: readonly string[],
  keyColumns: readonly string[],
  keyCast: string,
): BulkSql {
  return {
    bulk: `UPDATE ${qualified(ref)} SET ${setColumns.map((c) => `${ident(c)} = ?`).join(", ")} WHERE ${byFencedKey(keyColumns, keyCast)}`,
  };
}

/** DELETE FROM "s"."t" WHERE "id" = <fenced ?>   (one arg set per key) */
export function deleteByKey(ref: TableRef, keyColumns: readonly string[], keyCast: string): BulkSql {
  return { bulk: `DELETE FROM ${qualified(ref)} WHERE ${byFencedKey(keyColumns, keyCast)}` };
}
