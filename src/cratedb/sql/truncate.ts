/**
 * Truncate statements (fivetran-protocol.md §7.7). Both are search-based: refresh the table
 * before running them. The cutoff travels as an ISO-8601 UTC string arg, which CrateDB casts to
 * the timestamp column's type. Both are fenced (fence.ts): a late truncate must not delete rows
 * a later sync wrote.
 */
import type { TableRef } from "../../table-def.ts";
import { FENCE_PREDICATE } from "./fence.ts";
import { ident, qualified, type Sql } from "./ident.ts";

/** DELETE FROM "s"."t" WHERE "_fivetran_synced" < ? AND <fence>   (only the fence without a cutoff) */
export function hardTruncate(ref: TableRef, syncedColumn: string, cutoffIso: string | undefined): Sql {
  if (cutoffIso === undefined)
    return { stmt: `DELETE FROM ${qualified(ref)} WHERE ${FENCE_PREDICATE}`, args: [] };
  return {
    stmt: `DELETE FROM ${qualified(ref)} WHERE ${ident(syncedColumn)} < ? AND ${FENCE_PREDICATE}`,
    args: [cutoffIso],
  };
}

/** UPDATE "s"."t" SET "_fivetran_deleted" = TRUE WHERE "_fivetran_synced" < ? AND <fence> */
export function softTruncate(
  ref: TableRef,
  syncedColumn: string,
  deletedColumn: string,
  cutoffIso: string | undefined,
): Sql {
  const update = `UPDATE ${qualified(ref)} SET ${ident(deletedColumn)} = TRUE`;
  if (cutoffIso === undefined) return { stmt: `${update} WHERE ${FENCE_PREDICATE}`, args: [] };
  return { stmt: `${update} WHERE ${ident(syncedColumn)} < ? AND ${FENCE_PREDICATE}`, args: [cutoffIso] };
}
