import assert from "node:assert/strict";
import { test } from "node:test";
import {
  checkNaiveTime,
  naiveDateMs,
  naiveDateTimeMs,
  utcDateTimeMs,
} from "../../src/batch/convert/timestamp.ts";
import { InvalidValue } from "../../src/batch/errors.ts";

test("UTC date-times with Z or offsets and 0–9 fraction digits become epoch ms, floored", () => {
  const cases: [string, number][] = [
    ["2007-12-03T10:15:30Z", Date.UTC(2007, 11, 3, 10, 15, 30)],
    ["2007-12-03T10:15:30.1Z", Date.UTC(2007, 11, 3, 10, 15, 30, 100)],
    ["2007-12-03T10:15:30.123Z", Date.UTC(2007, 11, 3, 10, 15, 30, 123)],
    ["2007-12-03T10:15:30.123999999Z", Date.UTC(2007, 11, 3, 10, 15, 30, 123)],
    ["2007-12-03T10:15:30.000000001Z", Date.UTC(2007, 11, 3, 10, 15, 30)],
    ["2007-12-03T10:15:30+02:00", Date.UTC(2007, 11, 3, 8, 15, 30)],
    ["2007-12-03T10:15:30.5-05:30", Date.UTC(2007, 11, 3, 15, 45, 30, 500)],
    ["2007-12-03T10:15:30+0100", Date.UTC(2007, 11, 3, 9, 15, 30)],
    ["2007-12-03T10:15:30+01", Date.UTC(2007, 11, 3, 9, 15, 30)],
    ["2007-12-03T10:15Z", Date.UTC(2007, 11, 3, 10, 15)],
    ["2007-12-03T10:15:30", Date.UTC(2007, 11, 3, 10, 15, 30)],
    ["9999-12-31T23:59:59.999Z", 253_402_300_799_999],
    ["1970-01-01T00:00:00Z", 0],
    ["1969-12-31T23:59:59.9999Z", -1],
    ["0001-01-01T00:00:00Z", -62_135_596_800_000],
    ["2024-02-29T12:00:00Z", Date.UTC(2024, 1, 29, 12)],
    ["2000-02-29T00:00:00Z", Date.UTC(2000, 1, 29)],
  ];
  for (const [text, ms] of cases) assert.equal(utcDateTimeMs(text), ms, text);
});

test("naive date-times are wall-clock time taken as UTC", () => {
  assert.equal(naiveDateTimeMs("2007-12-03T10:15:30"), Date.UTC(2007, 11, 3, 10, 15, 30));
  assert.equal(naiveDateTimeMs("2007-12-03T10:15:30.987654321"), Date.UTC(2007, 11, 3, 10, 15, 30, 987));
  assert.equal(naiveDateTimeMs("2007-12-03T10:15"), Date.UTC(2007, 11, 3, 10, 15));
  assert.equal(naiveDateTimeMs("2007-12-03 10:15:30"), Date.UTC(2007, 11, 3, 10, 15, 30));
  assert.throws(() => naiveDateTimeMs("2007-12-03T10:15:30Z"), InvalidValue);
});

test("naive dates are midnight UTC, including leap days and year 9999", () => {
  assert.equal(naiveDateMs("2007-12-03"), Date.UTC(2007, 11, 3));
  assert.equal(naiveDateMs("2024-02-29"), Date.UTC(2024, 1, 29));
  assert.equal(naiveDateMs("9999-12-31"), Date.UTC(9999, 11, 31));
  assert.equal(naiveDateMs("1900-03-01"), Date.UTC(1900, 2, 1));
});

test("impossible dates and times are rejected", () => {
  for (const text of [
    "2023-02-29",
    "1900-02-29",
    "2024-13-01",
    "2024-00-10",
    "2024-04-31",
    "24-01-01",
    "2024-1-1",
    "",
  ]) {
    assert.throws(() => naiveDateMs(text), InvalidValue, text);
  }
  for (const text of [
    "2024-01-01T24:00:00Z",
    "2024-01-01T10:60:00Z",
    "2024-01-01T10:00:60Z",
    "2024-01-01T10:00:00+19:00",
  ]) {
    assert.throws(() => utcDateTimeMs(text), InvalidValue, text);
  }
  assert.throws(() => utcDateTimeMs("2024-01-01T10:00:00.1234567890Z"), InvalidValue, "10 fraction digits");
});

test("naive times are validated and kept as written", () => {
  for (const text of ["10:15:30", "00:00", "23:59:59.999999999", "10:15:30.5"]) {
    assert.equal(checkNaiveTime(text), text);
  }
  for (const text of ["24:00:00", "10:61:00", "10:15:30.", "1:15:30", "10:15:30Z", ""]) {
    assert.throws(() => checkNaiveTime(text), InvalidValue, text);
  }
});
