import assert from "node:assert/strict";
import { test } from "node:test";
import { integralDigits, plainDecimal, scaledDecimal } from "../../src/batch/convert/decimal.ts";
import { InvalidValue } from "../../src/batch/errors.ts";

test("exponent forms expand to the exact plain decimal", () => {
  const cases: [string, string][] = [
    ["1.2345678901234568E22", "12345678901234568000000"],
    ["1E+3", "1000"],
    ["1e3", "1000"],
    ["-12E-4", "-0.0012"],
    ["1.5E-1", "0.15"],
    ["123.456E1", "1234.56"],
    ["123.456E3", "123456"],
    ["123.456E-3", "0.123456"],
    ["9.999999999999999999999999999999999999E37", "99999999999999999999999999999999999990"],
    ["9.9999999999999999999999999999999999999E36", "9999999999999999999999999999999999999.9"],
    ["4.9E-324", `0.${"0".repeat(323)}49`],
    ["0E+5", "0"],
    ["-0.0E-2", "0.000"],
  ];
  for (const [text, plain] of cases) assert.equal(plainDecimal(text), plain, text);
});

test("plain decimals keep their digits, lose only redundant leading zeros and signs", () => {
  const cases: [string, string][] = [
    ["0", "0"],
    ["-0", "0"],
    ["+12.50", "12.50"],
    ["007.1", "7.1"],
    [".5", "0.5"],
    ["5.", "5"],
    ["-0.0000000000000000000000000000000000001", "-0.0000000000000000000000000000000000001"],
    ["99999999999999999999999999999999999999", "99999999999999999999999999999999999999"],
  ];
  for (const [text, plain] of cases) assert.equal(plainDecimal(text), plain, text);
});

test("text that is not a decimal number is rejected", () => {
  for (const text of [
    "",
    ".",
    "-",
    "1e",
    "e5",
    "1.2.3",
    "0x10",
    "1,5",
    " 1",
    "NaN",
    "Infinity",
    "1E+99999999999",
  ]) {
    assert.throws(() => plainDecimal(text), InvalidValue, text);
  }
});

test("integral digits count the digits before the point, none for a leading zero", () => {
  assert.equal(integralDigits("0.5"), 0);
  assert.equal(integralDigits("-0.5"), 0);
  assert.equal(integralDigits("12.5"), 2);
  assert.equal(integralDigits("-123"), 3);
});

test("unscaled integers format with the field's scale", () => {
  assert.equal(scaledDecimal(12345n, 2), "123.45");
  assert.equal(scaledDecimal(-5n, 3), "-0.005");
  assert.equal(scaledDecimal(0n, 2), "0.00");
  assert.equal(scaledDecimal(7n, 0), "7");
  assert.equal(scaledDecimal(-(10n ** 37n) + 1n, 37), `-0.${"9".repeat(37)}`);
});
