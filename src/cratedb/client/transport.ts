/**
 * One request to CrateDB, with failover, retries and typed errors. Pools are per node
 * (keep-alive, no pipelining); which failures are repeated follows `Retry` from errors.ts and
 * the caller's `idempotent` flag. A request whose outcome is unknown is settled (settle.ts) before
 * it is sent again or its error is returned, so it can't land later.
 */
import { type buildConnector, Pool } from "undici";
import { warning } from "../../log.ts";
import { redactSecrets, registerCredentials } from "../../secrets.ts";
import { CrateDbError, classify, exceptionName, scrubMessage } from "../errors.ts";
import { isFenceRefusal } from "../sql/fence.ts";
import { backoffDelay, sleep } from "./backoff.ts";
import { createConnector, speaksTls } from "./connector.ts";
import { type Node, NodeList } from "./nodes.ts";
import {
  type CrateClientOptions,
  DEFAULT_NODE_COOLDOWN_MS,
  DEFAULT_RETRY,
  type RetryPolicy,
} from "./options.ts";
import { newQueryId, SettleError, Settler } from "./settle.ts";

export interface HttpRequest {
  readonly method: "GET" | "POST";
  /** Path after the node's prefix, e.g. `/_sql`. */
  readonly path: string;
  readonly body?: Buffer;
  /** The body is gzip-compressed (CrateDB always accepts that, cratedb.md §1.2). */
  readonly gzipped?: boolean;
}

/**
 * Builds one attempt's request: `queryId` goes into the statement's leading comment, so the
 * request can be found in `sys.jobs`; `deadlineMs` (fenced statements only) is rendered into it.
 */
export type PrepareRequest = (queryId: string, deadlineMs: number | undefined) => Promise<HttpRequest>;

export interface SendOptions {
  readonly signal?: AbortSignal | undefined;
  /** The statement is fenced (src/cratedb/sql/fence.ts): each attempt gets a deadline. */
  readonly fenced?: boolean | undefined;
  /** Overrides the configured request timeout (internal queries). */
  readonly timeoutMs?: number | undefined;
  /** Whether repeating the request is harmless when its outcome is unknown (default true). */
  readonly idempotent?: boolean | undefined;
  /** Short label for retry warnings, e.g. `WriteBatch req=7f3a`. Never statement text. */
  readonly label?: string | undefined;
  /** Values of this request, scrubbed from error messages should CrateDB echo them. */
  readonly values?: () => Iterable<unknown>;
}

export interface HttpResponse {
  readonly status: number;
  readonly text: string;
  readonly node: Node;
  /** An http:// node whose port turned out to speak TLS (checked for HTTP 400 answers only). */
  readonly tlsPort?: boolean;
}

/** Advice for an http:// URL whose port answers TLS. */
const HTTPS_HINT = "If the node serves HTTPS, the URL must start with https://.";
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
        throw finalError(error, failures, this.nodes.nodes.length);
      }
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

function networkError(
  caught: unknown,
  node: Node,
  options: CrateClientOptions,
  tlsPort = false,
): CrateDbError {
  const code = errorCode(caught);
  const classification = classify({ type: "network", errorCode: code });
  const what = networkReason(code, caught, options);
  return new CrateDbError(classification, `${node.url}: ${what}`, {
    hint: tlsPort ? HTTPS_HINT : undefined,
    cause: caught,
  });
}

function errorCode(caught: unknown): string {
  if (typeof caught === "object" && caught !== null) {
    const { code, name } = caught as { code?: unknown; name?: unknown };
    if (typeof code === "string") return code;
    if (name === "AbortError") return "ABORT_ERR";
  }
  return "UNKNOWN";
}

function networkReason(code: string, caught: unknown, options: CrateClientOptions): string {
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
      return "host name not found";
    case "EAI_AGAIN":
      return "host name lookup failed temporarily";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "network unreachable";
    case "UND_ERR_CONNECT_TIMEOUT":
      return `no connection within ${options.connectTimeoutMs / 1000} s`;
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return `no response within ${options.requestTimeoutMs / 1000} s`;
    case "ECONNRESET":
      return "connection reset";
    case "UND_ERR_SOCKET":
      return "connection closed by the server";
    case "ERR_SSL_WRONG_VERSION_NUMBER":
    case "ERR_SSL_PACKET_LENGTH_TOO_LONG":
    case "ERR_SSL_HTTP_REQUEST":
      return "no TLS on this port";
    default: {
      // TLS and other socket errors carry Node's own text (no data of ours); its first clause
      // says it, the rest is advice for Node users, not ours. Secrets go before the text is cut.
      const text =
        caught instanceof Error
          ? (redactSecrets(caught.message).split(";")[0] ?? "")
              .replace(/^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:/, "")
              .split(":")[0]!
              .trim()
          : "";
      return text === "" ? code : `${text} (${code})`;
    }
  }
}

/** Error for a non-200 response: CrateDB's JSON error, or the HTTP status for plain ones. */
export function responseError(response: HttpResponse, options: SendOptions = {}): CrateDbError {
  const { status, text, node } = response;
  const tlsHint = response.tlsPort === true ? { hint: HTTPS_HINT } : {};
  const parsed = parseErrorBody(text);
  const values = options.values?.() ?? [];
  if (parsed === undefined) {
    const classification = classify({ type: "response", httpStatus: status });
    // Plain-text bodies are CrateDB's auth and handler messages, worth showing; JSON without an
    // error object (GET / while the cluster is blocked) or a proxy's HTML page are not.
    const trimmed = text.trim();
    const body =
      trimmed === "" || trimmed.startsWith("{") || trimmed.startsWith("<")
        ? ""
        : `: ${scrubMessage(trimmed, values, 300)}`;
    return new CrateDbError(classification, `${node.url} answered HTTP ${status}${body}`, {
      httpStatus: status,
      ...tlsHint,
    });
  }
  const classification = classify({
    type: "response",
    httpStatus: status,
    crateCode: parsed.code,
    exception: exceptionName(parsed.message),
  });
  const crateMessage = scrubMessage(parsed.message, values);
  const message = `CrateDB error ${parsed.code}: ${crateMessage}`;
  return new CrateDbError(classification, message, {
    crateCode: parsed.code,
    httpStatus: status,
    crateMessage,
  });
}

function parseErrorBody(text: string): { code: number; message: string } | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    if (typeof code !== "number") return undefined;
    return { code, message: typeof message === "string" ? message : "" };
  } catch {
    return undefined;
  }
}

/**
 * Whether the request may have reached CrateDB and still run or arrive: an outcome CrateDB didn't
 * report (timeouts, lost connections, gateways; the same class the client repeats only for
 * idempotent statements), or the call stopping while it was under way.
 */
function mayStillRun(error: CrateDbError): boolean {
  return error.retry === "if-idempotent" || error.code === "CRATEDB_ABORTED";
}

/** A fenced request CrateDB refused for arriving after its deadline: nothing was applied. */
function lateError(error: CrateDbError): CrateDbError {
  return new CrateDbError(
    { code: "CRATEDB_LATE", retry: "safe" },
    "the request reached CrateDB after its deadline and was refused, so nothing of it was applied",
    { cause: error },
  );
}

export function abortedError(reason: unknown): CrateDbError {
  return new CrateDbError({ code: "CRATEDB_ABORTED", retry: "never" }, "CrateDB request cancelled", {
    cause: reason,
  });
}

/** When every node failed to connect, name each one and why; otherwise the last error. */
function finalError(last: CrateDbError, failures: Map<string, string>, nodeCount: number): CrateDbError {
  if (last.code !== "CRATEDB_UNREACHABLE") return last;
  const tried = [...failures.values()].join("; ");
  const message =
    nodeCount > 1
      ? `Could not reach any CrateDB node (${tried}). Check the URLs, that CrateDB is running, and that this network can reach the nodes' HTTP port (usually 4200).`
      : `Could not reach CrateDB (${tried}). Check the URL, that CrateDB is running, and that this network can reach its HTTP port (usually 4200).`;
  return new CrateDbError({ code: last.code, retry: last.retry }, message, { cause: last });
}
