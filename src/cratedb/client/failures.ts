/**
 * What went wrong with one request, as a typed CrateDbError: a response CrateDB or something in
 * between answered, a network failure, the call stopping. Messages name nodes by URL and CrateDB's
 * own error text (scrubbed), never what was sent.
 */
import { redactSecrets } from "../../secrets.ts";
import { CrateDbError, classify, exceptionName, scrubMessage } from "../errors.ts";
import type { HttpResponse, SendOptions } from "./http.ts";
import type { Node } from "./nodes.ts";
import type { CrateClientOptions } from "./options.ts";

/** Advice for an http:// URL whose port answers TLS. */
export const HTTPS_HINT = "If the node serves HTTPS, the URL must start with https://.";

export function networkError(
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

export function errorCode(caught: unknown): string {
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
export function mayStillRun(error: CrateDbError): boolean {
  return error.retry === "if-idempotent" || error.code === "CRATEDB_ABORTED";
}

/** A fenced request CrateDB refused for arriving after its deadline: nothing was applied. */
export function lateError(error: CrateDbError): CrateDbError {
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
export function finalError(
  last: CrateDbError,
  failures: Map<string, string>,
  nodeCount: number,
): CrateDbError {
  if (last.code !== "CRATEDB_UNREACHABLE") return last;
  const tried = [...failures.values()].join("; ");
  const message =
    nodeCount > 1
      ? `Could not reach any CrateDB node (${tried}). Check the URLs, that CrateDB is running, and that this network can reach the nodes' HTTP port (usually 4200).`
      : `Could not reach CrateDB (${tried}). Check the URL, that CrateDB is running, and that this network can reach its HTTP port (usually 4200).`;
  return new CrateDbError({ code: last.code, retry: last.retry }, message, { cause: last });
}
