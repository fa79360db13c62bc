/**
 * Fenced statements: a write that reaches CrateDB after its deadline fails instead of landing
 * (docs/write-batch.md, "Late requests"). A request can be held anywhere between the destination
 * and CrateDB (a proxy, a load balancer, a congested link) and arrive after the destination gave
 * up on it — after a newer write of the same rows, or after the call has answered. CrateDB has no
 * transactions to fence it off, so the statement carries its own deadline: CrateDB evaluates
 * `CURRENT_TIMESTAMP < deadline` when it plans the statement (checked on CrateDB 6.4.3), and past
 * it the `ELSE` branch raises an error, failing the whole request before any row is touched.
 *
 * The error is `ln(0)`'s: CrateDB throws it explicitly with a fixed message (LogFunction, 6.2.0
 * to 6.4.3). A division by zero would be the obvious choice, but it is the JVM's own exception,
 * and a JVM that has thrown it often enough drops its message: a warm CrateDB then answers
 * `SQLParseException[null]`, which tells nothing (observed on CrateDB 6.4.3).
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

/** The statement's error past its deadline, as CrateDB words it. */
export const FENCE_ERROR = "ln(x): given arguments would result in: '-Infinity'";

/** `CASE WHEN CURRENT_TIMESTAMP < {deadline} THEN <value> ELSE CAST(ln(0) AS <type>) END` */
export function fencedValue(value: string, castType: string): string {
  return `CASE WHEN ${BEFORE_DEADLINE} THEN ${value} ELSE CAST(ln(0) AS ${castType}) END`;
}

/** A predicate that holds before the deadline and fails the statement after it. */
export const FENCE_PREDICATE = `CASE WHEN ${BEFORE_DEADLINE} THEN TRUE ELSE CAST(ln(0) AS BOOLEAN) END`;

export const isFenced = (stmt: string): boolean => stmt.includes(DEADLINE);

/** The statement with its deadline filled in (epoch ms on CrateDB's clock). */
export const renderDeadline = (stmt: string, deadlineMs: number): string =>
  stmt.replaceAll(DEADLINE, String(Math.trunc(deadlineMs)));

/** CrateDB's answer to a fenced statement planned after its deadline: nothing was applied. */
export const isFenceRefusal = (crateCode: number | undefined, message: string | undefined): boolean =>
  crateCode === 4000 && message !== undefined && message.includes(FENCE_ERROR);

/** The CAST type of a fenced key value: the type the destination creates the column with. */
export function keyCastFor(columns: readonly ColumnDef[], keyColumn: string | undefined): string {
  const column = columns.find((c) => c.name === keyColumn);
  if (column === undefined) throw new Error(`key column ${String(keyColumn)} is not in the table definition`);
  return castTypeSql(crateTypeFor(column));
}
