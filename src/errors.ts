/**
 * The one error base of the destination. Rooms define their own subclasses where the error
 * arises (cratedb/errors.ts, batch/errors.ts, …); src/rpc/responses.ts is the only place that
 * maps them to a Fivetran Task, Warning or gRPC status.
 *
 * Messages never contain row values, keys, passwords or file contents: they name files, rows,
 * columns, tables and CrateDB error codes only.
 */

/**
 * - `user`: the user can fix it (credentials, privileges, rejected names, unusable data) → Task.
 * - `transient`: the environment may heal (node down, overload); retried inside the destination
 *   first, then surfaced as gRPC UNAVAILABLE so Fivetran retries the sync.
 * - `bug`: our invariant broke → gRPC INTERNAL, logged SEVERE.
 */
export type ErrorKind = "user" | "transient" | "bug";

export class DestinationError extends Error {
  /** Stable machine-readable code, e.g. `CRATEDB_AUTH`, `BATCH_BAD_KEY`. Branch on this, never on text. */
  readonly code: string;
  readonly kind: ErrorKind;

  constructor(code: string, kind: ErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DestinationError";
    this.code = code;
    this.kind = kind;
  }
}

/** C0 and C1 control characters, DEL and the Unicode line separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * A name (file, column, table) as a message shows it: control characters, a NUL among them, as
 * `\uXXXX` escapes, so the message stays one printable line whatever the name holds, and at most
 * `maxChars` characters followed by `…` when longer (a message needs enough to recognise the
 * name, not all of it).
 */
export function shownName(name: string, maxChars = Number.POSITIVE_INFINITY): string {
  let cut = name;
  if (name.length > maxChars) {
    // Counted in code points, stopping early: the name may be long, the result is short.
    let taken = 0;
    let end = 0;
    for (const ch of name) {
      if (taken === maxChars) {
        cut = `${name.slice(0, end)}…`;
        break;
      }
      taken++;
      end += ch.length;
    }
  }
  return cut.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
