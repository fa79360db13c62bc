import assert from "node:assert/strict";
import { test } from "node:test";
import { coerce, fitNumeric, parsePgTimestamp, toEpochMs } from "./coerce.ts";
import { JsonNumber, parseJson, stringifyJson } from "./json.ts";

const fail = () => new Error("cast");

test("numeric values are rounded half-up to the scale and exponents are expanded", () => {
  assert.equal(fitNumeric("1.005", 5, 2), "1.01");
  assert.equal(fitNumeric("-1.005", 5, 2), "-1.01");
  assert.equal(fitNumeric("1.5e2", 5, 0), "150");
  assert.equal(fitNumeric("12e-3", 5, 3), "0.012");
  assert.equal(fitNumeric("99.999", 5, 2), "100.00");
  assert.throws(() => fitNumeric("999.995", 5, 2), /looses precision/);
});

test("timestamp arguments are floored to the millisecond in every accepted form", () => {
  assert.equal(toEpochMs("2024-01-01T00:00:00.1239Z", true, fail), 1704067200123);
  assert.equal(toEpochMs("2024-01-01T01:00:00+01:00", true, fail), 1704067200000);
  assert.equal(toEpochMs("2024-01-01T01:00:00+01:00", false, fail), 1704070800000);
  assert.equal(toEpochMs("2024-01-01", true, fail), 1704067200000);
  assert.equal(toEpochMs("-1", true, fail), -1);
  assert.equal(toEpochMs(new JsonNumber("1.0015"), true, fail), 1001);
  assert.equal(toEpochMs("0099-03-01 10:00", true, fail), new Date("0099-03-01T10:00:00Z").getTime());
  assert.throws(() => toEpochMs("2024-02-30", true, fail), /cast/);
  assert.throws(() => toEpochMs("yesterday", true, fail), /cast/);
});

test("PG timestamp text converts back to epoch milliseconds, BC years included", () => {
  assert.equal(parsePgTimestamp("2024-01-01 00:00:00.123"), 1704067200123);
  assert.equal(parsePgTimestamp("2023-12-31 23:00:00.123+00"), 1704063600123);
  assert.equal(parsePgTimestamp("0001-01-01 00:00:00+00 BC"), new Date("0000-01-01T00:00:00Z").getTime());
});

test("integers are range checked and text accepts numbers and booleans but not arrays", () => {
  assert.equal(coerce(new JsonNumber("32767"), { base: "smallint" }), "32767");
  assert.throws(
    () => coerce(new JsonNumber("32768"), { base: "smallint" }),
    /Cannot cast value `32768` to type `smallint`/,
  );
  assert.equal(coerce(new JsonNumber("12"), { base: "text" }), "12");
  assert.equal(coerce(true, { base: "text" }), "t");
  assert.throws(() => coerce([], { base: "text" }), /Cannot cast/);
});

test("JSON numbers keep their exact text through parse and stringify", () => {
  const body = '{"args":[9007199254740993,0.1,-1e400,"x"]}';
  assert.equal(stringifyJson(parseJson(body)), body);
});
