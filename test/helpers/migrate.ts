/** Tables and helpers shared by the Migrate integration tests. */
import assert from "node:assert/strict";
import type { CallContext } from "../../src/ops/context.ts";
import type { TableDef, TableRef } from "../../src/table-def.ts";
import { StopAfter } from "./alter.ts";
import { col } from "./ops.ts";

export const T0 = Date.parse("2024-01-01T00:00:00.000Z");
export const T1 = Date.parse("2024-02-01T00:00:00.000Z");
export const T2 = Date.parse("2024-03-01T00:00:00.000Z");
export const MAX = Date.parse("9999-12-31T23:59:59.999Z");
export const MIN = Date.parse("0001-01-01T00:00:00.000Z");

/** A soft-delete table as Fivetran creates it. */
export const softDelete: TableDef = {
  name: "t",
  columns: [
    col("id", "INT", true),
    col("name", "STRING"),
    col("amount", "DECIMAL", false, { decimal: { precision: 10, scale: 2 } }),
    col("_fivetran_deleted", "BOOLEAN"),
    col("_fivetran_synced", "UTC_DATETIME"),
  ],
};
export const SOFT_NAMES = ["id", "name", "amount", "_fivetran_deleted", "_fivetran_synced"];
export const SOFT_ROWS = [
  [1, "one", 1.5, false, T0],
  [2, "two", -2.25, true, T1],
  [3, null, null, false, T0],
];

/** A history-mode table: key (id, _fivetran_start). */
export const history: TableDef = {
  name: "h",
  columns: [
    col("id", "INT", true),
    col("name", "STRING"),
    col("_fivetran_start", "UTC_DATETIME", true),
    col("_fivetran_end", "UTC_DATETIME"),
    col("_fivetran_active", "BOOLEAN"),
    col("_fivetran_synced", "UTC_DATETIME"),
  ],
};
export const HISTORY_NAMES = [
  "id",
  "name",
  "_fivetran_start",
  "_fivetran_end",
  "_fivetran_active",
  "_fivetran_synced",
];
/** Key 1: two versions, the latest active; key 2: deleted (no active version); key 3: one active version. */
export const HISTORY_ROWS = [
  [1, "old", T0, T1 - 1, false, T0],
  [1, "new", T1, MAX, true, T1],
  [2, "gone", T0, T1, false, T1],
  [3, "three", T0, MAX, true, T0],
];

/**
 * Runs the operation once to learn its steps, then for every step: a fresh table, the operation
 * stopped right after that step, the operation again, and `check` on the result.
 */
export async function convergesAfterEachStep(
  setup: () => Promise<TableRef>,
  operation: (ref: TableRef, onStep?: CallContext["onStep"]) => Promise<unknown>,
  check: (ref: TableRef, label: string) => Promise<void>,
  minSteps = 2,
): Promise<void> {
  const steps: string[] = [];
  const first = await setup();
  await operation(first, (s) => void steps.push(s));
  await check(first, "uninterrupted");
  assert.ok(steps.length >= minSteps, steps.join(","));
  for (const stop of steps) {
    const ref = await setup();
    await assert.rejects(
      operation(ref, (s) => {
        if (s === stop) throw new StopAfter(s);
      }),
      StopAfter,
    );
    await operation(ref);
    await check(ref, `after stopping at ${stop}`);
  }
}
