/** A seeded table per test for the AlterTable integration tests. */
import type { CrateClient } from "../../src/cratedb/client/crate-client.ts";
import { createTable } from "../../src/ops/table/create.ts";
import type { TableDef, TableRef } from "../../src/table-def.ts";
import { uniqueSchema } from "./cratedb.ts";
import { call, col, insertRows } from "./ops.ts";

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

/** Creates numbered tables `t1`, `t2`, … in one fresh schema, each filled with rows. */
export class Seeder {
  readonly schema: string;
  readonly #client: CrateClient;
  #counter = 0;

  constructor(client: CrateClient, prefix: string) {
    this.#client = client;
    this.schema = uniqueSchema(prefix);
  }

  nextRef(prefix = "t"): TableRef {
    this.#counter += 1;
    return { schema: this.schema, table: `${prefix}${this.#counter}` };
  }

  async seeded(def: TableDef = base, rows: unknown[][] = ROWS, names = NAMES): Promise<TableRef> {
    const ref = this.nextRef();
    await createTable(call(this.#client), ref, { ...def, name: ref.table }, {});
    await insertRows(this.#client, ref, names, rows as never);
    return ref;
  }
}

export class StopAfter extends Error {
  constructor(step: string) {
    super(`stopped after ${step}`);
  }
}
