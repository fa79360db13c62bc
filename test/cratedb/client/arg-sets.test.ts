import assert from "node:assert/strict";
import { test } from "node:test";
import {
  argSetsAt,
  pickArgSets,
  serializeArgSets,
  serializedArgs,
  splitGroup,
} from "../../../src/cratedb/client/arg-sets.ts";
import { parseExactJson } from "../../../src/cratedb/client/exact-json.ts";
import type { ArgGroup, SqlValue } from "../../../src/cratedb/sql-client.ts";

/** Values that look like JSON structure inside strings, escapes, multi-byte text, nesting. */
const awkward: SqlValue[][] = [
  [1, "a,b", "[x]", '{"k":1}'],
  [2, 'quote " and \\ backslash', "ü€𝄞", null],
  [3, true, 2n ** 70n, "NaN"],
  [4, { o: [1, { p: "],[" }] }, [1, [2, [3]]], "\\"],
  [5, "", ",", "\\\\,"],
];

const joined = (groups: readonly { json: Buffer }[]) =>
  JSON.parse(`[${groups.map((g) => g.json.toString()).join(",")}]`) as unknown[];

/** All arg sets in one group, as a batch of narrow rows would be. */
function oneGroup(rows: SqlValue[][]): ArgGroup {
  const groups = serializeArgSets(rows).groups;
  return { json: Buffer.from(groups.map((g) => g.json.toString()).join(",")), count: rows.length };
}

test("serialized groups hold every arg set in order, and parse back to the same JSON", () => {
  const rows = Array.from({ length: 2000 }, (_, i) => [i, `v${i}`, i % 3 === 0 ? null : i / 7]);
  const args = serializeArgSets(rows);
  assert.equal(args.count, rows.length);
  assert.equal(
    args.groups.reduce((n, g) => n + g.count, 0),
    rows.length,
  );
  assert.deepEqual(joined(args.groups), rows);
});

test("groups stay small strings on the way to bytes, whatever the row width", () => {
  for (const width of [1, 100, 5000, 200_000]) {
    const rows = Array.from({ length: 300 }, (_, i) => [i, "x".repeat(width)]);
    const args = serializeArgSets(rows);
    for (const group of args.groups) {
      // One arg set larger than the target still forms a group of its own.
      assert.ok(group.json.length <= 128 * 1024 || group.count === 1, `group of ${group.json.length} bytes`);
    }
    assert.equal(joined(args.groups).length, rows.length);
  }
});

test("a group splits into its arg sets byte for byte, strings with commas and brackets included", () => {
  const group = oneGroup(awkward);
  const parts = splitGroup(group);
  assert.equal(parts.length, awkward.length);
  assert.equal(
    Buffer.concat(parts.flatMap((p, i) => (i > 0 ? [Buffer.from(","), p.json] : [p.json]))).toString(),
    group.json.toString(),
  );
  parts.forEach((part, i) => {
    assert.equal(part.count, 1);
    assert.deepEqual(parseExactJson(part.json.toString()), awkward[i]);
  });
});

test("picked arg sets keep their bytes and the order asked for", () => {
  const args = serializeArgSets(awkward);
  const picked = pickArgSets(args, [3, 0, 4]);
  assert.equal(picked.count, 3);
  assert.deepEqual(
    picked.groups.map((g) => g.json.toString()),
    [3, 0, 4].map((i) => splitGroup(oneGroup(awkward))[i]!.json.toString()),
  );
});

test("arg sets parse back with exact numbers, for scrubbing values from messages", () => {
  const rows: SqlValue[][] = Array.from({ length: 500 }, (_, i) => [i, `s${i}`]);
  rows[321] = [2n ** 64n, "secret"];
  const args = serializeArgSets(rows);
  assert.ok(args.groups.length > 1);
  assert.deepEqual(argSetsAt(args, [321, 0]), [
    [2n ** 64n, "secret"],
    [0, "s0"],
  ]);
});

test("rows given as arrays are serialized, serialized ones pass through", () => {
  const args = serializeArgSets([[1]]);
  assert.equal(serializedArgs(args), args);
  assert.deepEqual(joined(serializedArgs([[1], [2]]).groups), [[1], [2]]);
  assert.equal(serializedArgs([]).count, 0);
});
