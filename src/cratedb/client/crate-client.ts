/**
 * The undici-backed `SqlClient`: `POST /_sql` with `args` or chunked `bulk_args`, exact numbers
 * both ways, every bulk item checked. `?types` is not requested: callers know which columns they
 * asked for, and exact parsing already keeps every number intact.
 */

import { CrateDbError, classify, exceptionName, scrubMessage } from "../errors.ts";
import type {
  BulkItemResult,
  BulkOptions,
  BulkResult,
  RequestOptions,
  SqlClient,
  SqlResult,
  SqlValue,
} from "../sql-client.ts";
import { type BulkChunk, chunkBulk } from "./chunking.ts";
import { parseExactJson, stringifyExact } from "./exact-json.ts";
import type { Node } from "./nodes.ts";
import type { CrateClientOptions } from "./options.ts";
import { type HttpResponse, responseError, type SendOptions, Transport } from "./transport.ts";

export interface CrateRequestOptions extends RequestOptions {
  /**
   * Whether the statement may run twice without harm. When a request's outcome is unknown
   * (connection lost after sending, timeout), it is only repeated if this is true. Default true:
   * the destination's writes are upserts and its DDL is guarded (IF [NOT] EXISTS).
   */
  readonly idempotent?: boolean;
}

export interface CrateBulkOptions extends BulkOptions, CrateRequestOptions {}

export interface NodeProbe {
  readonly url: string;
  /** `version.number` from the node's `GET /`, when it answered. */
  readonly version?: string;
  readonly error?: CrateDbError;
}

interface Shared {
  readonly transport: Transport;
  readonly options: CrateClientOptions;
}

export class CrateClient implements SqlClient {
  readonly #shared: Shared;
  /** Leading SQL comment naming the RPC and request, so sys.jobs_log joins to our logs. */
  readonly #tag: string;
  readonly #label: string | undefined;

  constructor(options: CrateClientOptions);
  constructor(shared: Shared, tag: string, label: string);
  constructor(from: CrateClientOptions | Shared, tag = "", label?: string) {
    this.#shared = "transport" in from ? from : { transport: new Transport(from), options: from };
    this.#tag = tag;
    this.#label = label;
  }

  get options(): CrateClientOptions {
    return this.#shared.options;
  }

  /** A view of this client whose statements start with `/* fivetran:<rpc> req=<id> *\/`. */
  withTag(rpc: string, requestId: string): CrateClient {
    const label = `${safeTagText(rpc)} req=${safeTagText(requestId)}`;
    return new CrateClient(this.#shared, `/* fivetran:${label} */ `, label);
  }

  async sql(
    stmt: string,
    args: readonly SqlValue[] = [],
    options: CrateRequestOptions = {},
  ): Promise<SqlResult> {
    const text = this.#tag + stmt;
    const body = Buffer.from(
      args.length === 0
        ? `{"stmt":${JSON.stringify(text)}}`
        : `{"stmt":${JSON.stringify(text)},"args":${stringifyExact(args)}}`,
    );
    const response = await this.#post(body, options, () => flatValues(args));
    const parsed = parseResponse(response) as { cols?: unknown; rows?: unknown; rowcount?: unknown };
    if (!Array.isArray(parsed.cols) || !Array.isArray(parsed.rows) || typeof parsed.rowcount !== "number") {
      throw badResponse(response.node, "a result without cols, rows and rowcount");
    }
    return { cols: parsed.cols as string[], rows: parsed.rows as unknown[][], rowcount: parsed.rowcount };
  }

  async bulk(
    stmt: string,
    bulkArgs: readonly (readonly SqlValue[])[],
    options: CrateBulkOptions = {},
  ): Promise<BulkResult> {
    const results: BulkItemResult[] = new Array(bulkArgs.length);
    const chunks = chunkBulk(this.#tag + stmt, bulkArgs, this.#shared.options.chunkBytes);
    let failure: unknown;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (!failed) {
        const next = chunks.next();
        if (next.done) return;
        try {
          await this.#sendChunk(next.value, bulkArgs, results, options);
        } catch (error) {
          if (!failed) failure = error;
          failed = true;
        }
      }
    };
    await Promise.all(Array.from({ length: this.#shared.options.concurrency }, worker));
    if (failed) throw failure;
    let rowcount = 0;
    for (const item of results) if (item.rowcount > 0) rowcount += item.rowcount;
    return { rowcount, results };
  }

  /** `GET /` on every node once (no retries): who answers, and with which version. */
  async probeNodes(options: RequestOptions = {}): Promise<NodeProbe[]> {
    const { transport } = this.#shared;
    return Promise.all(
      transport.nodes.nodes.map(async (node): Promise<NodeProbe> => {
        try {
          const response = await transport.sendTo(
            node,
            { method: "GET", path: "/" },
            { signal: options.signal },
          );
          if (response.status !== 200) return { url: node.url, error: responseError(response) };
          const body = parseResponse(response) as { version?: { number?: unknown } };
          const version = body.version?.number;
          if (typeof version !== "string") {
            return { url: node.url, error: badResponse(node, "no version.number at GET /") };
          }
          return { url: node.url, version };
        } catch (error) {
          if (error instanceof CrateDbError) return { url: node.url, error };
          throw error;
        }
      }),
    );
  }

  /** Closes the connection pools once their requests finish. Not for tagged views' users. */
  close(): Promise<void> {
    return this.#shared.transport.close();
  }

  get inFlight(): number {
    return this.#shared.transport.inFlight;
  }

  get lastActive(): number {
    return this.#shared.transport.lastActive;
  }

  async #sendChunk(
    chunk: BulkChunk,
    bulkArgs: readonly (readonly SqlValue[])[],
    results: BulkItemResult[],
    options: CrateBulkOptions,
  ): Promise<void> {
    const slice = () => flatValues(bulkArgs.slice(chunk.start, chunk.start + chunk.count).flat());
    const response = await this.#post(chunk.body, options, slice);
    const parsed = parseResponse(response) as { results?: unknown };
    const items = parsed.results;
    if (!Array.isArray(items) || items.length !== chunk.count) {
      throw badResponse(response.node, `a bulk result without one entry per arg set (${chunk.count})`);
    }
    let firstFailure = -1;
    let failures = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as BulkItemResult;
      if (item.rowcount === -2 && options.missingRowIsOk && item.error?.code === 40411) {
        results[chunk.start + i] = { rowcount: 0 };
        continue;
      }
      results[chunk.start + i] = item;
      if (item.rowcount === -2) {
        failures++;
        if (firstFailure < 0) firstFailure = i;
      }
    }
    if (firstFailure >= 0) {
      const position = chunk.start + firstFailure;
      throw bulkItemError(
        items[firstFailure] as BulkItemResult,
        position,
        failures,
        chunk,
        bulkArgs,
        options,
      );
    }
  }

  #post(body: Buffer, options: CrateRequestOptions, values: () => Iterable<unknown>): Promise<HttpResponse> {
    const send: SendOptions = {
      signal: options.signal,
      idempotent: options.idempotent,
      label: this.#label,
      values,
    };
    return this.#shared.transport.send({ method: "POST", path: "/_sql", body }, send);
  }
}

function bulkItemError(
  item: BulkItemResult,
  position: number,
  failures: number,
  chunk: BulkChunk,
  bulkArgs: readonly (readonly SqlValue[])[],
  options: CrateBulkOptions,
): CrateDbError {
  const keys = options.keyColumns?.length
    ? ` (key columns ${options.keyColumns.map((c) => `"${c}"`).join(", ")})`
    : "";
  const where = `${failures} of ${chunk.count} rows in bulk items ${chunk.start}–${chunk.start + chunk.count - 1} failed; the first is item ${position} (0-based) of ${bulkArgs.length}${keys}`;
  if (item.error === undefined) {
    return new CrateDbError(
      { code: "CRATEDB_BULK_ITEM_FAILED", kind: "bug", retry: "never" },
      `CrateDB rejected rows without details: ${where}. CrateDB reports details for the first 10 failures per shard only.`,
    );
  }
  const { code, message } = item.error;
  const classification = classify({
    type: "response",
    httpStatus: 200,
    crateCode: code,
    exception: exceptionName(message),
  });
  const text = scrubMessage(message, flatValues(bulkArgs[position] ?? []));
  const hint = classification.hint === undefined ? "" : ` ${classification.hint}`;
  return new CrateDbError(
    classification,
    `CrateDB rejected rows: ${where}: CrateDB error ${code}: ${text}.${hint}`,
    {
      crateCode: code,
      httpStatus: 200,
    },
  );
}

function parseResponse(response: HttpResponse): unknown {
  try {
    return parseExactJson(response.text);
  } catch (cause) {
    throw badResponse(response.node, "a body that is not JSON", cause);
  }
}

function badResponse(node: Node, what: string, cause?: unknown): CrateDbError {
  return new CrateDbError(
    {
      code: "CRATEDB_NOT_CRATEDB",
      kind: "user",
      retry: "never",
    },
    `${node.url} answered with ${what}; check that the URL points at a CrateDB HTTP endpoint (usually port 4200).`,
    { cause },
  );
}

function* flatValues(values: readonly unknown[]): Generator<unknown> {
  for (const value of values) {
    if (Array.isArray(value)) yield* flatValues(value);
    else yield value;
  }
}

function safeTagText(text: string): string {
  return text.replace(/[^A-Za-z0-9_.:-]/g, "_").slice(0, 64);
}
