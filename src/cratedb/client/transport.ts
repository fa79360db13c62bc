/**
 * One request to CrateDB, with failover, retries and typed errors. Pools are per node
 * (keep-alive, no pipelining); which failures are repeated follows `Retry` from errors.ts and
 * the caller's `idempotent` flag. A request whose outcome is unknown is settled (settle.ts) before
 * it is sent again or its error is returned, so it can't land later.
 */
import { type buildConnector, Pool } from "undici";
import { warning } from "../../log.ts";
import { countError, countRetry } from "../../metrics.ts";
import { registerCredentials } from "../../secrets.ts";
import { CrateDbError, classify } from "../errors.ts";
import { isFenceRefusal } from "../sql/fence.ts";
import { backoffDelay, sleep } from "./backoff.ts";
import { createConnector, speaksTls } from "./connector.ts";
import {
  abortedError,
  errorCode,
  finalError,
  lateError,
  mayStillRun,
  networkError,
  responseError,
} from "./failures.ts";
import type { HttpRequest, HttpResponse, PrepareRequest, SendOptions } from "./http.ts";
import { type Node, NodeList } from "./nodes.ts";
import {
  type CrateClientOptions,
  DEFAULT_NODE_COOLDOWN_MS,
  DEFAULT_RETRY,
  type RetryPolicy,
} from "./options.ts";
import { newQueryId, SettleError, Settler } from "./settle.ts";

/** How long a node's TLS check result is kept, so a node failing again and again is probed once. */
const TLS_CHECK_TTL_MS = 30_000;
/** The TLS check waits at most this long (or the connect timeout, if shorter). */
const TLS_CHECK_TIMEOUT_MS = 3_000;

const USER_AGENT = "cratedb-fivetran-destination";

/**
 * The options of every node's pool. undici's own headersTimeout and bodyTimeout default to 300 s
 * and would cut off any statement running longer, whatever the configured request timeout; they
 * are set to the request timeout, so that the configured value is the one that governs (the
 * exact per-request timer in `sendTo` normally fires first, and both name the same time).
 */
export function poolOptions(options: CrateClientOptions, connect: buildConnector.connector): Pool.Options {
  return {
    connections: options.concurrency,
    pipelining: 1,
    keepAliveTimeout: 20_000,
    headersTimeout: options.requestTimeoutMs,
    bodyTimeout: options.requestTimeoutMs,
    connect,
  };
}

export class Transport {
  readonly nodes: NodeList;
  readonly #pools = new Map<string, Pool>();
  readonly #options: CrateClientOptions;
  readonly #retry: RetryPolicy;
  readonly #headers: Record<string, string>;
  readonly #gzipHeaders: Record<string, string>;
  readonly #tlsChecks = new Map<string, { readonly until: number; readonly result: Promise<boolean> }>();
  readonly #settler: Settler;
  /** Requests under way, and when the last one started or ended: the registry closes idle clients. */
  inFlight = 0;
  lastActive = Date.now();

  constructor(options: CrateClientOptions) {
    this.#options = options;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#settler = new Settler(
      (stmt, args, timeoutMs) => this.#internalQuery(stmt, args, timeoutMs),
      options.requestTimeoutMs,
    );
    this.nodes = new NodeList(options.urls, options.nodeCooldownMs ?? DEFAULT_NODE_COOLDOWN_MS);
    const connect = createConnector(options);
    for (const node of this.nodes.nodes) {
      if (this.#pools.has(node.origin)) continue;
      this.#pools.set(node.origin, new Pool(node.origin, poolOptions(options, connect)));
    }
    // Whatever a node or proxy echoes of the Authorization header is redacted from messages and logs.
    registerCredentials(options.username, options.password);
    const credentials = Buffer.from(`${options.username}:${options.password}`).toString("base64");
    this.#headers = {
      "content-type": "application/json",
      accept: "application/json",
      authorization: `Basic ${credentials}`,
      "user-agent": USER_AGENT,
    };
    this.#gzipHeaders = { ...this.#headers, "content-encoding": "gzip" };
  }

  get retryPolicy(): RetryPolicy {
    return this.#retry;
  }

  /** Sends the request to the next available node, retrying what `classify` allows. */
  async send(request: HttpRequest | PrepareRequest, options: SendOptions = {}): Promise<HttpResponse> {
    this.inFlight++;
    this.lastActive = Date.now();
    try {
      return await this.#send(request, options);
    } finally {
      this.inFlight--;
      // A request that ran longer than the idle limit must not leave its client looking idle to
      // the registry while the RPC is about to send its next statement.
      this.lastActive = Date.now();
    }
  }

  async #send(request: HttpRequest | PrepareRequest, options: SendOptions): Promise<HttpResponse> {
    const started = Date.now();
    const failures = new Map<string, string>();
    const idempotent = options.idempotent ?? true;
    for (let attempt = 1; ; attempt++) {
      const node = this.nodes.pick();
      const queryId = newQueryId();
      const deadlineMs = options.fenced === true ? await this.#settler.deadline() : undefined;
      let error: CrateDbError;
      try {
        const prepared = typeof request === "function" ? await request(queryId, deadlineMs) : request;
        const response = await this.sendTo(node, prepared, options);
        this.nodes.markUp(node);
        if (response.status === 200) return response;
        error = responseError(response, options);
        if (deadlineMs !== undefined && isFenceRefusal(error.crateCode, error.crateMessage))
          error = lateError(error);
      } catch (caught) {
        if (!(caught instanceof CrateDbError)) throw caught;
        error = caught;
      }
      if (mayStillRun(error)) await this.#settle(queryId, deadlineMs, error, options);
      if (error.nodeDown) this.nodes.markDown(node);
      failures.set(node.url, error.message);
      const repeatable = error.retry === "safe" || (error.retry === "if-idempotent" && idempotent);
      const elapsed = Date.now() - started;
      if (!repeatable || attempt >= this.#retry.maxAttempts || elapsed >= this.#retry.totalMs) {
        countError(error.code);
        throw finalError(error, failures, this.nodes.nodes.length);
      }
      countRetry(error.code);
      // Another node can take over at once; the same node (or all) gets a backoff.
      const delay =
        error.nodeDown && this.nodes.hasOtherAvailable(node) ? 0 : backoffDelay(this.#retry, attempt);
      warning(
        `CrateDB request${options.label ? ` (${options.label})` : ""} failed: ${error.message}; attempt ${attempt + 1} of ${this.#retry.maxAttempts} in ${delay} ms`,
      );
      try {
        await sleep(Math.min(delay, Math.max(0, this.#retry.totalMs - elapsed)), options.signal);
      } catch (reason) {
        throw abortedError(reason);
      }
    }
  }

  /**
   * After an unknown outcome: returns once the request can't run any more. When that can't be
   * established the error says the outcome is unknown and is not retried; a cancelled call is
   * answered as cancelled either way.
   */
  async #settle(
    queryId: string,
    deadlineMs: number | undefined,
    error: CrateDbError,
    options: SendOptions,
  ): Promise<void> {
    try {
      await this.#settler.settle(queryId, deadlineMs);
    } catch (caught) {
      if (!(caught instanceof SettleError)) throw caught;
      warning(
        `CrateDB request${options.label ? ` (${options.label})` : ""} failed (${error.message}) and ${caught.message}`,
      );
      if (error.code === "CRATEDB_ABORTED") return;
      // Not repeated: it may still run. The error keeps its code and hint, and says so.
      throw new CrateDbError({ code: error.code, retry: "never" }, `${error.summary} (${caught.message})`, {
        hint: error.hint,
        httpStatus: error.httpStatus,
        cause: error,
      });
    }
  }

  /** One statement on whichever node answers first, for the settle checks: no retries, no settling. */
  async #internalQuery(stmt: string, args: readonly unknown[], timeoutMs: number): Promise<unknown[][]> {
    const body = Buffer.from(JSON.stringify({ stmt, args }));
    let last: unknown;
    for (const node of this.nodes.ordered()) {
      try {
        const response = await this.sendTo(node, { method: "POST", path: "/_sql", body }, { timeoutMs });
        if (response.status !== 200) throw responseError(response);
        const rows = (JSON.parse(response.text) as { rows?: unknown }).rows;
        return Array.isArray(rows) ? (rows as unknown[][]) : [];
      } catch (error) {
        last = error;
      }
    }
    throw last;
  }

  /** One attempt against one node; network failures become typed errors. */
  async sendTo(node: Node, request: HttpRequest, options: SendOptions = {}): Promise<HttpResponse> {
    const pool = this.#pools.get(node.origin)!;
    const caller = options.signal;
    if (caller?.aborted) throw abortedError(caller.reason);
    // undici's own timeouts (set to the same value, see poolOptions) tick at about one second and
    // each covers only the wait for headers or between body chunks; an abort signal keeps the
    // limit exact and covers the whole exchange, body included.
    const timeoutMs = options.timeoutMs ?? this.#options.requestTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const { statusCode, body } = await pool.request({
        method: request.method,
        path: node.prefix + request.path,
        headers: request.gzipped ? this.#gzipHeaders : this.#headers,
        body: request.body ?? null,
        signal: caller === undefined ? timeout : AbortSignal.any([caller, timeout]),
      });
      const text = await body.text();
      // CrateDB answers plain HTTP on its TLS port with an empty 400, other servers with a page;
      // a 400 carrying CrateDB's JSON error is about the statement, not the port.
      if (statusCode === 400 && !text.startsWith("{") && (await this.#tlsOnHttpUrl(node, caller))) {
        return { status: statusCode, text, node, tlsPort: true };
      }
      return { status: statusCode, text, node };
    } catch (caught) {
      if (caller?.aborted) throw abortedError(caller.reason);
      if (timeout.aborted) {
        throw networkError({ code: "UND_ERR_HEADERS_TIMEOUT" }, node, {
          ...this.#options,
          requestTimeoutMs: timeoutMs,
        });
      }
      // Other servers drop a plain-HTTP request to a TLS port without an answer; so do servers
      // that are restarting or overloaded, which is why the port is asked before advising https.
      const lost =
        classify({ type: "network", errorCode: errorCode(caught) }).code === "CRATEDB_CONNECTION_LOST";
      const tlsPort = lost && (await this.#tlsOnHttpUrl(node, caller));
      if (caller?.aborted) throw abortedError(caller.reason);
      throw networkError(caught, node, this.#options, tlsPort);
    }
  }

  /** Whether `node` has an http:// URL but its port speaks TLS. */
  async #tlsOnHttpUrl(node: Node, caller: AbortSignal | undefined): Promise<boolean> {
    if (!node.url.startsWith("http:") || caller?.aborted) return false;
    const now = Date.now();
    let check = this.#tlsChecks.get(node.origin);
    if (check === undefined || check.until < now) {
      const timeoutMs = Math.min(this.#options.connectTimeoutMs, TLS_CHECK_TIMEOUT_MS);
      check = { until: now + TLS_CHECK_TTL_MS, result: speaksTls(node.origin, timeoutMs) };
      this.#tlsChecks.set(node.origin, check);
    }
    return check.result;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
  }
}

export { abortedError, responseError } from "./failures.ts";
export type { HttpRequest, HttpResponse, PrepareRequest, SendOptions } from "./http.ts";
