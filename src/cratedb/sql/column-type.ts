/** Renders a CrateType (src/cratedb/type-map.ts) as the type part of a column definition. */
import type { CrateType } from "../type-map.ts";

const NAMES = {
  boolean: "BOOLEAN",
  smallint: "SMALLINT",
  integer: "INTEGER",
  bigint: "BIGINT",
  real: "REAL",
  "double precision": "DOUBLE PRECISION",
  numeric: "NUMERIC",
  text: "TEXT",
  "timestamp with time zone": "TIMESTAMP WITH TIME ZONE",
  "timestamp without time zone": "TIMESTAMP WITHOUT TIME ZONE",
} as const;

/** The bare type, as used in CAST: `NUMERIC(10, 2)`, `TEXT`, `BIGINT`. */
export function castTypeSql(t: CrateType): string {
  if (t.dataType === "numeric") return `NUMERIC(${t.precision ?? 38}, ${t.scale ?? 0})`;
  return NAMES[t.dataType];
}

/** The type with its column options: `TEXT INDEX OFF STORAGE WITH (columnstore = false)`. */
export function columnTypeSql(t: CrateType): string {
  if (t.dataType === "text" && t.indexed === false)
    return "TEXT INDEX OFF STORAGE WITH (columnstore = false)";
  return castTypeSql(t);
}
