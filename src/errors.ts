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
