import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "csv-parse/sync";
import { CsvParser, CsvSyntaxError } from "../../src/batch/csv-parser.ts";

function parseInPieces(text: string, size: number): string[][] {
  const parser = new CsvParser();
  const records: string[][] = [];
  for (let i = 0; i < text.length; i += size) records.push(...parser.push(text.slice(i, i + size)));
  const last = parser.end();
  if (last !== undefined) records.push(last);
  return records;
}

/** Deterministic pseudo-random CSV with everything Jackson may write. */
function sampleCsv(records: number, seed: number, eol: string): string {
  let state = seed;
  const next = (n: number) => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state % n;
  };
  const pieces = [
    "a",
    "b c",
    ",",
    '"',
    "\n",
    "\r\n",
    "\\",
    "😀",
    "é",
    "中文",
    "",
    " ",
    "null",
    "x".repeat(50),
  ];
  const lines: string[] = [];
  for (let r = 0; r < records; r++) {
    const fields: string[] = [];
    for (let c = 0; c < 5; c++) {
      let value = "";
      for (let k = next(4); k > 0; k--) value += pieces[next(pieces.length)];
      const quote = value === "" || /[",\r\n]/.test(value) || next(5) === 0;
      fields.push(quote ? `"${value.replaceAll('"', '""')}"` : value);
    }
    lines.push(fields.join(","));
  }
  return lines.join(eol) + (seed % 2 === 0 ? eol : "");
}

for (const size of [1, 7, 65536]) {
  test(`records match csv-parse when the text arrives in pieces of ${size} characters`, () => {
    for (const [seed, eol] of [
      [1, "\n"],
      [2, "\n"],
      [3, "\r\n"],
      [4, "\r\n"],
    ] as const) {
      const text = sampleCsv(size === 1 ? 300 : 2000, seed, eol);
      const expected = parse(text, { relax_column_count: false }) as string[][];
      assert.deepEqual(parseInPieces(text, size), expected, `seed ${seed}`);
    }
  });
}

test("quoted fields keep newlines, commas, doubled quotes and backslashes", () => {
  const text = 'id,v\n1,"line1\nline2"\n2,"a,b"\n3,"say ""hi"""\n4,back\\slash\n5,"\\"""\n';
  assert.deepEqual(parseInPieces(text, 3), [
    ["id", "v"],
    ["1", "line1\nline2"],
    ["2", "a,b"],
    ["3", 'say "hi"'],
    ["4", "back\\slash"],
    ["5", '\\"'],
  ]);
});

test("empty fields, a trailing comma and a last record without newline are kept", () => {
  assert.deepEqual(parseInPieces('a,,""\n,b,\nc,d,e', 2), [
    ["a", "", ""],
    ["", "b", ""],
    ["c", "d", "e"],
  ]);
});

test("a field longer than many pieces is assembled in one piece of work per piece", () => {
  const big = "y".repeat(3_000_000);
  const text = `h\n"${big}"\n${big}\n`;
  const records = parseInPieces(text, 65536);
  assert.equal(records.length, 3);
  assert.equal(records[1]![0]!.length, big.length);
  assert.equal(records[2]![0]!.length, big.length);
});

test("an unterminated quote and text after a closing quote are syntax errors with their record", () => {
  assert.throws(
    () => parseInPieces('h\n1\n"open', 4),
    (e: unknown) => e instanceof CsvSyntaxError && e.record === 2 && /unterminated/.test(e.message),
  );
  assert.throws(
    () => parseInPieces('h\n"a"b\n', 4),
    (e: unknown) => e instanceof CsvSyntaxError && e.record === 1 && /after a closing quote/.test(e.message),
  );
});
