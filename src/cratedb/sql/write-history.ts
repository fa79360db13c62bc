/**
 * Statements of WriteHistoryBatch (fivetran-protocol.md §7.9). They match on the source key only
 * (the primary key without `_fivetran_start`) plus a non-key predicate, so CrateDB runs them as
 * searches: they see only refreshed rows (cratedb.md §4.6) and the caller refreshes the table
 * before each step that uses them. The writes among them are fenced (fence.ts) by a predicate.
 */
import { SYSTEM_COLUMN, type TableRef } from "../../table-def.ts";
import type { SqlValue } from "../sql-client.ts";
import { FENCE_PREDICATE } from "./fence.ts";
import { type BulkSql, ident, identList, qualified, type Sql } from "./ident.ts";

const START = ident(SYSTEM_COLUMN.start);
const END = ident(SYSTEM_COLUMN.end);
const ACTIVE = ident(SYSTEM_COLUMN.active);

const byKey = (keyColumns: readonly string[]): string =>
  keyColumns.map((c) => `${ident(c)} = ?`).join(" AND ");

/**
 * DELETE FROM "s"."t" WHERE "id" = ? AND "_fivetran_start" >= ?   (args: key values, start)
 *
 * Earliest-start step a: versions at or after the batch's earliest start are replaced by the batch.
 */
export function deleteVersionsFrom(ref: TableRef, keyColumns: readonly string[]): BulkSql {
  return {
    bulk: `DELETE FROM ${qualified(ref)} WHERE ${byKey(keyColumns)} AND ${START} >= ? AND ${FENCE_PREDICATE}`,
  };
}

/**
 * UPDATE "s"."t" SET "_fivetran_active" = FALSE, "_fivetran_end" = ?
 * WHERE "id" = ? AND ("_fivetran_active" = TRUE OR "_fivetran_end" >= ?)
 * (args: start − 1 ms, key values, start)
 *
 * Earliest-start step b plus the H1 extension: the active version, and any remaining version that
 * would still overlap the new start, end 1 ms before it.
 */
export function closeKeyVersionsBefore(ref: TableRef, keyColumns: readonly string[]): BulkSql {
  return {
    bulk: `UPDATE ${qualified(ref)} SET ${ACTIVE} = FALSE, ${END} = ? WHERE ${byKey(keyColumns)} AND (${ACTIVE} = TRUE OR ${END} >= ?) AND ${FENCE_PREDICATE}`,
  };
}

/**
 * UPDATE "s"."t" SET "_fivetran_active" = FALSE, "_fivetran_end" = ?
 * WHERE "id" = ? AND "_fivetran_active" = TRUE   (args: end from the file, key values)
 */
export function closeActiveVersion(ref: TableRef, keyColumns: readonly string[]): BulkSql {
  return {
    bulk: `UPDATE ${qualified(ref)} SET ${ACTIVE} = FALSE, ${END} = ? WHERE ${byKey(keyColumns)} AND ${ACTIVE} = TRUE AND ${FENCE_PREDICATE}`,
  };
}

/**
 * Every version of the given keys, to find update rows' base versions.
 * One key column: SELECT "id", "a" FROM "s"."t" WHERE "id" = ANY(?)   (one array arg)
 * Several: SELECT … WHERE ("a" = ? AND "b" = ?) OR ("a" = ? AND "b" = ?)
 */
export function selectVersions(
  ref: TableRef,
  columns: readonly string[],
  keyColumns: readonly string[],
  keys: readonly (readonly SqlValue[])[],
): Sql {
  const head = `SELECT ${identList(columns)} FROM ${qualified(ref)} WHERE `;
  if (keyColumns.length === 1) {
    return { stmt: `${head}${ident(keyColumns[0]!)} = ANY(?)`, args: [keys.map((k) => k[0] ?? null)] };
  }
  return {
    stmt: head + keys.map(() => `(${byKey(keyColumns)})`).join(" OR "),
    args: keys.flat(),
  };
}
