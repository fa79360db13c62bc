import assert from "node:assert/strict";
import { test } from "node:test";
import { isJsonText, MAX_JSON_DEPTH } from "../../src/batch/convert/json-text.ts";

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const CASES = [
  // valid
  '{"a": [1, 2]}',
  "[1,2]",
  "3",
  '"s"',
  "null",
  "true",
  "false",
  " \t\r\n{ } ",
  "[]",
  "[[],{}]",
  '{"a":{"b":{"c":[null,true,false,-0,0.5,1e5,1E+5,1e-5,-12.25E-3]}}}',
  '"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00"',
  '"é 😀 \u2028"',
  '{"":""}',
  "-0",
  "0e0",
  '"\ud800"',
  // invalid
  "",
  " ",
  "{",
  "}",
  "[",
  "[1,]",
  "[,1]",
  "{'a':1}",
  '{"a" 1}',
  '{"a":1,}',
  "{a:1}",
  "undefined",
  "NaN",
  "Infinity",
  "-",
  "01",
  "1.",
  ".5",
  "+1",
  "1e",
  "1e+",
  "0x10",
  "tru",
  "nul",
  "truex",
  "[true false]",
  '"abc',
  '"a\\x"',
  '"\\u12g4"',
  '"\\u12"',
  '"tab\there"',
  '"line\nbreak"',
  "1 2",
  '{"a":1}}',
  "[1]]",
  "\u00a0 1",
  "\ufeff1",
];

test("verdicts equal JSON.parse's on valid, invalid and edge-case texts", () => {
  for (const text of CASES) assert.equal(isJsonText(text), parses(text), JSON.stringify(text));
});

test("verdicts equal JSON.parse's on mutations of valid documents", () => {
  const base = [
    '{"id":12,"tags":["a","b\\n"],"nested":{"x":-1.5e3,"ok":true,"none":null}}',
    '[{"k":"v"},[1,2,[3]],"s",0,-0.25,false]',
  ];
  const alphabet = ' {}[]",:0123456789-+.eEtrufalsn\\u\t\nx';
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 20_000; round++) {
    let text = base[round % base.length]!;
    for (let edits = 1 + random(3); edits > 0; edits--) {
      const at = random(text.length + 1);
      const kind = random(3);
      const ch = alphabet[random(alphabet.length)]!;
      if (kind === 0) text = text.slice(0, at) + ch + text.slice(at);
      else if (kind === 1) text = text.slice(0, at) + text.slice(at + 1);
      else text = text.slice(0, at) + ch + text.slice(at + 1);
    }
    assert.equal(isJsonText(text), parses(text), JSON.stringify(text));
  }
});

test(`nesting up to ${MAX_JSON_DEPTH} levels is taken; deeper is refused rather than overflowing the stack`, () => {
  const nested = (n: number) => "[".repeat(n) + "]".repeat(n);
  assert.equal(isJsonText(nested(MAX_JSON_DEPTH)), true);
  assert.equal(isJsonText(nested(MAX_JSON_DEPTH + 1)), false);
  assert.equal(isJsonText(`${'{"a":'.repeat(MAX_JSON_DEPTH)}1${"}".repeat(MAX_JSON_DEPTH)}`), true);
  assert.equal(isJsonText("[".repeat(1_000_000)), false);
});
