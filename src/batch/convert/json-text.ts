/**
 * Whether a text is one JSON value (RFC 8259), checked without building it: JSON.parse allocates
 * every object, array and string of a value only for it to be dropped, and JSON columns hold the
 * text as written. Same verdicts as JSON.parse up to MAX_JSON_DEPTH levels of nesting
 * (test/batch/json-text.test.ts compares them).
 */

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

/** Nesting deeper than this is refused (JSON.parse would take it): the check recurses per level. */
export const MAX_JSON_DEPTH = 1_000;

export function isJsonText(text: string): boolean {
  const end = value(text, text.charCodeAt(0) > SPACE ? 0 : skipSpace(text, 0), 0);
  return end !== -1 && (text.charCodeAt(end) > SPACE ? end : skipSpace(text, end)) === text.length;
}

/**
 * Callers test the usual case — no whitespace at `i` — inline before calling: this call per token
 * was the scanner's largest self time in the WriteBatch profile.
 */
function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return i;
    i++;
  }
}

/** The index after the value starting at `i`, or -1 if there is none. */
function value(text: string, i: number, depth: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return string(text, i);
  if (c === OPEN_BRACE) return object(text, i, depth + 1);
  if (c === OPEN_BRACKET) return array(text, i, depth + 1);
  if (c === MINUS || (c >= ZERO && c <= NINE)) return number(text, i);
  if (text.startsWith("true", i)) return i + 4;
  if (text.startsWith("false", i)) return i + 5;
  if (text.startsWith("null", i)) return i + 4;
  return -1;
}

function object(text: string, i: number, depth: number): number {
  if (depth > MAX_JSON_DEPTH) return -1;
  i = text.charCodeAt(i + 1) > SPACE ? i + 1 : skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return -1;
    i = string(text, i);
    if (i === -1) return -1;
    i = text.charCodeAt(i) > SPACE ? i : skipSpace(text, i);
    if (text.charCodeAt(i) !== COLON) return -1;
    i = value(text, text.charCodeAt(i + 1) > SPACE ? i + 1 : skipSpace(text, i + 1), depth);
    if (i === -1) return -1;
    i = text.charCodeAt(i) > SPACE ? i : skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACE) return i + 1;
    if (c !== COMMA) return -1;
    i = text.charCodeAt(i + 1) > SPACE ? i + 1 : skipSpace(text, i + 1);
  }
}

function array(text: string, i: number, depth: number): number {
  if (depth > MAX_JSON_DEPTH) return -1;
  i = text.charCodeAt(i + 1) > SPACE ? i + 1 : skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return i + 1;
  for (;;) {
    i = value(text, i, depth);
    if (i === -1) return -1;
    i = text.charCodeAt(i) > SPACE ? i : skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACKET) return i + 1;
    if (c !== COMMA) return -1;
    i = text.charCodeAt(i + 1) > SPACE ? i + 1 : skipSpace(text, i + 1);
  }
}

/** A string from its opening quote: no raw control characters, only JSON's escapes. */
function string(text: string, i: number): number {
  i++;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      const e = text.charCodeAt(i + 1);
      if (e === 117 /* u */) {
        for (let k = i + 2; k < i + 6; k++) if (!isHex(text.charCodeAt(k))) return -1;
        i += 6;
        continue;
      }
      // " \ / b f n r t
      if (
        e !== QUOTE &&
        e !== BACKSLASH &&
        e !== 47 &&
        e !== 98 &&
        e !== 102 &&
        e !== 110 &&
        e !== 114 &&
        e !== 116
      )
        return -1;
      i += 2;
      continue;
    }
    if (!(c >= 0x20)) return -1; // a control character, or the end of the text (NaN)
    i++;
  }
}

const isHex = (c: number): boolean =>
  (c >= ZERO && c <= NINE) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?` */
function number(text: string, i: number): number {
  if (text.charCodeAt(i) === MINUS) i++;
  const first = text.charCodeAt(i);
  if (first === ZERO) i++;
  else if (first > ZERO && first <= NINE) i = digits(text, i + 1);
  else return -1;
  if (text.charCodeAt(i) === DOT) {
    const after = digits(text, i + 1);
    if (after === i + 1) return -1;
    i = after;
  }
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === PLUS || sign === MINUS) i++;
    const after = digits(text, i);
    if (after === i) return -1;
    i = after;
  }
  return i;
}

function digits(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    // Past the end charCodeAt is NaN, which no comparison holds for.
    if (!(c >= ZERO && c <= NINE)) return i;
    i++;
  }
}
