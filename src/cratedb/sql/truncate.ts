/**
 * Truncate statements (fivetran-protocol.md §7.7). Both are search-based: refresh the table
 * before running them. The cutoff travels as an ISO-8601 UTC string arg, which CrateDB casts to
 * the timestamp column's type.
 */
import type { TableRef } from "../../table-def.ts";
import { ident, qualified, type Sql } from "./ident.ts";

/** DELETE FROM "s"."t" WHERE "_fivetran_synced" < ?   (no WHERE without a cutoff) */
export function hardTruncate(ref: TableRef, syncedColumn: string, cutoffIso: string | undefined): Sql {
  if (cutoffIso === undefined) return { stmt: `DELETE FROM ${qualified(ref)}`, args: [] };
  return { stmt: `DELETE FROM ${qualified(ref)} WHERE ${ident(syncedColumn)} < ?`, args: [cutoffIso] };
}

/** UPDATE "s"."t" SET "_fivetran_deleted" = TRUE WHERE "_fivetran_synced" < ? */
export function softTruncate(
  ref: TableRef,
  syncedColumn: string,
  deletedColumn: string,
  cutoffIso: string | undefined,
): Sql {
  const update = `UPDATE ${qualified(ref)} SET ${ident(deletedColumn)} = TRUE`;
  if (cutoffIso === undefined) return { stmt: update, args: [] };
  return { stmt: `${update} WHERE ${ident(syncedColumn)} < ?`, args: [cutoffIso] };
}
