/**
 * CrateDB evaluates `CURRENT_TIMESTAMP` once per statement, when it plans it, and folds a `CASE`
 * whose condition is then constant: `CASE WHEN CURRENT_TIMESTAMP < <ms> THEN x ELSE CAST(ln(0) AS t)
 * END` becomes `x` before the deadline — a key value so wrapped still plans as a lookup by key.
 * After it, a wrapped value fails the whole statement, bulk included, with ln(0)'s error; the
 * predicate form (`THEN TRUE`) fails it only once a row reaches the condition, so a search that
 * matches nothing answers rowcount 0 (checked on CrateDB 6.4.3). PostgreSQL would fold the `ln(0)`
 * eagerly, whichever branch is taken, so the simulator folds this one shape itself, on its own
 * clock, before anything else reads the statement; a late predicate becomes a call that fails
 * when evaluated (`FENCE_FUNCTIONS`).
 */
import { parseError } from "./errors.ts";

const LN_ZERO = "ln(x): given arguments would result in: '-Infinity'";

/** Raises CrateDB's error for `ln(0)` when evaluated; volatile, so PG evaluates it per row. */
export const FENCE_FUNCTIONS = `
CREATE FUNCTION sim.fence_late() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $f$
BEGIN
  RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = $m$ln(x): given arguments would result in: '-Infinity'$m$;
END $f$;`;

const FENCE =
  /CASE\s+WHEN\s+CURRENT_TIMESTAMP\s*<\s*(\d+)\s+THEN\s+(\?|TRUE)\s+ELSE\s+CAST\s*\(\s*ln\s*\(\s*0\s*\)\s+AS\s+.+?\)\s+END/gi;

export function foldFences(stmt: string, now: number = Date.now()): string {
  return stmt.replace(FENCE, (_whole, deadline: string, value: string) => {
    if (now < Number(deadline)) return value;
    if (value.toUpperCase() === "TRUE") return "sim.fence_late()";
    throw parseError(LN_ZERO);
  });
}
