import assert from "node:assert/strict";
import { test } from "node:test";
import { BIGINT_LIMIT_REASON, REAL_RANGE_REASON, textConverter } from "../../src/batch/convert/converters.ts";
import { InvalidValue } from "../../src/batch/errors.ts";
import type { ColumnDef, DecimalParams, FivetranType } from "../../src/table-def.ts";

const convert = (type: FivetranType, text: string, decimal?: DecimalParams) =>
  textConverter({ name: "c", type, primaryKey: false, ...(decimal ? { decimal } : {}) } as ColumnDef)(text);

test("BOOLEAN accepts true and false in any case", () => {
  assert.equal(convert("BOOLEAN", "true"), true);
  assert.equal(convert("BOOLEAN", "TRUE"), true);
  assert.equal(convert("BOOLEAN", "False"), false);
  for (const text of ["1", "t", "yes", "truee", ""])
    assert.throws(() => convert("BOOLEAN", text), InvalidValue);
});

test("SHORT and INT are range-checked numbers", () => {
  assert.equal(convert("SHORT", "-32768"), -32768);
  assert.equal(convert("SHORT", "32767"), 32767);
  assert.throws(() => convert("SHORT", "32768"), InvalidValue);
  assert.equal(convert("INT", "-2147483648"), -2147483648);
  assert.equal(convert("INT", "+7"), 7);
  assert.equal(Object.is(convert("INT", "-0"), 0), true);
  assert.throws(() => convert("INT", "2147483648"), InvalidValue);
  assert.throws(() => convert("INT", "1.0"), InvalidValue);
  assert.throws(() => convert("INT", "1e3"), InvalidValue);
});

test("LONG is exact: numbers within 2^53, bigint beyond, up to what CrateDB's BIGINT stores", () => {
  assert.equal(convert("LONG", "9007199254740991"), 9007199254740991);
  assert.equal(convert("LONG", "-9007199254740991"), -9007199254740991);
  assert.equal(convert("LONG", "9007199254740993"), 9007199254740993n);
  assert.equal(convert("LONG", "9223372036854775806"), 9223372036854775806n);
  assert.equal(convert("LONG", "-9223372036854775807"), -9223372036854775807n);
  assert.equal(convert("LONG", "0000000000000000001"), 1);
  assert.throws(() => convert("LONG", "9223372036854775808"), InvalidValue);
  assert.throws(() => convert("LONG", "-9223372036854775809"), InvalidValue);
});

test("LONG: the two extreme 64-bit values, which CrateDB's BIGINT refuses, fail with the reason", () => {
  for (const text of ["9223372036854775807", "-9223372036854775808", "+9223372036854775807"])
    assert.throws(() => convert("LONG", text), { name: "InvalidValue", message: BIGINT_LIMIT_REASON });
  assert.doesNotMatch(BIGINT_LIMIT_REASON, /9223372036854775807|9223372036854775808/);
});

test("DECIMAL gives exact plain strings and checks the integral digits against the precision", () => {
  assert.equal(
    convert("DECIMAL", "1.2345678901234568E22", { precision: 38, scale: 10 }),
    "12345678901234568000000",
  );
  assert.equal(
    convert("DECIMAL", "0.1234567890123456789012345678901234567", { precision: 38, scale: 37 }),
    "0.1234567890123456789012345678901234567",
  );
  assert.equal(convert("DECIMAL", "-9.9", { precision: 38, scale: 37 }), "-9.9");
  assert.throws(() => convert("DECIMAL", "10", { precision: 38, scale: 37 }), InvalidValue);
  assert.throws(() => convert("DECIMAL", "1000", { precision: 6, scale: 3 }), InvalidValue);
  // One text per value: more fraction digits than the scale are rounded half away from zero, once,
  // before the range check; trailing fraction zeros go.
  assert.equal(convert("DECIMAL", "999.9994", { precision: 6, scale: 3 }), "999.999");
  assert.throws(() => convert("DECIMAL", "999.9995", { precision: 6, scale: 3 }), InvalidValue);
  assert.equal(convert("DECIMAL", "1.2345", { precision: 4, scale: 2 }), "1.23");
  assert.equal(convert("DECIMAL", "1.005", { precision: 4, scale: 2 }), "1.01");
  assert.equal(convert("DECIMAL", "-1.005", { precision: 4, scale: 2 }), "-1.01");
  assert.equal(convert("DECIMAL", "-0.004", { precision: 4, scale: 2 }), "0");
  assert.equal(convert("DECIMAL", "1.5E-3", { precision: 4, scale: 2 }), "0");
  assert.equal(convert("DECIMAL", "100", { precision: 4, scale: 0 }), "100");
  assert.equal(convert("DECIMAL", "12.5", { precision: 4, scale: 0 }), "13");
  assert.equal(convert("DECIMAL", "1.20", { precision: 4, scale: 2 }), "1.2");
  assert.equal(convert("DECIMAL", "15E-1", { precision: 4, scale: 2 }), "1.5");
  assert.equal(convert("DECIMAL", "7.00", { precision: 4, scale: 2 }), "7");
  // Without params: NUMERIC(38,10), so 28 integral digits.
  assert.equal(convert("DECIMAL", "1E27"), `1${"0".repeat(27)}`);
  assert.throws(() => convert("DECIMAL", "1E28"), InvalidValue);
  // Above 38 digits the column is TEXT: any exact decimal.
  assert.equal(convert("DECIMAL", "1E50", { precision: 60, scale: 2 }), `1${"0".repeat(50)}`);
});

test("FLOAT and DOUBLE take Java's text incl. exponents, NaN and infinities", () => {
  assert.equal(convert("DOUBLE", "-2.2250738585072014E-308"), -2.2250738585072014e-308);
  assert.equal(convert("FLOAT", "10.12"), 10.12);
  assert.equal(convert("FLOAT", "1.4E-45"), 1.4e-45);
  assert.equal(convert("DOUBLE", "NaN"), "NaN");
  assert.equal(convert("DOUBLE", "Infinity"), "Infinity");
  assert.equal(convert("DOUBLE", "-Infinity"), "-Infinity");
  assert.equal(convert("DOUBLE", "1E400"), "Infinity");
  for (const text of ["", "0x10", "1,5", "nan", "inf", " 1"])
    assert.throws(() => convert("DOUBLE", text), InvalidValue);
});

test("FLOAT must fit REAL: the largest float's text is sent as that float, beyond it is refused", () => {
  const largest = 3.4028234663852886e38;
  assert.equal(convert("FLOAT", "3.4028235E38"), largest);
  assert.equal(convert("FLOAT", "-3.4028235E+38"), -largest);
  assert.equal(convert("FLOAT", "3.4028234E38"), 3.4028234e38);
  for (const text of ["3.4028237E+38", "-1E39", "1E300"])
    assert.throws(() => convert("FLOAT", text), { name: "InvalidValue", message: REAL_RANGE_REASON });
  assert.equal(convert("FLOAT", "Infinity"), "Infinity");
  assert.equal(convert("DOUBLE", "1E300"), 1e300);
});

test("JSON is validated and stored as written, whatever its top-level shape", () => {
  for (const text of ['{"a": [1, 2]}', "[1,2]", "3", '"s"', "null", "true"])
    assert.equal(convert("JSON", text), text);
  for (const text of ["{", "", "{'a':1}", "undefined"])
    assert.throws(() => convert("JSON", text), InvalidValue);
});

test("text types, BINARY included, are stored verbatim", () => {
  const long = "x".repeat(40_000);
  assert.equal(convert("STRING", long), long);
  assert.equal(convert("XML", "<a>\n</a>"), "<a>\n</a>");
  assert.equal(convert("BINARY", "[B@7d4991ad"), "[B@7d4991ad");
  assert.equal(convert("BINARY", "AP8="), "AP8=");
  assert.equal(convert("UNSPECIFIED", "a\\b"), "a\\b");
});

test("timestamps convert to epoch ms per type", () => {
  assert.equal(
    convert("UTC_DATETIME", "2007-12-03T10:15:30.123+01:00"),
    Date.UTC(2007, 11, 3, 9, 15, 30, 123),
  );
  assert.equal(convert("NAIVE_DATETIME", "2007-12-03T10:15:30"), Date.UTC(2007, 11, 3, 10, 15, 30));
  assert.equal(convert("NAIVE_DATE", "2007-12-03"), Date.UTC(2007, 11, 3));
  assert.equal(convert("NAIVE_TIME", "10:15:30.5"), "10:15:30.5");
});
