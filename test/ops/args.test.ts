import assert from "node:assert/strict";
import { test } from "node:test";
import { UNMODIFIED } from "../../src/batch/values.ts";
import { stringifyRow } from "../../src/cratedb/client/exact-json.ts";
import type { SqlValue } from "../../src/cratedb/sql-client.ts";
import { argsJson, asArg, asArgs } from "../../src/ops/args.ts";

test("rows become args unchanged, and a row still holding the unmodified marker is refused", () => {
  const rows = [[1, "x", null, 2n]];
  assert.equal(asArgs(rows), rows);
  assert.throws(
    () =>
      asArgs([
        [1, "a"],
        [1, UNMODIFIED, "x"],
      ]),
    { code: "WRITE_UNRESOLVED_VALUE", kind: "bug" },
  );
  assert.throws(() => asArg(UNMODIFIED), { code: "WRITE_UNRESOLVED_VALUE" });
  assert.equal(asArg(5), 5);
});

test("the serializer refuses what JSON would quietly turn into null", () => {
  assert.equal(stringifyRow([1, null, "x", 9007199254740993n]), '[1,null,"x",9007199254740993]');
  for (const bad of [UNMODIFIED, undefined, () => 1]) {
    assert.throws(() => stringifyRow([1, bad as unknown as SqlValue, "x"]), TypeError);
  }
});

test("rows serialized for sending: the unmodified marker is refused as a bug, the rest travels as JSON", () => {
  const args = argsJson([
    [1, "a", null],
    [2, 2n ** 64n, 1.5],
  ]);
  assert.equal(args.count, 2);
  assert.equal(
    args.groups.map((g) => g.json.toString()).join(","),
    '[1,"a",null],[2,18446744073709551616,1.5]',
  );
  assert.throws(
    () =>
      argsJson([
        [1, "a"],
        [1, UNMODIFIED, "x"],
      ]),
    { code: "WRITE_UNRESOLVED_VALUE", kind: "bug" },
  );
});
