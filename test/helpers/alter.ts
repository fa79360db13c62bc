/** A seeded table per test for the AlterTable integration tests. */
import type { CrateClient } from "../../src/cratedb/client/crate-client.ts";
import type { TableDef, TableRef } from "../../src/table-def.ts";
import { col, TableSeeder } from "./ops.ts";

export const SYNCED = Date.parse("2024-01-02T03:04:05.678Z");

export const base: TableDef = {
  name: "t",
  columns: [
    col("id", "INT", true),
    col("name", "STRING"),
    col("amount", "DOUBLE"),
    col("qty", "LONG"),
    col("_fivetran_synced", "UTC_DATETIME"),
  ],
};
export const NAMES = ["id", "name", "amount", "qty", "_fivetran_synced"];
export const ROWS = [
  [1, "one", 10.12, 7, SYNCED],
  [2, "two", -2.5, 1_000_000, SYNCED],
  [3, null, null, null, SYNCED],
];

export const withName = (def: TableDef, ref: TableRef): TableDef => ({ ...def, name: ref.table });

/** Column order aside: a converted column moves to the end (CrateDB can't reorder columns). */
export const byName = (def: TableDef | undefined): TableDef | undefined =>
  def && { ...def, columns: [...def.columns].sort((a, b) => (a.name < b.name ? -1 : 1)) };

/** TableSeeder with this file's table and rows as defaults, rows before column names. */
export class Seeder {
  readonly #tables: TableSeeder;

  constructor(client: CrateClient, prefix: string) {
    this.#tables = new TableSeeder(client, prefix);
  }

  get schema(): string {
    return this.#tables.schema;
  }

  nextRef(prefix = "t"): TableRef {
    return this.#tables.nextRef(prefix);
  }

  seeded(def: TableDef = base, rows: unknown[][] = ROWS, names = NAMES): Promise<TableRef> {
    return this.#tables.seeded(def, names, rows);
  }
}

export class StopAfter extends Error {
  constructor(step: string) {
    super(`stopped after ${step}`);
  }
}
