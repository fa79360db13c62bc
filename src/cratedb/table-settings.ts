/**
 * Settings for tables the destination creates, from the setup form's advanced section.
 * Absent values leave CrateDB's own defaults in place.
 */

export interface TableSettings {
  /** `CLUSTERED INTO n SHARDS`. */
  readonly shards?: number | undefined;
  /** `number_of_replicas`: a count (`1`) or a range (`0-1`, `1-all`). */
  readonly replicas?: string | undefined;
  /** `refresh_interval` in milliseconds. */
  readonly refreshIntervalMs?: number | undefined;
}

export const SHARDS_RANGE = { min: 1, max: 1000 } as const;
export const REFRESH_INTERVAL_RANGE = { min: 0, max: 3_600_000 } as const;

/** CrateDB's replica syntax: `n`, `n-m` or `n-all` (cratedb.md §3). */
export function isValidReplicas(text: string): boolean {
  const match = /^(\d{1,3})(?:-(\d{1,3}|all))?$/.exec(text);
  if (match === null) return false;
  const [, low, high] = match;
  return high === undefined || high === "all" || Number(high) >= Number(low);
}
