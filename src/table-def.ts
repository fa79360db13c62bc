/**
 * The destination's own model of a Fivetran table definition, shared by every room.
 * src/rpc converts the protobuf `Table`/`Column` into these plain values, so ops, batch and
 * cratedb never depend on generated code.
 */

/** Fivetran `DataType` names; the index of each name is its protobuf enum number. */
export const FIVETRAN_TYPES = [
  "UNSPECIFIED",
  "BOOLEAN",
  "SHORT",
  "INT",
  "LONG",
  "DECIMAL",
  "FLOAT",
  "DOUBLE",
  "NAIVE_DATE",
  "NAIVE_DATETIME",
  "UTC_DATETIME",
  "BINARY",
  "XML",
  "STRING",
  "JSON",
  "NAIVE_TIME",
] as const;

export type FivetranType = (typeof FIVETRAN_TYPES)[number];

export interface DecimalParams {
  readonly precision: number;
  readonly scale: number;
}

export interface ColumnDef {
  /** Exactly as Fivetran sends it: case, spaces, quotes and dots preserved. */
  readonly name: string;
  readonly type: FivetranType;
  readonly primaryKey: boolean;
  /** Present only when Fivetran sent `params.decimal`. */
  readonly decimal?: DecimalParams;
  /** Present only when Fivetran sent `params.string_byte_length`. */
  readonly stringByteLength?: number;
}

export interface TableDef {
  readonly name: string;
  readonly columns: readonly ColumnDef[];
}

/** Schema-qualified table name, unquoted. */
export interface TableRef {
  readonly schema: string;
  readonly table: string;
}

/** Fivetran system column names (fivetran-protocol.md §4). */
export const SYSTEM_COLUMN = {
  synced: "_fivetran_synced",
  deleted: "_fivetran_deleted",
  id: "_fivetran_id",
  start: "_fivetran_start",
  end: "_fivetran_end",
  active: "_fivetran_active",
} as const;

/**
 * DECIMAL columns Fivetran sends without params are created as DECIMAL(38, 10), what Fivetran's
 * own examples use; above 38 digits CrateDB has no NUMERIC, and the exact text is stored instead
 * (docs/type-mapping.md). Shared by the reader, which converts values, and the type map.
 */
export const DEFAULT_DECIMAL: DecimalParams = { precision: 38, scale: 10 };
export const MAX_NUMERIC_PRECISION = 38;
