import assert from "node:assert/strict";
import { test } from "node:test";
import * as arrow from "apache-arrow";
import { BIGINT_LIMIT_REASON, REAL_RANGE_REASON, textConverter } from "../../src/batch/convert/converters.ts";
import { type CellContext, cellReader, fitsColumn } from "../../src/batch/parquet-values.ts";
import { UNMODIFIED } from "../../src/batch/values.ts";
import type { ColumnDef, FivetranType } from "../../src/table-def.ts";

function context(type: FivetranType, decimal?: ColumnDef["decimal"]): CellContext {
  const column = { name: "c", type, primaryKey: false, ...(decimal ? { decimal } : {}) } as ColumnDef;
  return { column, text: textConverter(column), nullString: "NUL", unmodifiedString: "UNM" };
}

const read = (vector: arrow.Vector, ctx: CellContext) => {
  const reader = cellReader(vector, ctx);
  return Array.from({ length: vector.length }, (_, i) => reader(i));
};

test("µs and ns timestamps are floored to epoch ms from the exact Int64 values", () => {
  const micros = arrow.makeVector(
    arrow.makeData({
      type: new arrow.TimestampMicrosecond("UTC"),
      length: 3,
      data: BigInt64Array.from([1_704_067_200_123_999n, -1n, 253_402_300_799_999_999n]),
    }),
  );
  assert.deepEqual(read(micros, context("UTC_DATETIME")), [1_704_067_200_123, -1, 253_402_300_799_999]);
  const nanos = arrow.makeVector(
    arrow.makeData({
      type: new arrow.TimestampNanosecond(),
      length: 2,
      data: BigInt64Array.from([1_704_067_200_123_456_789n, -1_000_001n]),
    }),
  );
  assert.deepEqual(read(nanos, context("NAIVE_DATETIME")), [1_704_067_200_123, -2]);
});

test("Date32 days become epoch ms of midnight", () => {
  const days = arrow.makeVector(
    arrow.makeData({ type: new arrow.DateDay(), length: 2, data: Int32Array.from([0, 19_782]) }),
  );
  assert.deepEqual(read(days, context("NAIVE_DATE")), [0, Date.UTC(2024, 1, 29)]);
});

test("Int64 values keep full precision and nulls come from the validity bitmap", () => {
  const longs = arrow.vectorFromArray([2n ** 63n - 2n, null, 5n, -(2n ** 63n) + 1n], new arrow.Int64());
  assert.deepEqual(read(longs, context("LONG")), [2n ** 63n - 2n, null, 5, -(2n ** 63n) + 1n]);
});

test("Int64 values CrateDB's BIGINT can't store are refused with the reason", () => {
  for (const extreme of [2n ** 63n - 1n, -(2n ** 63n)]) {
    const reader = cellReader(arrow.vectorFromArray([1n, extreme], new arrow.Int64()), context("LONG"));
    assert.equal(reader(0), 1);
    assert.throws(() => reader(1), { name: "InvalidValue", message: BIGINT_LIMIT_REASON });
  }
});

test("doubles read into a FLOAT column must fit REAL; floats need no check", () => {
  const doubles = arrow.vectorFromArray([1.5, 3.4028235e38, 1e39, Number.NaN], new arrow.Float64());
  const reader = cellReader(doubles, context("FLOAT"));
  assert.deepEqual([reader(0), reader(1), reader(3)], [1.5, 3.4028234663852886e38, "NaN"]);
  assert.throws(() => reader(2), { name: "InvalidValue", message: REAL_RANGE_REASON });
  const floats = arrow.vectorFromArray([3.4028234663852886e38], new arrow.Float32());
  assert.deepEqual(read(floats, context("FLOAT")), [3.4028234663852886e38]);
});

test("strings go through the column's converter, with sentinels", () => {
  const strings = arrow.vectorFromArray(["2024-01-01T00:00:00Z", "NUL", "UNM", null], new arrow.Utf8());
  assert.deepEqual(read(strings, context("UTC_DATETIME")), [Date.UTC(2024, 0, 1), null, UNMODIFIED, null]);
});

test("binary becomes base64 text and booleans come from the bitmap", () => {
  const bytes = arrow.vectorFromArray([new Uint8Array([0, 255]), new Uint8Array([])], new arrow.Binary());
  assert.deepEqual(read(bytes, context("BINARY")), ["AP8=", ""]);
  const flags = arrow.vectorFromArray([true, false, null, true], new arrow.Bool());
  assert.deepEqual(read(flags, context("BOOLEAN")), [true, false, null, true]);
});

test("float NaN and infinities become their strings", () => {
  const doubles = arrow.vectorFromArray(
    [1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    new arrow.Float64(),
  );
  assert.deepEqual(read(doubles, context("DOUBLE")), [1.5, "NaN", "Infinity", "-Infinity"]);
});

test("Arrow types fit only the columns that can hold them", () => {
  assert.equal(fitsColumn(new arrow.Utf8(), "LONG"), true);
  assert.equal(fitsColumn(new arrow.Int32(), "LONG"), true);
  assert.equal(fitsColumn(new arrow.Int32(), "BOOLEAN"), false);
  assert.equal(fitsColumn(new arrow.Float64(), "DECIMAL"), false);
  assert.equal(fitsColumn(new arrow.Decimal(2, 10, 128), "DECIMAL"), true);
  assert.equal(fitsColumn(new arrow.TimestampMicrosecond(), "NAIVE_TIME"), false);
});
