/**
 * Fivetran type ↔ CrateDB column type, as data (docs/type-mapping.md). SQL text for these types
 * is rendered in src/cratedb/sql/column-type.ts.
 *
 * Several Fivetran types share one CrateDB type (XML, STRING, JSON, BINARY and NAIVE_TIME are all
 * TEXT; NAIVE_DATE and NAIVE_DATETIME are both TIMESTAMP WITHOUT TIME ZONE), and CrateDB reports
 * no NUMERIC scale in information_schema, so the exact Fivetran type is recorded separately (see
 * src/ops/type-metadata.ts); `closestFivetranType` is the fallback when no valid record exists.
 */
import { DestinationError } from "../errors.ts";
import {
  type ColumnDef,
  DEFAULT_DECIMAL,
  type DecimalParams,
  type FivetranType,
  MAX_NUMERIC_PRECISION,
} from "../table-def.ts";

/** `information_schema.columns.data_type` strings of the types this destination creates. */
export type CrateDataType =
  | "boolean"
  | "smallint"
  | "integer"
  | "bigint"
  | "real"
  | "double precision"
  | "numeric"
  | "text"
  | "timestamp with time zone"
  | "timestamp without time zone";

export interface CrateType {
  readonly dataType: CrateDataType;
  /** NUMERIC, and TEXT holding DECIMAL above 38 digits. */
  readonly precision?: number;
  readonly scale?: number;
  /**
   * TEXT only. `false` = `INDEX OFF STORAGE WITH (columnstore = false)`: no 32766-byte value
   * limit, at the cost of filters and sorts scanning instead of using an index.
   */
  readonly indexed?: boolean;
}

/** Fivetran types whose values may be arbitrarily long text. */
const LONG_TEXT_TYPES: ReadonlySet<FivetranType> = new Set([
  "STRING",
  "XML",
  "JSON",
  "BINARY",
  "UNSPECIFIED",
]);

const FIXED: Partial<Record<FivetranType, CrateDataType>> = {
  BOOLEAN: "boolean",
  SHORT: "smallint",
  INT: "integer",
  LONG: "bigint",
  FLOAT: "real",
  DOUBLE: "double precision",
  NAIVE_DATE: "timestamp without time zone",
  NAIVE_DATETIME: "timestamp without time zone",
  UTC_DATETIME: "timestamp with time zone",
};

export class InvalidTypeError extends DestinationError {
  constructor(message: string) {
    super("INVALID_TYPE", message);
    this.name = "InvalidTypeError";
  }
}

/** The decimal params a DECIMAL column is created with (the default when Fivetran sent none). */
export function decimalParamsOf(column: ColumnDef): DecimalParams {
  const d = column.decimal ?? DEFAULT_DECIMAL;
  if (!Number.isInteger(d.precision) || !Number.isInteger(d.scale) || d.precision < 1 || d.scale < 0) {
    throw new InvalidTypeError(
      `Column "${column.name}": DECIMAL(${d.precision}, ${d.scale}) is not a valid decimal type.`,
    );
  }
  if (d.scale > d.precision) {
    throw new InvalidTypeError(
      `Column "${column.name}": DECIMAL(${d.precision}, ${d.scale}) has a scale larger than its precision.`,
    );
  }
  return d;
}

/** The CrateDB column type a Fivetran column is created with. */
export function crateTypeFor(column: ColumnDef): CrateType {
  const fixed = FIXED[column.type];
  if (fixed) return { dataType: fixed };
  if (column.type === "DECIMAL") {
    const { precision, scale } = decimalParamsOf(column);
    // Above 38 digits CrateDB cannot store NUMERIC; exact decimal text keeps every digit.
    // (precision and scale stay on the type for conversion checks; they don't change the column.)
    if (precision > MAX_NUMERIC_PRECISION) return { dataType: "text", indexed: true, precision, scale };
    return { dataType: "numeric", precision, scale };
  }
  // Primary-key columns must stay indexed; other long-text columns go unindexed so that no value
  // is ever too long to store (CrateDB rejects indexed values over 32766 bytes).
  const indexed = column.primaryKey || !LONG_TEXT_TYPES.has(column.type);
  return { dataType: "text", indexed };
}

/**
 * What identifies a column's physical type for the metadata guard: the data type plus, for
 * NUMERIC, the precision (information_schema has no scale). Index options are not part of it.
 */
export function storageSignature(dataType: string, numericPrecision?: number | null): string {
  return dataType === "numeric" && numericPrecision != null ? `numeric(${numericPrecision})` : dataType;
}

export const storageOf = (t: CrateType): string => storageSignature(t.dataType, t.precision);

export interface FivetranTypeInfo {
  readonly type: FivetranType;
  readonly decimal?: DecimalParams;
}

const REVERSE: Readonly<Record<string, FivetranType>> = {
  boolean: "BOOLEAN",
  smallint: "SHORT",
  integer: "INT",
  bigint: "LONG",
  real: "FLOAT",
  "double precision": "DOUBLE",
  "timestamp with time zone": "UTC_DATETIME",
  "timestamp without time zone": "NAIVE_DATETIME",
  date: "NAIVE_DATE",
  text: "STRING",
  character: "STRING",
  "character varying": "STRING",
  varchar: "STRING",
};

/** Types whose values CrateDB returns as JSON structures. */
const STRUCTURED = new Set(["object", "geo_shape", "geo_point", "float_vector"]);

/**
 * The Fivetran type closest to a CrateDB column, for tables created outside Fivetran and for
 * columns without a valid type record. `numericScale` comes from SHOW CREATE TABLE when known.
 */
export function closestFivetranType(
  dataType: string,
  numericPrecision?: number | null,
  numericScale?: number | null,
): FivetranTypeInfo {
  if (dataType === "numeric") {
    if (numericPrecision != null && numericScale != null) {
      return { type: "DECIMAL", decimal: { precision: numericPrecision, scale: numericScale } };
    }
    return { type: "DECIMAL" };
  }
  const direct = REVERSE[dataType];
  if (direct) return { type: direct };
  if (STRUCTURED.has(dataType) || dataType.endsWith("_array")) return { type: "JSON" };
  return { type: "STRING" };
}
