/** The shapes one request to a CrateDB node takes, shared by the transport and its failures. */
import type { Node } from "./nodes.ts";

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
