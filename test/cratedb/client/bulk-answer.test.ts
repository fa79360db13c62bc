import assert from "node:assert/strict";
import { test } from "node:test";
import { plainRowcounts } from "../../../src/cratedb/client/response.ts";

test("a bulk answer of plain successes gives its row counts (the layout of CrateDB 6.4.3)", () => {
  assert.deepEqual(
    plainRowcounts(
      '{"cols":[],"duration":3.055409,"results":[{"rowcount":1},{"rowcount":0},{"rowcount":12}]}',
    ),
    [1, 0, 12],
  );
  assert.deepEqual(plainRowcounts('{"cols":[],"duration":0,"results":[]}'), []);
  assert.deepEqual(plainRowcounts('{"cols":[],"duration":1.5e-3,"results":[{"rowcount":1}]}'), [1]);
});

test("any other answer is left to the full parse", () => {
  for (const text of [
    // a failed item, detailed or bare
    '{"cols":[],"duration":1,"results":[{"rowcount":1},{"rowcount":-2,"error":{"code":4091,"message":"x"}}]}',
    '{"cols":[],"duration":1,"results":[{"rowcount":-2}]}',
    // other layouts: types requested, spaces, fields in another order, more fields
    '{"cols":[],"col_types":[],"duration":1,"results":[{"rowcount":1}]}',
    '{"cols": [], "duration": 1, "results": [{"rowcount": 1}]}',
    '{"results":[{"rowcount":1}],"cols":[],"duration":1}',
    '{"cols":[],"duration":1,"results":[{"rowcount":1}],"extra":1}',
    '{"cols":[],"duration":1,"results":[{"rowcount":1,"x":1}]}',
    // cut short, or not JSON at all
    '{"cols":[],"duration":1,"results":[{"rowcount":1}',
    '{"cols":[],"duration":1,"results":[{"rowcount":}]}',
    '{"cols":[],"duration":1,"results":[{"rowcount":1},]}',
    '{"cols":[],"duration":1,"results":[{"rowcount":1234567890123456}]}',
    "<html>bad gateway</html>",
    "",
  ])
    assert.equal(plainRowcounts(text), undefined, text);
});
