/**
 * Fenced statements: a write that reaches CrateDB after its deadline fails instead of landing
 * (docs/write-batch.md, "Late requests"). A request can be held anywhere between the destination
 * and CrateDB (a proxy, a load balancer, a congested link) and arrive after the destination gave
 * up on it — after a newer write of the same rows, or after the call has answered. CrateDB has no
 * transactions to fence it off, so the statement carries its own deadline: CrateDB evaluates
 * `CURRENT_TIMESTAMP < deadline` when it plans the statement (checked on CrateDB 6.4.3), and past
 * it the `ELSE` branch divides by zero, failing the whole request before any row is touched.
 *
 * Two forms:
 * - around a key value, for statements by full primary key: `"id" = CASE … THEN ? … END` still
 *   plans as a real-time lookup (UpdateById/DeleteById), which a predicate beside it would not;
 * - as a predicate, for statements that are searches anyway.
 *
 * The deadline is a placeholder here; the client renders it per request (`renderDeadline`), as
 * CrateDB's clock in epoch milliseconds. The placeholder is no valid SQL, so a fenced statement
 * sent without a deadline fails to parse instead of running unfenced.
 */

import type { ColumnDef } from "../../table-def.ts";
import { crateTypeFor } from "../type-map.ts";
import { castTypeSql } from "./column-type.ts";

/** Placeholder for the request's deadline. */
export const DEADLINE = "{fence_deadline}";

const BEFORE_DEADLINE = `CURRENT_TIMESTAMP < ${DEADLINE}`;

/** `CASE WHEN CURRENT_TIMESTAMP < {deadline} THEN <value> ELSE CAST(1/0 AS <type>) END` */
export function fencedValue(value: string, castType: string): string {
  return `CASE WHEN ${BEFORE_DEADLINE} THEN ${value} ELSE CAST(1/0 AS ${castType}) END`;
}

/** A predicate that holds before the deadline and fails the statement after it. */
export const FENCE_PREDICATE = `CASE WHEN ${BEFORE_DEADLINE} THEN TRUE ELSE CAST(1/0 AS BOOLEAN) END`;

export const isFenced = (stmt: string): boolean => stmt.includes(DEADLINE);

/** The statement with its deadline filled in (epoch ms on CrateDB's clock). */
export const renderDeadline = (stmt: string, deadlineMs: number): string =>
  stmt.replaceAll(DEADLINE, String(Math.trunc(deadlineMs)));

/** CrateDB's answer to a fenced statement planned after its deadline: nothing was applied. */
export const isFenceRefusal = (crateCode: number | undefined, message: string | undefined): boolean =>
  crateCode === 4000 && message !== undefined && message.includes("/ by zero");

/** The CAST type of a fenced key value: the type the destination creates the column with. */
export function keyCastFor(columns: readonly ColumnDef[], keyColumn: string | undefined): string {
  const column = columns.find((c) => c.name === keyColumn);
  if (column === undefined) throw new Error(`key column ${String(keyColumn)} is not in the table definition`);
  return castTypeSql(crateTypeFor(column));
}
