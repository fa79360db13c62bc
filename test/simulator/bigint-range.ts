/**
 * CrateDB's indexer refuses exactly `Long.MAX_VALUE` and `Long.MIN_VALUE` in BIGINT columns (and
 * BIGINT array elements) since 5.9, although they are valid BIGINT values everywhere else
 * (comparisons, arguments, casts). PG stores them happily, so every BIGINT column gets two CHECK
 * constraints whose violation is reported the way the indexer reports it: a shard-level failure of
 * that row (cratedb.md §0). Being constraints, they cover every write path alike: INSERT … VALUES,
 * INSERT … SELECT, UPDATE … SET and ON CONFLICT DO UPDATE.
 */
import type { SimColumn } from "./catalog.ts";
import { parseError, rowLevel, type SimError } from "./errors.ts";

export const BIGINT_MAX = "9223372036854775807";
export const BIGINT_MIN = "-9223372036854775808";

const quoteIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** Constraint names only need to be unique per table; a counter keeps them short. */
let counter = 0;
const NAME = /^sim_bigint_(max|min)_\d+$/;

/** `CONSTRAINT … CHECK (…)` table-constraint clauses for one column (none unless it holds BIGINTs). */
export function bigintRangeChecks(c: SimColumn): string[] {
  const col = quoteIdent(c.pg);
  const bound = (v: string) => `'${v}'::bigint`;
  let test: (v: string) => string;
  if (c.type.base === "bigint") test = (v) => `${col} <> ${bound(v)}`;
  else if (c.type.base === "array" && c.type.inner?.base === "bigint")
    test = (v) => `${bound(v)} <> ALL(${col})`;
  else return [];
  const n = ++counter;
  return [
    `CONSTRAINT ${quoteIdent(`sim_bigint_max_${n}`)} CHECK (${test(BIGINT_MAX)})`,
    `CONSTRAINT ${quoteIdent(`sim_bigint_min_${n}`)} CHECK (${test(BIGINT_MIN)})`,
  ];
}

/** The indexer's error for a value at either end of the range. */
export const bigintOutOfRange = (value: string): SimError =>
  rowLevel(parseError(`Value ${value} exceeds allowed range for column of type bigint`));

/** Maps a violated range constraint (by its PG name) to the indexer's error, else undefined. */
export function bigintRangeViolation(constraint: string | undefined): SimError | undefined {
  const m = NAME.exec(constraint ?? "");
  if (!m) return undefined;
  return bigintOutOfRange(m[1] === "max" ? BIGINT_MAX : BIGINT_MIN);
}
