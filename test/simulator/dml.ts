/** The prepared-statement shape shared by INSERT, UPDATE and DELETE (single and bulk execution). */
import type { JsonValue } from "./json.ts";
import type { PgResult } from "./pg.ts";

export interface DmlOutcome {
  readonly rowcount: number;
  /** Rows of `RETURNING`. */
  readonly result?: PgResult;
  /** A by-primary-key UPDATE/DELETE found no row for a non-null key (bulk → 40411, §1.9). */
  readonly missingKey?: string;
}

export interface Bound {
  run(): Promise<DmlOutcome>;
}

export interface BatchableBound extends Bound {
  /** Rows of an INSERT item that can join a combined statement (all values are arguments). */
  readonly batchRows?: unknown;
}

export interface Prepared {
  readonly returnsRows: boolean;
  /** An UPDATE or DELETE that finds its rows by a search, not by full primary key. */
  readonly searches?: boolean;
  /** Analysis of one arg set: throws analysis errors (casts, unknown columns), never touches data. */
  bind(args: readonly JsonValue[]): BatchableBound;
  /**
   * Optional fast path for bulks: runs all items as one statement and returns per-item row
   * counts, or undefined when any item fails (the caller then runs items one by one).
   */
  runBatch?(items: readonly BatchableBound[]): Promise<number[] | undefined>;
}
