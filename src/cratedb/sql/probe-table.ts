/**
 * Statements of the permissions check: a small table in a schema of its own, exercising every
 * privilege a sync needs (DDL, DML, DQL) and CrateDB's handling of exact BIGINT values.
 */
import type { TableRef } from "../../table-def.ts";
import { type BulkSql, ident, qualified, type Sql } from "./ident.ts";

/** CREATE TABLE "s"."t" ("id" INTEGER PRIMARY KEY, "big" BIGINT, "note" TEXT) WITH (number_of_replicas = 0) */
export function createProbeTable(t: TableRef): Sql {
  return {
    stmt: `CREATE TABLE ${qualified(t)} (${ident("id")} INTEGER PRIMARY KEY, ${ident("big")} BIGINT, ${ident("note")} TEXT) WITH (number_of_replicas = 0)`,
    args: [],
  };
}

/** INSERT INTO "s"."t" ("id", "big", "note") VALUES (?, ?, ?)   (bulk) */
export function insertProbeRow(t: TableRef): BulkSql {
  return {
    bulk: `INSERT INTO ${qualified(t)} (${ident("id")}, ${ident("big")}, ${ident("note")}) VALUES (?, ?, ?)`,
  };
}

/** REFRESH TABLE "s"."t" */
export function refreshProbeTable(t: TableRef): Sql {
  return { stmt: `REFRESH TABLE ${qualified(t)}`, args: [] };
}

/** SELECT "id", "big" FROM "s"."t" ORDER BY "id" */
export function selectProbeRows(t: TableRef): Sql {
  return {
    stmt: `SELECT ${ident("id")}, ${ident("big")} FROM ${qualified(t)} ORDER BY ${ident("id")}`,
    args: [],
  };
}

/** ALTER TABLE "s"."t" ADD COLUMN "added" TEXT */
export function alterProbeTable(t: TableRef): Sql {
  return { stmt: `ALTER TABLE ${qualified(t)} ADD COLUMN ${ident("added")} TEXT`, args: [] };
}

/** DELETE FROM "s"."t" WHERE "id" = ? */
export function deleteProbeRow(t: TableRef, id: number): Sql {
  return { stmt: `DELETE FROM ${qualified(t)} WHERE ${ident("id")} = ?`, args: [id] };
}

/** DROP TABLE IF EXISTS "s"."t" */
export function dropProbeTable(t: TableRef): Sql {
  return { stmt: `DROP TABLE IF EXISTS ${qualified(t)}`, args: [] };
}
