/**
 * JSON in and out of CrateDB without passing numbers through a lossy double (cratedb.md §1.4,
 * §9.4): BIGINT values beyond 2^53 and NUMERIC(38) digits arrive as plain JSON numbers.
 *
 * Parsing: integers outside ±(2^53−1) become `bigint`; other numbers whose value a double would
 * change become their exact source text. Serialising: `bigint` becomes an exact JSON integer,
 * and non-finite doubles become the strings CrateDB accepts for them ("NaN", "Infinity").
 */
import type { SqlValue } from "../sql-client.ts";

// Node 24 ships the JSON.parse source-text proposal (reviver context, JSON.rawJSON); the es2024
// lib typings predate it.
type Reviver = (key: string, value: unknown, context: { source?: string }) => unknown;
const parseWithContext = JSON.parse as (text: string, reviver: Reviver) => unknown;
const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/**
 * Parses a CrateDB response body. The reviver costs ~10× a plain JSON.parse, so it only runs
 * when a pre-scan finds a number that could be affected (bench/client-json.bench.ts: the scan adds
 * ~20 % to a plain parse).
 */
export function parseExactJson(text: string): unknown {
  if (!mayHoldInexactNumber(text)) return JSON.parse(text);
  return parseWithContext(text, (_key, value, context) =>
    typeof value === "number" && context.source !== undefined ? exactNumber(value, context.source) : value,
  );
}

const THREE_DIGIT_EXPONENT = /[eE][+-]?\d{3}/;

/**
 * Whether the text has 16+ digits/dots in a row (up to 15 significant digits always survive a
 * double) or a 3-digit exponent (overflow, subnormals). Matches inside strings only cost the
 * slower path. Probing every 16th character finds every such run: a run of 16 covers a probe.
 */
export function mayHoldInexactNumber(text: string): boolean {
  const n = text.length;
  let i = 15;
  while (i < n) {
    if (!isDigitOrDot(text.charCodeAt(i))) {
      i += 16;
      continue;
    }
    let start = i;
    while (start > 0 && isDigitOrDot(text.charCodeAt(start - 1))) start--;
    let end = i + 1;
    while (end < n && isDigitOrDot(text.charCodeAt(end))) end++;
    if (end - start >= 16) return true;
    i = end + 16;
  }
  return THREE_DIGIT_EXPONENT.test(text);
}

const isDigitOrDot = (c: number): boolean => (c >= 48 && c <= 57) || c === 46;

function exactNumber(value: number, source: string): number | bigint | string {
  if (source.length <= 15 && Number.isFinite(value) && !/[eE]/.test(source)) return value;
  if (/^-?\d+$/.test(source)) return Number.isSafeInteger(value) ? value : BigInt(source);
  if (!Number.isFinite(value)) return source;
  return sameDecimal(source, String(value)) ? value : source;
}

/** Whether two JSON number texts denote the same decimal value ("1.50" = "1.5" = "15e-1"). */
export function sameDecimal(a: string, b: string): boolean {
  const x = normalizeDecimal(a);
  const y = normalizeDecimal(b);
  return x.negative === y.negative && x.digits === y.digits && x.exponent === y.exponent;
}

function normalizeDecimal(text: string): { negative: boolean; digits: string; exponent: number } {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (match === null) return { negative: false, digits: text, exponent: Number.NaN };
  const intPart = match[2] ?? "";
  const fraction = match[3] ?? "";
  let digits = intPart + fraction;
  let exponent = Number(match[4] ?? 0) - fraction.length;
  const leading = /^0*/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(leading);
  const trailing = /0*$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  if (digits === "") return { negative: false, digits: "0", exponent: 0 };
  return { negative: match[1] === "-", digits, exponent };
}

/** JSON text of one value; exact for bigint, CrateDB's spelling for NaN and ±Infinity. */
export function stringifyExact(value: unknown): string {
  return needsReplacer(value) ? JSON.stringify(value, replacer) : JSON.stringify(value);
}

/** JSON text of one arg set (`[v1, v2, …]`). The common flat row takes the native fast path. */
export function stringifyRow(row: readonly SqlValue[]): string {
  for (const value of row) {
    if (needsReplacer(value)) return JSON.stringify(row, replacer);
  }
  return JSON.stringify(row);
}

/**
 * JSON text of many arg sets (`[[…],[…]]`) in one native call, which costs about half of
 * stringifying them one by one and joining (bench/micro: client-json).
 */
export function stringifyRows(rows: readonly (readonly SqlValue[])[]): string {
  for (const row of rows) {
    for (const value of row) if (needsReplacer(value)) return JSON.stringify(rows, replacer);
  }
  return JSON.stringify(rows);
}

function needsReplacer(value: unknown): boolean {
  switch (typeof value) {
    case "symbol":
    case "function":
    case "undefined":
      // JSON.stringify would quietly write null into an array (or drop the key); refused below.
      return true;
    case "bigint":
      return true;
    case "number":
      return !Number.isFinite(value);
    case "object":
      // Nested arrays/objects are rare in our rows; let the replacer walk them.
      return value !== null;
    default:
      return false;
  }
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return rawJSON(value.toString());
  if (typeof value === "symbol" || typeof value === "function" || value === undefined) {
    throw new TypeError(`a ${typeof value} is no SQL value and can't be sent to CrateDB`);
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  }
  return value;
}
