/**
 * One statement over many arg sets: chunks by size, a bounded number in flight, every item's
 * result checked. Items that failed for a passing reason (shards unavailable during a restart,
 * cluster busy) are sent again on their own when the statement is idempotent; any other failed
 * item fails the call, named by position and key column names — never by its values.
 */
import { warning } from "../../log.ts";
import { CrateDbError, classify, exceptionName, scrubMessage } from "../errors.ts";
import type { BulkArgs, BulkItemResult, BulkOptions, BulkResult } from "../sql-client.ts";
import { type ArgGroup, argSetsAt, pickArgSets, type SerializedArgSets, serializedArgs } from "./arg-sets.ts";
import { backoffDelay, sleep } from "./backoff.ts";
import { bulkBodyOf, chunkBulk } from "./chunking.ts";
import type { RetryPolicy } from "./options.ts";
import { flatValues, parseResponse, plainRowcounts } from "./response.ts";
import { abortedError, type HttpResponse } from "./transport.ts";

export interface BulkContext {
  readonly requestBytes: number;
  readonly concurrency: number;
  readonly retry: RetryPolicy;
  /** Sends one request whose body `bodyFor` builds around the statement's final text. */
  readonly post: (
    bodyFor: (text: string) => Buffer,
    values: () => Iterable<unknown>,
  ) => Promise<HttpResponse>;
}

export interface BulkRunOptions extends BulkOptions {
  readonly idempotent?: boolean | undefined;
}

export async function runBulk(
  stmt: string,
  bulkArgs: BulkArgs,
  options: BulkRunOptions,
  context: BulkContext,
): Promise<BulkResult> {
  const args = serializedArgs(bulkArgs);
  const results: BulkItemResult[] = new Array(args.count);
  const chunks = chunkBulk(stmt, args, context.requestBytes, options.maxItemsPerRequest);
  let failure: unknown;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed) {
      const next = chunks.next();
      if (next.done) return;
      const positions = Array.from({ length: next.value.count }, (_, i) => next.value.start + i);
      try {
        await sendChunk(next.value.groups, positions, args, results, options, context);
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: context.concurrency }, worker));
  if (failed) throw failure;
  let rowcount = 0;
  for (const item of results) if (item.rowcount > 0) rowcount += item.rowcount;
  return { rowcount, results };
}

async function sendChunk(
  firstGroups: readonly ArgGroup[],
  firstPositions: readonly number[],
  args: SerializedArgSets,
  results: BulkItemResult[],
  options: BulkRunOptions,
  context: BulkContext,
): Promise<void> {
  let groups = firstGroups;
  let positions = firstPositions;
  for (let round = 1; ; round++) {
    const current = positions;
    let response: HttpResponse;
    const chunkGroups = groups;
    let bytes = 0;
    try {
      response = await context.post(
        (text) => {
          const body = bulkBodyOf(text, chunkGroups);
          bytes = body.length;
          return body;
        },
        () => flatValues(argSetsAt(args, current)),
      );
    } catch (error) {
      throw error instanceof CrateDbError && error.kind !== "transient"
        ? inRequest(error, current, bytes, args.count, options)
        : error;
    }
    const counts = plainRowcounts(response.text);
    if (counts !== undefined && counts.length === current.length) {
      for (let i = 0; i < counts.length; i++) results[current[i]!] = rowcountOf(counts[i]!);
      return;
    }
    const items = (parseResponse(response) as { results?: unknown }).results;
    if (!Array.isArray(items) || items.length !== current.length) {
      throw new CrateDbError(
        { code: "CRATEDB_NOT_CRATEDB", retry: "never" },
        `${response.node.url} answered a bulk request without one result per arg set (${current.length})`,
      );
    }
    const failedFinally: number[] = [];
    const again: number[] = [];
    const bareIsMissing = options.missingRowIsOk === true && onlyMissingRows(items as BulkItemResult[]);
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as BulkItemResult;
      const position = current[i]!;
      if (
        item.rowcount === -2 &&
        options.missingRowIsOk &&
        (item.error?.code === 40411 || (item.error === undefined && bareIsMissing))
      ) {
        results[position] = { rowcount: 0 };
        continue;
      }
      results[position] = item;
      if (item.rowcount !== -2) continue;
      if (repeatable(item, options)) again.push(position);
      else failedFinally.push(position);
    }
    const firstFailed = failedFinally[0] ?? (round >= context.retry.maxAttempts ? again[0] : undefined);
    if (firstFailed !== undefined) {
      throw bulkItemError(
        results[firstFailed]!,
        firstFailed,
        failedFinally.length + again.length,
        current.length,
        args,
        options,
      );
    }
    if (again.length === 0) return;
    const delay = backoffDelay(context.retry, round);
    warning(
      `CrateDB could not apply ${again.length} of ${current.length} bulk items for a passing reason (${describeItem(results[again[0]!]!)}); sending them again, attempt ${round + 1} of ${context.retry.maxAttempts} in ${delay} ms`,
    );
    try {
      await sleep(delay, options.signal);
    } catch (reason) {
      throw abortedError(reason);
    }
    positions = again;
    groups = pickArgSets(args, again).groups;
  }
}

/** Results are kept per item; the usual ones are shared rather than one object per row. */
const ONE_ROW: BulkItemResult = Object.freeze({ rowcount: 1 });
const NO_ROW: BulkItemResult = Object.freeze({ rowcount: 0 });
const rowcountOf = (n: number): BulkItemResult => (n === 1 ? ONE_ROW : n === 0 ? NO_ROW : { rowcount: n });

/**
 * CrateDB details only the first 10 failed items per shard; later ones are a bare −2 (cratedb.md
 * §1.9). A delete or update of more than 10 absent keys would otherwise fail on its 11th, so bare
 * items count as missing rows when every detailed failure of the same response is one.
 */
function onlyMissingRows(items: readonly BulkItemResult[]): boolean {
  let missing = false;
  for (const item of items) {
    if (item.rowcount !== -2 || item.error === undefined) continue;
    if (item.error.code !== 40411) return false;
    missing = true;
  }
  return missing;
}

/**
 * A whole-request failure (e.g. a value CrateDB cannot cast fails the request, not the item)
 * says which items the request carried; a request too large for CrateDB says how large.
 */
function inRequest(
  error: CrateDbError,
  positions: readonly number[],
  bytes: number,
  total: number,
  options: BulkOptions,
): CrateDbError {
  const first = positions[0]!;
  const last = positions[positions.length - 1]!;
  const items =
    first === last
      ? `bulk item ${first} (0-based) of ${total}`
      : `bulk items ${first}–${last} (0-based) of ${total}`;
  const summary =
    error.code === "CRATEDB_REQUEST_TOO_LARGE" && positions.length === 1
      ? `B${items.slice(1)}${keyNames(options)} alone is ${bytes} bytes of JSON, more than CrateDB accepts in one request (http.max_content_length): ${error.summary}`
      : error.code === "CRATEDB_REQUEST_TOO_LARGE"
        ? `A bulk request of ${bytes} bytes (${items}) was too large for CrateDB: ${error.summary}`
        : `A bulk request (${items}) failed: ${error.summary}`;
  return new CrateDbError({ code: error.code, retry: error.retry }, summary, {
    crateCode: error.crateCode,
    httpStatus: error.httpStatus,
    crateMessage: error.crateMessage,
    hint: error.hint,
    item: first === last ? first : undefined,
    cause: error,
  });
}

function keyNames(options: BulkOptions): string {
  return options.keyColumns?.length
    ? ` (key columns ${options.keyColumns.map((c) => `"${c}"`).join(", ")})`
    : "";
}

/** An item error that may pass, for a statement that may run twice. */
function repeatable(item: BulkItemResult, options: BulkRunOptions): boolean {
  if (item.error === undefined) return false;
  const { retry } = classify({
    type: "response",
    httpStatus: 200,
    crateCode: item.error.code,
    exception: exceptionName(item.error.message),
  });
  return retry === "safe" || (retry === "if-idempotent" && (options.idempotent ?? true));
}

function describeItem(item: BulkItemResult): string {
  return item.error === undefined ? "no details" : `CrateDB error ${item.error.code}`;
}

function bulkItemError(
  item: BulkItemResult,
  position: number,
  failures: number,
  sent: number,
  args: SerializedArgSets,
  options: BulkOptions,
): CrateDbError {
  const where = `${failures} of ${sent} rows in one request failed; the first is item ${position} (0-based) of ${args.count}${keyNames(options)}`;
  if (item.error === undefined) {
    return new CrateDbError(
      { code: "CRATEDB_BULK_ITEM_FAILED", retry: "never" },
      `CrateDB rejected rows without details: ${where}. CrateDB reports details for the first 10 failures per shard only.`,
      { item: position },
    );
  }
  const { code, message } = item.error;
  const classification = classify({
    type: "response",
    httpStatus: 200,
    crateCode: code,
    exception: exceptionName(message),
  });
  const text = scrubMessage(message, flatValues(argSetsAt(args, [position])[0]!));
  return new CrateDbError(classification, `CrateDB rejected rows: ${where}: CrateDB error ${code}: ${text}`, {
    crateCode: code,
    httpStatus: 200,
    crateMessage: text,
    item: position,
  });
}
