/**
 * Statements of Migrate (docs/migrate.md). Values — defaults, timestamps, keys — only ever travel
 * as args. Every UPDATE/DELETE/INSERT … SELECT here is search-based, so callers refresh the table
 * before it (cratedb.md §4.6), and fenced (fence.ts): a late one must not undo a later sync.
 */
import type { TableRef } from "../../table-def.ts";
import type { SqlValue } from "../sql-client.ts";
import { FENCE_PREDICATE } from "./fence.ts";
import { ident, identList, qualified, type Sql } from "./ident.ts";

/** ` WHERE <conditions> AND <fence>`, or ` WHERE <fence>` alone. */
const where = (...conditions: string[]): string => ` WHERE ${[...conditions, FENCE_PREDICATE].join(" AND ")}`;

/** ALTER TABLE "s"."a" RENAME TO "b" — CrateDB takes the new name without a schema. */
export const renameTable = (from: TableRef, toTable: string): Sql => ({
  stmt: `ALTER TABLE ${qualified(from)} RENAME TO ${ident(toTable)}`,
  args: [],
});

/** UPDATE "s"."t" SET "c" = ? WHERE <fence>  (every row) */
export const setColumn = (ref: TableRef, column: string, value: SqlValue): Sql => ({
  stmt: `UPDATE ${qualified(ref)} SET ${ident(column)} = ?${where()}`,
  args: [value],
});

/** UPDATE "s"."t" SET "to" = "from" WHERE <fence>  (every row) */
export const copyColumnValues = (ref: TableRef, from: string, to: string): Sql => ({
  stmt: `UPDATE ${qualified(ref)} SET ${ident(to)} = ${ident(from)}${where()}`,
  args: [],
});

/** DELETE FROM "s"."t" WHERE <fence> */
export const deleteAllRows = (ref: TableRef): Sql => ({
  stmt: `DELETE FROM ${qualified(ref)}${where()}`,
  args: [],
});

/** The names of the three history-mode columns (fivetran-protocol.md §4). */
export interface HistoryColumns {
  readonly start: string;
  readonly end: string;
  readonly active: string;
}

/** SELECT max("_fivetran_start") AS m FROM "s"."t" WHERE "_fivetran_active" = TRUE */
export const maxActiveStart = (ref: TableRef, h: HistoryColumns): Sql => ({
  stmt: `SELECT max(${ident(h.start)}) AS m FROM ${qualified(ref)} WHERE ${ident(h.active)} = TRUE`,
  args: [],
});

/** SELECT max("c") AS m FROM "s"."t" */
export const maxOf = (ref: TableRef, column: string): Sql => ({
  stmt: `SELECT max(${ident(column)}) AS m FROM ${qualified(ref)}`,
  args: [],
});

/** A column of a copied version: its source expression, or a new value given as a typed arg. */
export type VersionColumn =
  | { readonly name: string; readonly copy: true }
  | { readonly name: string; readonly value: SqlValue; readonly castAs: string };

/**
 * New versions at T of the active versions that started before T (history add/drop column):
 *
 * INSERT INTO "s"."t" ("id", "c", "_fivetran_start", …) SELECT "id", CAST(? AS TEXT),
 *   CAST(? AS TIMESTAMP WITH TIME ZONE), … FROM "s"."t" WHERE "_fivetran_active" = TRUE
 *   AND "_fivetran_start" < ? [AND "c" IS NOT NULL] ON CONFLICT ("id", "_fivetran_start") DO NOTHING
 *
 * DO NOTHING makes it insert-if-absent on (key, T), so a repeat adds nothing.
 */
export function insertVersionsAt(
  ref: TableRef,
  columns: readonly VersionColumn[],
  key: readonly string[],
  h: HistoryColumns,
  atMs: number,
  onlyWhereNotNull?: string,
): Sql {
  const args: SqlValue[] = [];
  const exprs = columns.map((c) => {
    if ("copy" in c) return ident(c.name);
    args.push(c.value);
    return `CAST(? AS ${c.castAs})`;
  });
  args.push(atMs);
  const notNull = onlyWhereNotNull === undefined ? [] : [`${ident(onlyWhereNotNull)} IS NOT NULL`];
  return {
    stmt:
      `INSERT INTO ${qualified(ref)} (${identList(columns.map((c) => c.name))}) SELECT ${exprs.join(", ")}` +
      ` FROM ${qualified(ref)}${where(`${ident(h.active)} = TRUE`, `${ident(h.start)} < ?`, ...notNull)}` +
      ` ON CONFLICT (${identList(key)}) DO NOTHING`,
    args,
  };
}

/** UPDATE "s"."t" SET "c" = ? WHERE "_fivetran_start" = ? AND <fence> */
export const setColumnAt = (
  ref: TableRef,
  column: string,
  value: SqlValue,
  h: HistoryColumns,
  atMs: number,
): Sql => ({
  stmt: `UPDATE ${qualified(ref)} SET ${ident(column)} = ?${where(`${ident(h.start)} = ?`)}`,
  args: [value, atMs],
});

/**
 * Closes the active versions that started before T:
 * UPDATE "s"."t" SET "_fivetran_active" = FALSE, "_fivetran_end" = ? WHERE "_fivetran_active" = TRUE
 *   AND "_fivetran_start" < ? [AND "c" IS NOT NULL]
 */
export function closeActiveVersionsBefore(
  ref: TableRef,
  h: HistoryColumns,
  atMs: number,
  onlyWhereNotNull?: string,
): Sql {
  const notNull = onlyWhereNotNull === undefined ? [] : [`${ident(onlyWhereNotNull)} IS NOT NULL`];
  return {
    stmt:
      `UPDATE ${qualified(ref)} SET ${ident(h.active)} = FALSE, ${ident(h.end)} = ?` +
      where(`${ident(h.active)} = TRUE`, `${ident(h.start)} < ?`, ...notNull),
    args: [atMs - 1, atMs],
  };
}

/**
 * History values for rows that have none yet (soft delete → history), so a repeat leaves rows
 * already filled alone:
 * UPDATE "s"."t" SET "_fivetran_start" = ?, "_fivetran_end" = ?, "_fivetran_active" = ?
 *   WHERE "_fivetran_start" IS NULL [AND "_fivetran_deleted" = TRUE]
 */
export function fillHistory(
  ref: TableRef,
  h: HistoryColumns,
  values: { readonly startMs: number; readonly endMs: number; readonly active: boolean },
  onlyWhereTrue?: string,
): Sql {
  const flagged = onlyWhereTrue === undefined ? [] : [`${ident(onlyWhereTrue)} = TRUE`];
  return {
    stmt:
      `UPDATE ${qualified(ref)} SET ${ident(h.start)} = ?, ${ident(h.end)} = ?, ${ident(h.active)} = ?` +
      where(`${ident(h.start)} IS NULL`, ...flagged),
    args: [values.startMs, values.endMs, values.active],
  };
}

/**
 * Up to `limit` keys with more than one version, and their latest start:
 * SELECT "id", max("_fivetran_start") AS m FROM "s"."t" GROUP BY "id" HAVING count(*) > 1 LIMIT ?
 */
export const keysWithOlderVersions = (
  ref: TableRef,
  key: readonly string[],
  h: HistoryColumns,
  limit: number,
): Sql => ({
  stmt:
    `SELECT ${identList(key)}, max(${ident(h.start)}) AS m FROM ${qualified(ref)}` +
    ` GROUP BY ${identList(key)} HAVING count(*) > 1 LIMIT ?`,
  args: [limit],
});

/** UPDATE "s"."t" SET "_fivetran_deleted" = NOT "_fivetran_active" WHERE <fence> */
export const deletedFromActive = (ref: TableRef, deleted: string, active: string): Sql => ({
  stmt: `UPDATE ${qualified(ref)} SET ${ident(deleted)} = NOT ${ident(active)}${where()}`,
  args: [],
});

/** UPDATE "s"."t" SET "c" = ? WHERE "c" IS NULL AND <fence> */
export const setWhereNull = (ref: TableRef, column: string, value: SqlValue): Sql => ({
  stmt: `UPDATE ${qualified(ref)} SET ${ident(column)} = ?${where(`${ident(column)} IS NULL`)}`,
  args: [value],
});
