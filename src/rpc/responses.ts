/**
 * The one place where errors become what Fivetran sees (fivetran-protocol.md §1.3):
 * - DestinationError kind `user` → a Task in the response (the sync stops with an actionable message);
 * - kind `transient` → gRPC UNAVAILABLE (Fivetran retries the sync);
 * - aborted work (client went away, server shutting down) → UNAVAILABLE as well;
 * - anything else → gRPC INTERNAL with a generic message; the cause is logged SEVERE, never sent.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { DestinationError } from "../errors.ts";
import { severe } from "../log.ts";
import { redactSecrets } from "../secrets.ts";

/**
 * Fivetran caps response headers at 10,240 bytes and gRPC status messages travel in one, so every
 * message we send is cut well below that, at 8,000 bytes of UTF-8.
 */
export const MAX_ANSWER_TEXT_BYTES = 8_000;
const ELLIPSIS = "…";
const ELLIPSIS_BYTES = Buffer.byteLength(ELLIPSIS);

/**
 * Every message sent to Fivetran passes here: secrets redacted (before the cut, so no part of one
 * is left), then cut to at most MAX_ANSWER_TEXT_BYTES of UTF-8, never inside a character, marking the
 * cut.
 */
export function cutMessage(message: string, maxBytes: number = MAX_ANSWER_TEXT_BYTES): string {
  const text = redactSecrets(message);
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes - ELLIPSIS_BYTES;
  // Back off over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8") + ELLIPSIS;
}

export type TaskResponse = { case: "task"; value: { message: string } };
export type WarningResponse = { case: "warning"; value: { message: string } };

/** Runs one RPC's work; a user-fixable DestinationError becomes a Task, everything else a gRPC status. */
export async function taskOr<T extends { case: string; value: unknown }>(
  run: () => Promise<T>,
): Promise<T | TaskResponse> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DestinationError && err.kind === "user") {
      return { case: "task", value: { message: cutMessage(err.message) } };
    }
    throw toConnectError(err);
  }
}

/** Wraps a warning returned by an ops function into the response oneof. */
export function warningOf(message: string): WarningResponse {
  return { case: "warning", value: { message: cutMessage(message) } };
}

/** The code of CrateDB requests stopped by the call's signal (src/cratedb/client/transport.ts). */
const ABORTED_CODE = "CRATEDB_ABORTED";

const GENERIC_INTERNAL =
  "internal error in the CrateDB destination; the cause is in the destination's log (search for SEVERE)";

/** Maps any error thrown by an RPC to the status sent to Fivetran. Logs the cause of unexpected ones. */
export function toConnectError(err: unknown): ConnectError {
  if (err instanceof ConnectError) return redacted(err);
  const reason = abortReason(err);
  if (reason !== undefined) return redacted(reason);
  if (err instanceof DestinationError) {
    if (err.kind === "transient") {
      return new ConnectError(cutMessage(err.message), Code.Unavailable, undefined, undefined, err);
    }
    if (err.kind === "user") {
      // Only reachable when a handler skipped taskOr; still tell the user what to fix.
      return new ConnectError(cutMessage(err.message), Code.FailedPrecondition, undefined, undefined, err);
    }
  }
  if (isAbort(err)) {
    return new ConnectError(
      "the request was cancelled before it finished",
      Code.Unavailable,
      undefined,
      undefined,
      err,
    );
  }
  severe(`internal error: ${describeCause(err)}`);
  return new ConnectError(GENERIC_INTERNAL, Code.Internal, undefined, undefined, err);
}

/** A ConnectError as is, unless its message holds a secret. */
function redacted(err: ConnectError): ConnectError {
  const message = cutMessage(err.rawMessage);
  if (message === err.rawMessage) return err;
  // Details only come with errors parsed from the wire, which a server never sends on.
  return new ConnectError(message, err.code, err.metadata, undefined, err);
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError");
}

/**
 * Work stopped by the call's signal keeps the signal's reason as a cause (CrateDB requests,
 * backoff sleeps, batch reading). When that reason is a ConnectError, it is the answer the server
 * chose for the call: at the shutdown deadline, UNAVAILABLE "the destination is shutting down".
 */
function abortReason(err: unknown): ConnectError | undefined {
  if (!isAbort(err) && !(err instanceof DestinationError && err.code === ABORTED_CODE)) return undefined;
  let cause: unknown = err;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++, cause = cause.cause) {
    if (cause instanceof ConnectError) return cause;
  }
  return undefined;
}

/** Name, message, stack and nested causes, for the log only. */
export function describeCause(err: unknown, depth = 0): string {
  if (!(err instanceof Error)) return String(err);
  const head = err.stack ?? `${err.name}: ${err.message}`;
  if (err.cause === undefined || depth >= 3) return head;
  return `${head}\ncaused by: ${describeCause(err.cause, depth + 1)}`;
}
