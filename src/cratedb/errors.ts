/**
 * Typed CrateDB failures. Every response or network failure is classified in ONE place
 * (`classify`) by CrateDB's `error.code` (cratedb.md §1.8), the HTTP status where CrateDB gives
 * no code (plain-text 401, empty 413/429), or the network error code — never by message text.
 *
 * Messages carry CrateDB's own text (it names relations and columns) minus anything that may
 * echo our values: see `scrubMessage`.
 */
import type { ErrorCode } from "../error-codes.ts";
import { DestinationError } from "../errors.ts";
import { redactSecrets } from "../secrets.ts";

/**
 * Whether the client may send the request again:
 * - `safe`: CrateDB did not run it (refused connection, 503 cluster unavailable, 429).
 * - `if-idempotent`: the outcome is unknown (reset, timeout, 502/504, shards failing).
 * - `never`: a definite answer that repeating cannot change.
 */
export type Retry = "safe" | "if-idempotent" | "never";

export interface Classification {
  /** Its kind and default hint come with the code (src/error-codes.ts). */
  readonly code: ErrorCode;
  readonly retry: Retry;
  /** The node itself looks down (skip it for a cool-down), not just this statement. */
  readonly nodeDown?: boolean;
}

export class CrateDbError extends DestinationError {
  /** CrateDB's `error.code`, when the response carried one. */
  readonly crateCode: number | undefined;
  /** HTTP status, when a response arrived. */
  readonly httpStatus: number | undefined;
  readonly retry: Retry;
  readonly nodeDown: boolean;
  /** CrateDB's own message (scrubbed), when it sent one. */
  readonly crateMessage: string | undefined;
  /** For a bulk call: 0-based position in `bulk_args` of the (first) arg set that failed. */
  readonly item: number | undefined;

  constructor(
    classification: Classification,
    summary: string,
    details: {
      crateCode?: number | undefined;
      httpStatus?: number | undefined;
      crateMessage?: string | undefined;
      hint?: string | undefined;
      item?: number | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(classification.code, summary, { cause: details.cause, hint: details.hint });
    this.name = "CrateDbError";
    this.crateCode = details.crateCode;
    this.httpStatus = details.httpStatus;
    this.retry = classification.retry;
    this.nodeDown = classification.nodeDown ?? false;
    this.crateMessage = details.crateMessage;
    this.item = details.item;
  }
}

export type Failure =
  | {
      readonly type: "response";
      readonly httpStatus: number;
      readonly crateCode?: number | undefined;
      readonly exception?: string | undefined;
    }
  | { readonly type: "network"; readonly errorCode: string };

/** The single classification of everything that can go wrong talking to CrateDB. */
export function classify(failure: Failure): Classification {
  if (failure.type === "network") return classifyNetwork(failure.errorCode);
  const { httpStatus, crateCode } = failure;
  if (crateCode === undefined) return classifyStatus(httpStatus);
  return classifyCode(crateCode, failure.exception);
}

function classifyCode(code: number, exception: string | undefined): Classification {
  // 4000 covers both syntax errors in our own SQL and rejected values (casts, NOT NULL,
  // VARCHAR length, statement too long); only the exception name tells them apart.
  if (code === 4000) {
    return exception === "ParsingException"
      ? { code: "CRATEDB_SQL_SYNTAX", retry: "never" }
      : {
          code: "CRATEDB_REJECTED",
          retry: "never",
        };
  }
  if (code === 4002 || code === 4008) {
    return {
      code: "CRATEDB_INVALID_NAME",
      retry: "never",
    };
  }
  if (code === 4007) {
    return {
      code: "CRATEDB_WRITE_BLOCKED",
      retry: "never",
    };
  }
  if (code === 4010 || code === 4011) {
    return { code: "CRATEDB_PRIVILEGE", retry: "never" };
  }
  if (code >= 4030 && code <= 4037) {
    return {
      code: "CRATEDB_READ_ONLY",
      retry: "never",
    };
  }
  if (code === 4041) return { code: "CRATEDB_UNKNOWN_TABLE", retry: "never" };
  if (code === 4043) return { code: "CRATEDB_UNKNOWN_COLUMN", retry: "never" };
  if (code === 4045) return { code: "CRATEDB_UNKNOWN_SCHEMA", retry: "never" };
  if (code === 40411) return { code: "CRATEDB_DOCUMENT_MISSING", retry: "never" };
  if (code === 4040 || (code >= 4042 && code <= 4049) || code === 40410) {
    return { code: "CRATEDB_NOT_FOUND", retry: "never" };
  }
  if (code === 4091) return { code: "CRATEDB_DUPLICATE_KEY", retry: "never" };
  // Concurrent writers on one row; our writes are upserts, so repeating them converges.
  if (code === 4092) return { code: "CRATEDB_VERSION_CONFLICT", retry: "if-idempotent" };
  if (code === 4093) return { code: "CRATEDB_TABLE_EXISTS", retry: "never" };
  if (code === 4290) return { code: "CRATEDB_OVERLOADED", retry: "safe" };
  // Query killed (KILL or a node leaving): not repeated here; the sync may run it again.
  if (code === 5005) return { code: "CRATEDB_QUERY_KILLED", retry: "never" };
  if (code === 5000) {
    if (exception === "CircuitBreakingException") return { code: "CRATEDB_MEMORY", retry: "if-idempotent" };
    // A full thread-pool queue refused a task (a bulk search's arg sets each take one,
    // cratedb.md §0). Other shards' tasks of the same statement may have run, so only a
    // statement that may run twice is sent again.
    if (exception === "EsRejectedExecutionException") {
      return { code: "CRATEDB_OVERLOADED", retry: "if-idempotent" };
    }
    return { code: "CRATEDB_SERVER_ERROR", retry: "never" };
  }
  // Task failed / shards unavailable / query failed on shards: a node restarting or shards
  // relocating; the statement may have partly run.
  if ((code >= 5001 && code <= 5004) || code === 5006) {
    return { code: "CRATEDB_SHARDS_FAILED", retry: "if-idempotent" };
  }
  // Cluster unavailable, no master, no node, no shard, cluster-event timeout, state not
  // recovered: the statement did not run.
  if (code >= 5030 && code <= 5035) return { code: "CRATEDB_UNAVAILABLE", retry: "safe" };
  if (code >= 4090 && code <= 40911) return { code: "CRATEDB_CONFLICT", retry: "never" };
  // Remaining 400 codes: statements we built that CrateDB refuses (unsupported feature,
  // ambiguous column, validation) — our bug, not the user's.
  return { code: "CRATEDB_BAD_STATEMENT", retry: "never" };
}

function classifyStatus(status: number): Classification {
  switch (status) {
    case 401:
      return {
        code: "CRATEDB_AUTH",
        retry: "never",
      };
    // The transport adds advice when the port turns out to speak TLS (plain HTTP to a TLS port).
    case 400:
      return { code: "CRATEDB_BAD_REQUEST", retry: "never" };
    case 413:
      return {
        code: "CRATEDB_REQUEST_TOO_LARGE",
        retry: "never",
      };
    case 429:
      return { code: "CRATEDB_OVERLOADED", retry: "safe" };
    case 503:
      return { code: "CRATEDB_UNAVAILABLE", retry: "safe", nodeDown: true };
    case 502:
    case 504:
      // Usually a proxy or load balancer in front of CrateDB; the statement may have run.
      return { code: "CRATEDB_GATEWAY", retry: "if-idempotent", nodeDown: true };
    default:
      return status >= 500
        ? { code: "CRATEDB_SERVER_ERROR", retry: "never" }
        : {
            code: "CRATEDB_NOT_CRATEDB",
            retry: "never",
          };
  }
}

/** Node/undici error codes, grouped by what they tell us about the request's fate. */
function classifyNetwork(errorCode: string): Classification {
  switch (errorCode) {
    // No connection was made: the request never reached CrateDB.
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EHOSTDOWN":
    case "UND_ERR_CONNECT_TIMEOUT":
      return { code: "CRATEDB_UNREACHABLE", retry: "safe", nodeDown: true };
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return {
        code: "CRATEDB_TIMEOUT",
        retry: "if-idempotent",
      };
    case "UND_ERR_ABORTED":
    case "ABORT_ERR":
      return { code: "CRATEDB_ABORTED", retry: "never" };
    // Our pool was closed under the request (configuration replaced, shutdown): repeating on
    // the same pool cannot succeed; the next RPC gets a fresh client.
    case "UND_ERR_CLOSED":
    case "UND_ERR_DESTROYED":
      return { code: "CRATEDB_CLIENT_CLOSED", retry: "never" };
    // What a TLS client reads when the port speaks plain HTTP.
    case "ERR_SSL_WRONG_VERSION_NUMBER":
    case "ERR_SSL_PACKET_LENGTH_TOO_LONG":
    case "ERR_SSL_HTTP_REQUEST":
      return {
        code: "CRATEDB_NOT_TLS",
        retry: "never",
      };
    default:
      if (isTlsErrorCode(errorCode)) {
        return {
          code: "CRATEDB_TLS",
          retry: "never",
        };
      }
      // Reset, broken pipe, socket closed mid-response: the request may have been processed.
      return { code: "CRATEDB_CONNECTION_LOST", retry: "if-idempotent" };
  }
}

export function isTlsErrorCode(code: string): boolean {
  return (
    code.startsWith("CERT_") ||
    code.startsWith("ERR_TLS_") ||
    code.startsWith("ERR_SSL_") ||
    code === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
    code === "SELF_SIGNED_CERT_IN_CHAIN" ||
    code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" ||
    code === "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" ||
    code === "UNABLE_TO_GET_ISSUER_CERT" ||
    code === "HOSTNAME_MISMATCH"
  );
}

const MAX_MESSAGE_CHARS = 1000;

/**
 * CrateDB's message minus what may echo request data: the request body in body-parse errors,
 * values in cast, NUMERIC-overflow, VARCHAR-length, CHECK-constraint and generated-column errors,
 * and `[id]` document ids in engine errors; then any of the given values that still appear
 * verbatim. Capped in length, after registered secrets are redacted (so a cut cannot leave part
 * of one behind).
 */
export function scrubMessage(
  message: string,
  values: Iterable<unknown> = [],
  maxChars: number = MAX_MESSAGE_CHARS,
): string {
  let text = redactSecrets(message)
    .replace(/Can't parse \[[\s\S]*\]\. Expecting/, "Can't parse [<request body>]. Expecting")
    .replace(/(Cannot cast (?:value )?)`[\s\S]*?`( to type)/g, "$1<value>$2")
    .replace(/(Cannot cast (?:value )?)'[\s\S]*?'( to type)/g, "$1<value>$2")
    // NUMERIC overflow (cratedb.md §2.3) names the type without "to type".
    .replace(/(Cannot cast )'[\s\S]*?'( to numeric\()/g, "$1<value>$2")
    // VARCHAR(n) overflow (cratedb.md §2.4) starts with the value.
    .replace(/'[\s\S]*?'( is too long for the text type)/g, "<value>$1")
    // CHECK constraints and generated columns of tables created outside Fivetran list the row.
    .replace(/( CHECK \([\s\S]*?\) for values: )\[[\s\S]*?\](\]?)$/, "$1<values>$2")
    .replace(
      /(Given value )[\s\S]*?( for generated column [\s\S]*? does not match calculation )[\s\S]*?(\]?)$/,
      "$1<value>$2<calculation>$3",
    )
    .replace(/\[\[[^\]]*\]: (version conflict|document missing)/g, "[<document id>: $1");
  for (const value of values) {
    if (typeof value !== "string" || value.length < 4) continue;
    if (text.includes(value)) text = text.replaceAll(value, "<value>");
  }
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

/** `RelationUnknown[Relation 'doc.t' unknown]` → `RelationUnknown`. */
export function exceptionName(message: string): string | undefined {
  return /^([A-Za-z0-9_]+)\[/.exec(message)?.[1];
}
