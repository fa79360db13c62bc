/** The pure row-folding core of WriteBatch and WriteHistoryBatch, as tables of cases. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type BatchValue, type RowChunk, UNMODIFIED } from "../../../src/batch/values.ts";
import { foldedPerKey, keyOf, lastPerKey, onePerKey } from "../../../src/ops/write/rows.ts";

const U: BatchValue = UNMODIFIED;
const chunk = (rows: BatchValue[][], firstRow = 1): RowChunk => ({
  columns: ["id", "k2", "a", "b"],
  rows,
  firstRow,
  bytes: 0,
});

describe("keyOf", () => {
  const cases: [string, BatchValue[], number[], BatchValue[], boolean][] = [
    ["one column: equal values, equal keys", [1, 0, 0, 0], [0], [1, 9, 9, 9], true],
    ["one column: 1 and 2 differ", [1, 0, 0, 0], [0], [2, 0, 0, 0], false],
    [
      "two columns: parts are length-prefixed, so (ab, c) ≠ (a, bc)",
      ["ab", "c", 0, 0],
      [0, 1],
      ["a", "bc", 0, 0],
      false,
    ],
    ["two columns: equal parts, equal keys", ["a", 2n, 0, 0], [0, 1], ["a", 2n, 5, 5], true],
    ["NULL is a key part of its own, not the text null", [null, 0, 0, 0], [0], ["null", 0, 0, 0], false],
    [
      "bigint and number of one value meet (one column has one type)",
      [9007199254740993n, 0, 0, 0],
      [0],
      [9007199254740993n, 1, 1, 1],
      true,
    ],
  ];
  for (const [name, a, at, b, equal] of cases) {
    test(name, () => assert.equal(keyOf(a, at) === keyOf(b, at), equal));
  }
});

describe("lastPerKey (replace files)", () => {
  const cases: [string, BatchValue[][], BatchValue[][], number[]][] = [
    [
      "distinct keys keep file order",
      [
        [1, 0, "a", "b"],
        [2, 0, "c", "d"],
      ],
      [
        [1, 0, "a", "b"],
        [2, 0, "c", "d"],
      ],
      [1, 2],
    ],
    [
      "the last row of a key wins, in the first one's place",
      [
        [1, 0, "a", "b"],
        [2, 0, "x", "y"],
        [1, 0, "c", null],
      ],
      [
        [1, 0, "c", null],
        [2, 0, "x", "y"],
      ],
      [3, 2],
    ],
    [
      "composite keys differ by their second part",
      [
        [1, 0, "a", "b"],
        [1, 1, "c", "d"],
      ],
      [
        [1, 0, "a", "b"],
        [1, 1, "c", "d"],
      ],
      [1, 2],
    ],
  ];
  for (const [name, rows, expected, rowNumbers] of cases) {
    test(name, () => {
      const out = lastPerKey("f.csv", chunk(rows), [0, 1]);
      assert.deepEqual(out.rows, expected);
      assert.deepEqual(out.rowNumbers, rowNumbers);
      assert.equal(new Set(out.keys).size, out.keys.length);
    });
  }
  test("the unmodified marker in a replace row is refused with file, row and column", () => {
    assert.throws(
      () =>
        lastPerKey(
          "f.csv",
          chunk(
            [
              [1, 0, "a", "b"],
              [2, 0, U, "b"],
            ],
            10,
          ),
          [0, 1],
        ),
      {
        message: /^batch file "f\.csv", row 11, column "a": the unmodified marker in a replace file/,
      },
    );
  });
});

describe("foldedPerKey (update files)", () => {
  const cases: [string, BatchValue[][], BatchValue[][], number[]][] = [
    ["one row per key stays as it is", [[1, 0, "a", U]], [[1, 0, "a", U]], [1]],
    [
      "a later row overlays only its modified fields",
      [
        [1, 0, "a", U],
        [1, 0, U, "b"],
      ],
      [[1, 0, "a", "b"]],
      [2],
    ],
    [
      "NULL is a modification, the marker is not",
      [
        [1, 0, "a", "b"],
        [1, 0, null, U],
      ],
      [[1, 0, null, "b"]],
      [2],
    ],
    [
      "keys fold separately, in the order first seen",
      [
        [2, 0, "x", U],
        [1, 0, "a", U],
        [2, 0, U, "y"],
      ],
      [
        [2, 0, "x", "y"],
        [1, 0, "a", U],
      ],
      [3, 2],
    ],
  ];
  for (const [name, rows, expected, rowNumbers] of cases) {
    test(name, () => {
      const input = rows.map((r) => r.slice());
      const out = foldedPerKey("f.csv", chunk(rows), [0, 1]);
      assert.deepEqual(out.rows, expected);
      assert.deepEqual(out.rowNumbers, rowNumbers);
      assert.deepEqual(rows, input, "the chunk's rows are not changed");
    });
  }
  for (const [what, value] of [
    ["NULL", null],
    ["the unmodified marker", U],
  ] as const) {
    test(`a key holding ${what} is refused with file, row and column`, () => {
      assert.throws(() => foldedPerKey("f.csv", chunk([[1, value, "a", "b"]]), [0, 1]), {
        message: new RegExp(`^batch file "f\\.csv", row 1, column "k2": a primary key column holds ${what}`),
      });
    });
  }
});

describe("onePerKey (deletes, earliest start)", () => {
  test("keepFirst decides between two rows of a key; the row number follows the row kept", () => {
    const rows: BatchValue[][] = [
      [1, 0, 5, 0],
      [1, 0, 3, 0],
      [1, 0, 4, 0],
    ];
    const smallest = onePerKey(
      "f.csv",
      chunk(rows),
      [0, 1],
      (kept, next) => Number(kept[2]) <= Number(next[2]),
    );
    assert.deepEqual(smallest.rows, [[1, 0, 3, 0]]);
    assert.deepEqual(smallest.rowNumbers, [2]);
    const first = onePerKey("f.csv", chunk(rows), [0, 1], () => true);
    assert.deepEqual(first.rows, [[1, 0, 5, 0]]);
  });
  test("checked columns beyond the key must hold values too", () => {
    assert.throws(() => onePerKey("f.csv", chunk([[1, 0, null, 0]]), [0, 1], () => true, [0, 1, 2]), {
      message: /row 1, column "a": a primary key column holds NULL/,
    });
  });
});
