/** Queries over CrateDB's information_schema (cratedb.md §5). */
import type { TableRef } from "../../table-def.ts";
import { qualified, type Sql } from "./ident.ts";

/** SELECT table_type, settings FROM information_schema.tables WHERE table_schema = ? AND table_name = ? */
export const selectTable = (ref: TableRef): Sql => ({
  stmt: "SELECT table_type, settings FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
  args: [ref.schema, ref.table],
});

/**
 * Top-level columns in declaration order. Object sub-columns (`obj['k']`) are listed by CrateDB
 * too; top-level names cannot contain `[`, so the LIKE filter drops exactly those.
 */
export const selectColumns = (ref: TableRef): Sql => ({
  stmt:
    "SELECT column_name, data_type, numeric_precision, is_nullable FROM information_schema.columns" +
    " WHERE table_schema = ? AND table_name = ? AND column_name NOT LIKE '%[%' ORDER BY ordinal_position",
  args: [ref.schema, ref.table],
});

/** Primary-key columns in key order. */
export const selectPrimaryKey = (ref: TableRef): Sql => ({
  stmt:
    "SELECT column_name FROM information_schema.key_column_usage" +
    " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
  args: [ref.schema, ref.table],
});

/** SHOW CREATE TABLE "s"."t": the only place CrateDB reveals a NUMERIC column's scale. */
export const showCreateTable = (ref: TableRef): Sql => ({
  stmt: `SHOW CREATE TABLE ${qualified(ref)}`,
  args: [],
});
