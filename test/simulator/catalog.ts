/**
 * The simulator's own catalogue: CrateDB names, types and settings of every table, mapped to
 * internal PostgreSQL tables. PG only ever sees short internal names (`sim.t7`, `sim.t7_s`), so
 * RENAME and SWAP are catalogue edits and CrateDB's 255-byte names never hit PG's 63-byte limit.
 */
import { relationUnknown, schemaUnknown } from "./errors.ts";
import type { SubColumn } from "./objects.ts";
import type { CrateType } from "./types.ts";

export interface SimColumn {
  name: string;
  /** Internal PG column name (the CrateDB name when it fits in 63 bytes). */
  pg: string;
  type: CrateType;
  notNull: boolean;
  /** Default expression as CrateDB text, for metadata only. */
  defaultExpr?: string;
  indexOff: boolean;
  columnstore: boolean;
  /** Sub-columns of an OBJECT column: declared with `AS (…)` or discovered (DYNAMIC). */
  subColumns?: SubColumn[];
}

export type SettingValue = string | number | boolean;

export interface SimTable {
  schema: string;
  name: string;
  /** Qualified PG name of the live table (what PK lookups and writes use). */
  live: string;
  /** Qualified PG name of the refreshed snapshot (what searches read), see docs/simulator.md. */
  snap: string;
  columns: SimColumn[];
  pk: string[];
  shards: number;
  clusteredBy?: string;
  partitionedBy: string[];
  /** Table settings by dotted name (`number_of_replicas`, `blocks.write`, …). */
  settings: Map<string, SettingValue>;
  /** Rows changed since the last refresh. */
  dirty: boolean;
  /** CHECK constraints: CrateDB name and expression text, internal PG constraint name. */
  checks?: { name: string; expr: string; pg: string }[];
}

/** Hidden row identity shared by live and snapshot rows; contains a dot so no CrateDB column can clash. */
export const ROWID = '"sim.rowid"';

export const DEFAULT_SETTINGS: ReadonlyArray<[string, SettingValue]> = [
  ["number_of_replicas", "0-1"],
  ["refresh_interval", 1000],
  ["column_policy", "strict"],
  ["blocks.write", false],
  ["blocks.read", false],
  ["blocks.metadata", false],
  ["blocks.read_only", false],
  ["blocks.read_only_allow_delete", false],
];

const key = (schema: string, name: string) => `${schema}\u0000${name}`;

export class Catalog {
  private readonly tables = new Map<string, SimTable>();
  /** Schemas created with CREATE SCHEMA (persist without tables), plus `doc`. */
  readonly explicitSchemas = new Set<string>(["doc"]);
  private nextId = 1;

  newInternalName(): string {
    return `t${this.nextId++}`;
  }

  find(schema: string, name: string): SimTable | undefined {
    return this.tables.get(key(schema, name));
  }

  schemaExists(schema: string): boolean {
    if (this.explicitSchemas.has(schema)) return true;
    for (const t of this.tables.values()) if (t.schema === schema) return true;
    return false;
  }

  /** Resolves a table or throws 4045 (schema unknown) / 4041 (relation unknown) like CrateDB (§3.3). */
  get(schema: string, name: string): SimTable {
    const t = this.find(schema, name);
    if (t) return t;
    if (!this.schemaExists(schema)) throw schemaUnknown(schema);
    throw relationUnknown(`${schema}.${name}`);
  }

  add(t: SimTable): void {
    this.tables.set(key(t.schema, t.name), t);
  }

  remove(t: SimTable): void {
    this.tables.delete(key(t.schema, t.name));
  }

  rename(t: SimTable, schema: string, name: string): void {
    this.tables.delete(key(t.schema, t.name));
    t.schema = schema;
    t.name = name;
    this.tables.set(key(schema, name), t);
  }

  all(): SimTable[] {
    return [...this.tables.values()].sort((a, b) => (a.schema + a.name < b.schema + b.name ? -1 : 1));
  }

  schemas(): string[] {
    const s = new Set(this.explicitSchemas);
    for (const t of this.tables.values()) s.add(t.schema);
    return [...s].sort();
  }
}

export function column(t: SimTable, name: string): SimColumn | undefined {
  return t.columns.find((c) => c.name === name);
}

export const fqn = (t: SimTable) => `${t.schema}.${t.name}`;

export function blocked(t: SimTable, ...settings: string[]): boolean {
  return settings.some((s) => t.settings.get(s) === true);
}
