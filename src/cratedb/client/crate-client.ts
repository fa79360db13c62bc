/**
 * The undici-backed `SqlClient`: `POST /_sql` with `args` or chunked `bulk_args`, exact numbers
 * both ways, every bulk item checked. `?types` is not requested: callers know which columns they
 * asked for, and exact parsing already keeps every number intact.
 */

import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { observeRequest } from "../../metrics.ts";
import { CrateDbError } from "../errors.ts";
import { isFenced, renderDeadline } from "../sql/fence.ts";
import type {
  BulkArgs,
  BulkOptions,
  BulkResult,
  RequestOptions,
  SqlClient,
  SqlResult,
  SqlValue,
} from "../sql-client.ts";
import { runBulk } from "./bulk.ts";
import { stringifyExact } from "./exact-json.ts";
import { Limiter } from "./limiter.ts";
import type { CrateClientOptions } from "./options.ts";
import { badResponse, flatValues, parseResponse } from "./response.ts";
import {
  type HttpRequest,
  type HttpResponse,
  responseError,
  type SendOptions,
  Transport,
} from "./transport.ts";

/**
 * Bodies from this size on travel gzip-compressed (as crate-python does). Level 1 shrinks bulk
 * bodies 4–9× at 300–500 MB/s on one core (bench/client-json.bench.ts); level 6 gains ~10 % for 4× the
 * time.
 */
const GZIP_MIN_BYTES = 8192;
const gzipAsync = promisify(gzip);
const GZIP_CHUNK_BYTES = 1024 * 1024;

/** Kept as a name of its own for callers of the client; the options are those of SqlClient. */
export type CrateRequestOptions = RequestOptions;

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

/**
 * A statement's text as sent: a leading comment naming the RPC, its request id and this request's
 * own query id (`/* fivetran:WriteBatch req=4f1c2a9b0e3d q=a1b2c3d4e5f6 *\/ …`), so sys.jobs_log joins
 * to our logs and a request whose outcome is unknown can be found in sys.jobs; then the statement,
 * its fence deadline rendered.
 */
export function statementText(
  label: string | undefined,
  stmt: string,
  queryId: string,
  deadlineMs: number | undefined,
): string {
  const comment = `/* fivetran${label === undefined ? "" : `:${label}`} q=${queryId} */ `;
  return comment + (deadlineMs === undefined ? stmt : renderDeadline(stmt, deadlineMs));
}

export class CrateClient implements SqlClient {
  readonly #shared: Shared;
  /** `<rpc> req=<id>`, named in each statement's leading comment and in retry warnings. */
  readonly #label: string | undefined;
  /** A tagged view's requests in flight, at most `concurrency` (one call's share). */
  readonly #limiter: Limiter | undefined;
  /** The RPC this view serves, for metrics; "none" for the shared client. */
  readonly #method: string;

  constructor(options: CrateClientOptions);
  constructor(shared: Shared, label: string, method: string);
  constructor(from: CrateClientOptions | Shared, label?: string, method = "none") {
    this.#shared = "transport" in from ? from : { transport: new Transport(from), options: from };
    this.#label = label;
    this.#method = method;
    this.#limiter = label === undefined ? undefined : new Limiter(this.#shared.options.concurrency);
  }

  get options(): CrateClientOptions {
    return this.#shared.options;
  }

  /**
   * A view of this client for one RPC call: its statements start with
   * `/* fivetran:<rpc> req=<id> q=… *\/`, and at most `concurrency` of its requests are in flight.
   */
  withTag(rpc: string, requestId: string): CrateClient {
    return new CrateClient(
      this.#shared,
      `${safeTagText(rpc)} req=${safeTagText(requestId)}`,
      safeTagText(rpc),
    );
  }

  async sql(
    stmt: string,
    args: readonly SqlValue[] = [],
    options: CrateRequestOptions = {},
  ): Promise<SqlResult> {
    const argsJson = args.length === 0 ? "" : `,"args":${stringifyExact(args)}`;
    const response = await this.#post(
      "sql",
      stmt,
      (text) => Buffer.from(`{"stmt":${JSON.stringify(text)}${argsJson}}`),
      options,
      () => flatValues(args),
    );
    const parsed = parseResponse(response) as { cols?: unknown; rows?: unknown; rowcount?: unknown };
    if (!Array.isArray(parsed.cols) || !Array.isArray(parsed.rows) || typeof parsed.rowcount !== "number") {
      throw badResponse(response.node, "a result without cols, rows and rowcount");
    }
    return { cols: parsed.cols as string[], rows: parsed.rows as unknown[][], rowcount: parsed.rowcount };
  }

  async bulk(stmt: string, bulkArgs: BulkArgs, options: CrateBulkOptions = {}): Promise<BulkResult> {
    return runBulk(stmt, bulkArgs, options, {
      requestBytes: this.#shared.options.requestBytes,
      concurrency: this.#shared.options.concurrency,
      retry: this.#shared.transport.retryPolicy,
      post: (bodyFor, values) => this.#post("bulk", stmt, bodyFor, options, values),
    });
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

  /**
   * Sends `stmt` in the body `bodyFor` builds around its final text, once per attempt: each
   * attempt has its own query id (and deadline, when fenced).
   */
  async #post(
    kind: "sql" | "bulk",
    stmt: string,
    bodyFor: (text: string) => Buffer,
    options: CrateRequestOptions,
    values: () => Iterable<unknown>,
  ): Promise<HttpResponse> {
    const send: SendOptions = {
      signal: options.signal,
      idempotent: options.idempotent,
      fenced: isFenced(stmt),
      label: this.#label,
      values,
    };
    const compress = this.#shared.options.compressRequests ?? true;
    let bytes = 0;
    const prepare = async (queryId: string, deadlineMs: number | undefined): Promise<HttpRequest> => {
      const body = bodyFor(statementText(this.#label, stmt, queryId, deadlineMs));
      // zlib runs on the thread pool, off the event loop.
      const gzipped = compress && body.length >= GZIP_MIN_BYTES;
      // Output in pieces of a quarter of the body (level 1 shrinks JSON to an eighth), up to 1 MiB:
      // the default 16 KiB makes one thread-pool round trip per piece, which costs the event loop
      // 3–4× more on an 8 MB bulk body (measured).
      const chunkSize = Math.min(GZIP_CHUNK_BYTES, Math.max(16 * 1024, body.length >> 2));
      const payload = gzipped ? await gzipAsync(body, { level: 1, chunkSize }) : body;
      bytes += payload.length;
      return { method: "POST", path: "/_sql", body: payload, gzipped };
    };
    const transport = this.#shared.transport;
    const started = performance.now();
    let ok = false;
    try {
      const response =
        this.#limiter === undefined
          ? await transport.send(prepare, send)
          : await this.#limiter.run(() => transport.send(prepare, send));
      ok = true;
      return response;
    } finally {
      observeRequest(this.#method, kind, ok, (performance.now() - started) / 1000, bytes);
    }
  }
}

function safeTagText(text: string): string {
  return text.replace(/[^A-Za-z0-9_.:-]/g, "_").slice(0, 64);
}
