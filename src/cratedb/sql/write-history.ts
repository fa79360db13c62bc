/**
 * The read of WriteHistoryBatch (fivetran-protocol.md §7.9): every version of a chunk's source
 * keys (the primary key without `_fivetran_start`). It is a search: it sees only refreshed rows
 * (cratedb.md §4.6), and the caller refreshes the table before each step that uses it. The
 * versions found are then changed by their full primary key (write.ts), as lookups.
 */
import type { TableRef } from "../../table-def.ts";
import type { SqlValue } from "../sql-client.ts";
import { ident, identList, qualified, type Sql } from "./ident.ts";

const byKey = (keyColumns: readonly string[]): string =>
  keyColumns.map((c) => `${ident(c)} = ?`).join(" AND ");

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
