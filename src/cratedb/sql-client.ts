/**
 * What ops need from CrateDB: run one statement (`args`) or one statement over many rows
 * (`bulk_args`). The undici-backed implementation lives in src/cratedb/client/; tests may use
 * any other implementation of this interface.
 *
 * Number fidelity: JSON numbers in results that a double cannot hold exactly never pass through
 * one — integers outside ±(2^53−1) come back as `bigint`, other numbers whose text a double would
 * change come back as their exact decimal `string`. In args, a `bigint` is sent as an exact JSON
 * integer; send NUMERIC values as decimal strings.
 */

export type SqlValue = null | boolean | number | bigint | string | SqlValue[] | { [key: string]: SqlValue };

export interface SqlResult {
  readonly cols: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  readonly rowcount: number;
}

export interface BulkItemResult {
  /** Rows affected by this arg set; −2 when the item failed. */
  readonly rowcount: number;
  readonly error?: { readonly code: number; readonly message: string };
}

export interface RequestOptions {
  /** Aborts the request (RPC cancelled, server shutting down). */
  readonly signal?: AbortSignal | undefined;
  /**
   * Whether the statement may run twice without harm. A request whose outcome is unknown
   * (connection lost after sending, timeout) is repeated only when this is true. Default true.
   */
  readonly idempotent?: boolean | undefined;
}

export interface BulkOptions extends RequestOptions {
  /**
   * CrateDB answers a bulk DELETE/UPDATE by full primary key of a missing row with −2 and code
   * 40411 (cratedb.md §1.9). Set this where "row not there" is an expected outcome, so such items
   * count as 0 rows instead of failing the call.
   */
  readonly missingRowIsOk?: boolean | undefined;
  /** Names of the key columns, used in error messages to say which item failed (never values). */
  readonly keyColumns?: readonly string[];
  /** Arg sets per request at most (default: as many as fit the request size); see SEARCH_BULK_ITEMS. */
  readonly maxItemsPerRequest?: number | undefined;
}

/**
 * Arg sets per request at most for statements that find their rows by a search — an UPDATE or
 * DELETE whose WHERE is not the full primary key. None of ours does today: history steps and
 * Migrate's keep-latest read the versions first and then write by full key, which is also ~10×
 * faster. Any that comes must pass this as `maxItemsPerRequest`. CrateDB runs each arg set of such a bulk request as a
 * collect phase of its own, all at once: each is a task on the search thread pool, whose queue
 * holds 1,000, and reserves a block of the query circuit breaker (up to 0.1 % of its limit).
 * Checked on CrateDB 6.4.3 (2 GB heap): 10,000 arg sets in one request fail most items with
 * CircuitBreakingException, 40,000 with EsRejectedExecutionException, and a history close of
 * 37,500 failed with JobKilledException — every retry the same way. 100 per request, 4 requests
 * in flight per call, stays well below both; a history workload written this way ran as fast with
 * 100 as with 200 (2,880 vs 3,080 rows/s) and 40 % faster than with 50.
 */
export const SEARCH_BULK_ITEMS = 100;

export interface BulkResult {
  /** Sum of the non-negative per-item row counts. */
  readonly rowcount: number;
  readonly results: readonly BulkItemResult[];
}

export interface ArgGroup {
  /** Arg sets as JSON, comma-separated, without brackets. */
  readonly json: Buffer;
  /** How many arg sets `json` holds. */
  readonly count: number;
}

/** `bulk_args` already serialized (`serializeArgSets` in client/arg-sets.ts). */
export interface SerializedArgSets {
  readonly kind: "serialized";
  readonly count: number;
  readonly groups: readonly ArgGroup[];
}

/** `bulk_args`: one arg set per row, or the same already serialized. */
export type BulkArgs = readonly (readonly SqlValue[])[] | SerializedArgSets;

export interface SqlClient {
  /** One statement with positional `?` args. Throws a typed CrateDB error on failure. */
  sql(stmt: string, args?: readonly SqlValue[], options?: RequestOptions): Promise<SqlResult>;
  /**
   * One statement over many arg sets, split into requests by serialized size and sent with
   * bounded concurrency. Every item's result is checked: a −2 item fails the call with an error
   * naming the item's position (unless `missingRowIsOk` covers it).
   */
  bulk(stmt: string, bulkArgs: BulkArgs, options?: BulkOptions): Promise<BulkResult>;
}
