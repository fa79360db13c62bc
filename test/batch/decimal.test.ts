import assert from "node:assert/strict";
import { test } from "node:test";
import {
  integralDigits,
  plainDecimal,
  scaledDecimal,
  simpleToScale,
  toScale,
} from "../../src/batch/convert/decimal.ts";
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

test("the one-scan path gives toScale(plainDecimal(text)) wherever it answers, and declines the rest", () => {
  const samples = ["0", "-0", "00", "-00.000", "7", "7.00", "-7.10", "0012.3400", "100", "-100.5", "0.0001"];
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let k = 0; k < 5_000; k++) {
    const digits = (n: number) =>
      Array.from({ length: n }, () => String(random(10) === 0 ? 0 : random(10))).join("");
    const sign = random(3) === 0 ? "-" : "";
    const frac = random(3) === 0 ? "" : `.${digits(1 + random(6))}`;
    samples.push(`${sign}${digits(1 + random(8))}${frac}`);
  }
  let answered = 0;
  for (const text of samples) {
    for (const scale of [0, 1, 2, 4, 6]) {
      const fast = simpleToScale(text, scale);
      if (fast === undefined) continue;
      answered++;
      assert.equal(fast, toScale(plainDecimal(text), scale), `${text} at scale ${scale}`);
    }
  }
  assert.ok(answered > 10_000, `only ${answered} answered`);
  for (const text of ["1.5E3", "+1", ".5", "1.", "1.234", "-", "", "1e2", "1,5", " 1"])
    assert.equal(simpleToScale(text, 2), undefined, text);
});
