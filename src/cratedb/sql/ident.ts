/**
 * Identifier quoting and the statement shape every SQL builder returns. CrateDB folds unquoted
 * names to lower case and reserves ~96 words, so every identifier is quoted, always
 * (cratedb.md §3.1); a quote inside a name is doubled.
 */

import type { TableRef } from "../../table-def.ts";
import type { SqlValue } from "../sql-client.ts";

/** One statement plus its positional `?` args. Values never appear in `stmt`. */
export interface Sql {
  readonly stmt: string;
  readonly args: readonly SqlValue[];
}

/**
 * A statement run over many arg sets (`bulk_args`). It has no args of its own — a field of
 * another name than `Sql`'s, so neither can be passed where the other belongs and no arg is ever
 * silently dropped.
 */
export interface BulkSql {
  readonly bulk: string;
}

/** `a"b` → `"a""b"` */
export const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** `{schema: "s", table: "t"}` → `"s"."t"` */
export const qualified = (ref: TableRef): string => `${ident(ref.schema)}.${ident(ref.table)}`;

export const identList = (names: readonly string[]): string => names.map(ident).join(", ");
