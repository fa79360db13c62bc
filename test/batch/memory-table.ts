import type { TableDef } from "../../src/table-def.ts";
import type { Cell } from "../helpers/batch-writer.ts";

/** A 10-column table and a row generator (~130 bytes of CSV per row) for volume tests. */
export const PROBE_TABLE: TableDef = {
  name: "probe",
  columns: [
    { name: "id", type: "LONG", primaryKey: true },
    { name: "name", type: "STRING", primaryKey: false },
    { name: "amount", type: "DECIMAL", primaryKey: false, decimal: { precision: 18, scale: 4 } },
    { name: "ratio", type: "DOUBLE", primaryKey: false },
    { name: "flag", type: "BOOLEAN", primaryKey: false },
    { name: "qty", type: "INT", primaryKey: false },
    { name: "day", type: "NAIVE_DATE", primaryKey: false },
    { name: "note", type: "STRING", primaryKey: false },
    { name: "payload", type: "JSON", primaryKey: false },
    { name: "_fivetran_synced", type: "UTC_DATETIME", primaryKey: false },
  ],
};

export function* probeRows(count: number): Generator<Cell[]> {
  for (let i = 0; i < count; i++) {
    yield [
      String(i),
      `name ${i}`,
      `${i % 100000}.${String(i % 10000).padStart(4, "0")}`,
      String(i / 7),
      i % 2 === 0 ? "true" : "false",
      String(i % 1000),
      "2024-03-15",
      i % 10 === 0 ? null : `note, with "quotes" ${i}`,
      `{"k":${i},"v":"x"}`,
      "2024-01-01T00:00:00.123Z",
    ];
  }
}
