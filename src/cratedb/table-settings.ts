/** Per-table settings from the setup form, applied when this destination creates a table. */
export interface TableSettings {
  /** `CLUSTERED INTO n SHARDS`; CrateDB's default (max(4, 2 × data nodes)) when absent. */
  readonly shards?: number;
  /** `number_of_replicas`, e.g. `1` or `0-1`; CrateDB's default `0-1` when absent. */
  readonly replicas?: string;
  /** `refresh_interval` in ms; CrateDB's default (1000, paused while a table is idle) when absent. */
  readonly refreshIntervalMs?: number;
}
