import assert from "node:assert/strict";
import { test } from "node:test";
import {
  mayHoldInexactNumber,
  parseExactJson,
  sameDecimal,
  stringifyExact,
  stringifyRow,
} from "../../../src/cratedb/client/exact-json.ts";

test("integers beyond 2^53 parse as exact bigints, safe ones stay numbers", () => {
  const parsed = parseExactJson(
    '{"rows":[[9223372036854775807,-9223372036854775808,9007199254740993,9007199254740991,42]]}',
  ) as { rows: unknown[][] };
  assert.deepEqual(parsed.rows[0], [
    9223372036854775807n,
    -9223372036854775808n,
    9007199254740993n,
    9007199254740991,
    42,
  ]);
});

test("NUMERIC(38) digits that a double would change come back as their exact text", () => {
  const parsed = parseExactJson(
    "[12345678901234567890123456789012345678, 1234567890123456789012.1234567890123456, 0.1, 1.5, 0.30000000000000004, 1e400, 123.45000000000000000]",
  );
  assert.deepEqual(parsed, [
    12345678901234567890123456789012345678n,
    "1234567890123456789012.1234567890123456",
    0.1,
    1.5,
    0.30000000000000004,
    "1e400",
    123.45,
  ]);
});

test("long digit runs inside strings do not change string values", () => {
  const text = '{"a":"12345678901234567890","b":1.25}';
  assert.deepEqual(parseExactJson(text), { a: "12345678901234567890", b: 1.25 });
});

test("bodies without long numbers take the plain path and parse identically", () => {
  const text = JSON.stringify({ cols: ["a"], rows: [[1, "x", true, null, -0.5, 1e21]], rowcount: 1 });
  assert.deepEqual(parseExactJson(text), JSON.parse(text));
});

test("decimal texts compare by value, not spelling", () => {
  assert.ok(sameDecimal("1.50", "1.5"));
  assert.ok(sameDecimal("15e-1", "1.5"));
  assert.ok(sameDecimal("-0.000", "0"));
  assert.ok(!sameDecimal("0.1000000000000000055", "0.1"));
  assert.ok(!sameDecimal("-1", "1"));
});

test("bigint args serialize as exact JSON integers and round-trip", () => {
  const row = [9223372036854775807n, -9223372036854775808n, "x", 0.1, null, true];
  const text = stringifyRow(row);
  assert.equal(text, '[9223372036854775807,-9223372036854775808,"x",0.1,null,true]');
  assert.deepEqual(parseExactJson(text), row);
});

test("non-finite doubles serialize as the strings CrateDB accepts", () => {
  assert.equal(
    stringifyRow([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]),
    '["NaN","Infinity","-Infinity"]',
  );
});

test("nested values with bigints serialize exactly", () => {
  assert.equal(stringifyExact([[1n, { a: 2n }], "s"]), '[[1,{"a":2}],"s"]');
});

test("0.1 survives a round trip through args and results", () => {
  assert.deepEqual(parseExactJson(stringifyRow([0.1, 0.2, 1 / 3])), [0.1, 0.2, 1 / 3]);
});

test("the pre-scan finds every run of 16 digits or dots, wherever it starts", () => {
  const run = "1234567890.12345";
  for (let offset = 0; offset < 40; offset++) {
    const text = `${"x".repeat(offset)}${run}${"y".repeat(40 - offset)}`;
    assert.ok(mayHoldInexactNumber(text), `missed at offset ${offset}`);
    assert.ok(
      !mayHoldInexactNumber(text.replace("1234567890.12345", "1234567890.1234")),
      `false hit at ${offset}`,
    );
  }
  assert.ok(mayHoldInexactNumber("[1e-400]"));
  assert.ok(!mayHoldInexactNumber("[1e-40, 123456789012345]"));
});
