import { type Data, type DataType, Type, type Vector } from "apache-arrow";
import type { ColumnDef, FivetranType } from "../table-def.ts";
import { checkBigint, checkReal, type TextConverter } from "./convert/converters.ts";
import { scaledDecimal } from "./convert/decimal.ts";
import { InvalidValue, ValueTooLarge } from "./errors.ts";
import { type BatchValue, UNMODIFIED } from "./values.ts";

/**
 * Reading one Arrow column (decoded from Parquet) cell by cell. Typed arrays are read directly
 * where Arrow's `get()` is slow or lossy: 64-bit integers, decimals (unscaled integers), binary,
 * timestamps in µs/ns. Strings go through the column's text converter, exactly as in CSV, so
 * Instant/LocalDate text and sentinels behave the same in both formats.
 */
export type CellReader = (i: number) => BatchValue;

export interface CellContext {
  readonly column: ColumnDef;
  /** Largest string or binary value, in bytes (the field limit); absent: no limit. */
  readonly maxBytes?: number;
  readonly text: TextConverter;
  readonly nullString: string | undefined;
  readonly unmodifiedString: string | undefined;
}

const MS_PER_DAY = 86_400_000;

/** Integer columns narrower than Parquet's INT32/INT64. */
const INT_RANGE: Partial<Record<FivetranType, readonly [number, number]>> = {
  SHORT: [-32_768, 32_767],
  INT: [-2_147_483_648, 2_147_483_647],
};

/**
 * Which Fivetran column types each Arrow type may fill. Strings fit everything (their text goes
 * through the column's converter); an all-null column fits everything too.
 */
const FITS: Partial<Record<Type, readonly FivetranType[]>> = {
  [Type.Bool]: ["BOOLEAN"],
  [Type.Int]: ["SHORT", "INT", "LONG"],
  [Type.Float]: ["FLOAT", "DOUBLE"],
  [Type.Decimal]: ["DECIMAL"],
  [Type.Binary]: ["BINARY"],
  [Type.LargeBinary]: ["BINARY"],
  [Type.FixedSizeBinary]: ["BINARY"],
  [Type.Timestamp]: ["UTC_DATETIME", "NAIVE_DATETIME"],
  [Type.Date]: ["NAIVE_DATE", "NAIVE_DATETIME", "UTC_DATETIME"],
};
const ANY_COLUMN = new Set<Type>([Type.Utf8, Type.LargeUtf8, Type.Utf8View, Type.Dictionary, Type.Null]);

/** Whether a Parquet field of this Arrow type can be read into a column of this type. */
export function fitsColumn(type: DataType, column: FivetranType): boolean {
  if (ANY_COLUMN.has(type.typeId)) return true;
  return FITS[type.typeId]?.includes(column) ?? false;
}

function intValue(n: bigint): number | bigint {
  return n >= -(2n ** 53n) + 1n && n <= 2n ** 53n - 1n ? Number(n) : checkBigint(n);
}

function floatValue(n: number): number | string {
  if (Number.isFinite(n)) return n;
  return Number.isNaN(n) ? "NaN" : n > 0 ? "Infinity" : "-Infinity";
}

/** A DOUBLE read into a FLOAT (REAL) column must fit REAL's range. */
function realValue(n: number): number | string {
  return Number.isFinite(n) ? checkReal(n) : floatValue(n);
}

/** Epoch ms from an Int64 timestamp, floored (also for negative sub-ms values). */
function timestampMs(units: bigint, perMs: bigint): number {
  const q = units / perMs;
  return Number(units < 0n && q * perMs !== units ? q - 1n : q);
}

/** A reader for `vector` (one Arrow Data), NULL-aware. */
export function cellReader(vector: Vector, context: CellContext): CellReader {
  const data = vector.data.length === 1 ? (vector.data[0] as Data<DataType>) : undefined;
  const value =
    data === undefined || data.offset !== 0
      ? genericReader(vector, context)
      : typedReader(data, vector, context);
  if (data === undefined || data.nullCount === 0) return value;
  const bitmap = data.nullBitmap;
  const offset = data.offset;
  return (i) => ((bitmap[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1 ? value(i) : null);
}

function typedReader(data: Data<DataType>, vector: Vector, context: CellContext): CellReader {
  const type = data.type;
  switch (type.typeId) {
    case Type.Int: {
      const values = data.values as Int32Array | BigInt64Array | Int16Array | Int8Array;
      if (values instanceof BigUint64Array) break;
      const read: CellReader =
        values instanceof BigInt64Array ? (i) => intValue(values[i]!) : (i) => values[i] as number;
      const range = INT_RANGE[context.column.type];
      if (range === undefined) return read;
      const [min, max] = range;
      return (i) => {
        const v = read(i) as number | bigint;
        if (v < min || v > max) throw new InvalidValue(`out of range for ${context.column.type}`);
        return v;
      };
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      return (i) => ((bits[i >> 3]! >> (i & 7)) & 1) === 1;
    }
    case Type.Float: {
      const values = data.values as Float32Array | Float64Array;
      if (!(values instanceof Float32Array || values instanceof Float64Array)) break; // Float16
      if (values instanceof Float64Array && context.column.type === "FLOAT")
        return (i) => realValue(values[i]!);
      return (i) => floatValue(values[i]!);
    }
    case Type.Decimal: {
      // Little-endian two's complement words; `scale` comes from the field, not the table.
      const words = data.values as Uint32Array;
      const wide = new BigUint64Array(words.buffer, words.byteOffset, words.length / 2);
      const perValue = (type as unknown as { bitWidth: number }).bitWidth / 64;
      const scale = (type as unknown as { scale: number }).scale;
      const bits = BigInt(perValue * 64);
      return (i) => {
        let unscaled = 0n;
        for (let w = perValue - 1; w >= 0; w--) unscaled = (unscaled << 64n) | wide[i * perValue + w]!;
        if (unscaled >> (bits - 1n)) unscaled -= 1n << bits;
        return context.text(scaledDecimal(unscaled, scale));
      };
    }
    case Type.Utf8: {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = Buffer.from(data.values.buffer, data.values.byteOffset, data.values.byteLength);
      // Sized from the offsets, before a string is made of the bytes.
      return (i) =>
        textValue(bytes.toString("utf8", offsets[i]!, sized(offsets[i]!, offsets[i + 1]!, context)), context);
    }
    case Type.Binary: {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = Buffer.from(data.values.buffer, data.values.byteOffset, data.values.byteLength);
      return (i) => bytes.toString("base64", offsets[i]!, sized(offsets[i]!, offsets[i + 1]!, context));
    }
    case Type.Timestamp: {
      const values = data.values as unknown as BigInt64Array;
      const unit = (type as unknown as { unit: number }).unit; // 0 s, 1 ms, 2 µs, 3 ns
      if (unit === 0) return (i) => Number(values[i]!) * 1000;
      const perMs = [1n, 1n, 1000n, 1_000_000n][unit]!;
      return (i) => timestampMs(values[i]!, perMs);
    }
    case Type.Date: {
      const unit = (type as unknown as { unit: number }).unit; // 0 days, 1 ms
      if (unit === 0) {
        const days = data.values as Int32Array;
        return (i) => days[i]! * MS_PER_DAY;
      }
      break;
    }
  }
  return genericReader(vector, context);
}

/** `end` when the value from `start` to `end` fits the field limit. */
function sized(start: number, end: number, context: CellContext): number {
  checkSize(end - start, context);
  return end;
}

function checkSize(bytes: number, context: CellContext): void {
  const limit = context.maxBytes;
  if (limit !== undefined && bytes > limit) throw new ValueTooLarge(limit);
}

/** Anything else: Arrow's own `get()`, then by the JS type of what it returns. */
function genericReader(vector: Vector, context: CellContext): CellReader {
  return (i) => {
    const v: unknown = vector.get(i);
    if (v === null || v === undefined) return null;
    if (typeof v === "string") {
      // Each character is at least one byte of UTF-8, so a string this long is over the limit.
      checkSize(v.length, context);
      return textValue(v, context);
    }
    if (v instanceof Uint8Array) checkSize(v.byteLength, context);
    if (typeof v === "boolean") return v;
    if (typeof v === "bigint") return intValue(v);
    if (typeof v === "number") return context.column.type === "FLOAT" ? realValue(v) : floatValue(v);
    if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
    throw new InvalidValue(`unsupported Parquet value type for a ${context.column.type} column`);
  };
}

function textValue(text: string, context: CellContext): BatchValue {
  if (text === context.nullString) return null;
  if (text === context.unmodifiedString) return UNMODIFIED;
  return context.text(text);
}
