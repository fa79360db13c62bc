/** Batch values as SQL args: the one place the unmodified marker is kept from reaching CrateDB. */
import type { BatchValue } from "../batch/index.ts";
import { serializeArgSets } from "../cratedb/client/arg-sets.ts";
import type { SerializedArgSets, SqlValue } from "../cratedb/sql-client.ts";
import { DestinationError } from "../errors.ts";

/**
 * Rows as arg sets. Every value is already what CrateDB takes — except the unmodified marker, which
 * must have been resolved (an update's SET list, a history row's base version) before rows are
 * sent: one that is left is our bug, and fails the call rather than being written as NULL.
 */
export function asArgs(rows: readonly (readonly BatchValue[])[]): readonly (readonly SqlValue[])[] {
  for (const row of rows) for (const value of row) if (typeof value === "symbol") throw unresolvedMarker();
  // Checked above: no row holds the marker, the only BatchValue that is no SqlValue.
  return rows as readonly (readonly SqlValue[])[];
}

/**
 * Rows as arg sets, serialized now rather than when their request is sent: rows kept as arrays
 * while they wait for a request slot outlive young-generation collections and grow the heap
 * (src/cratedb/client/arg-sets.ts). Capture only the result, not the rows, in what runs later.
 */
export function argsJson(rows: readonly (readonly BatchValue[])[]): SerializedArgSets {
  try {
    // The serializer refuses a symbol itself: no separate pass over every value for the marker.
    return serializeArgSets(rows as readonly (readonly SqlValue[])[]);
  } catch (error) {
    asArgs(rows);
    throw error;
  }
}

/** One value as an arg; the unmodified marker is refused as in `asArgs`. */
export function asArg(value: BatchValue): SqlValue {
  if (typeof value === "symbol") throw unresolvedMarker();
  return value;
}

const unresolvedMarker = (): DestinationError =>
  new DestinationError("WRITE_UNRESOLVED_VALUE", "the unmodified marker reached the values sent to CrateDB");
