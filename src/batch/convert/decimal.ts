import { InvalidValue } from "../errors.ts";

/**
 * Exact decimal text handling, as string algorithms only: Fivetran's decimals may come from a
 * Java `double` (`1.2345678901234568E22`) and must never pass through a JS float.
 */

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,9}))?$/;

/** Longest plain expansion we build; anything longer is far outside every decimal type. */
const MAX_EXPANDED_DIGITS = 1000;

/**
 * Rewrites a decimal number, possibly in exponent form, as a plain decimal string with the
 * same exact value: `1.5E+3` → `1500`, `-12E-4` → `-0.0012`, `+.5` → `0.5`. Leading zeros of the
 * integral part are removed; fraction digits are kept as written (no rounding).
 */
export function plainDecimal(text: string): string {
  const m = DECIMAL_TEXT.exec(text);
  const intDigits = m?.[2] ?? "";
  const fracDigits = m?.[3] ?? "";
  if (m === null || intDigits.length + fracDigits.length === 0)
    throw new InvalidValue("not a decimal number");
  const negative = m[1] === "-";
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  let intPart: string;
  let fracPart: string;
  if (exponent === 0) {
    intPart = intDigits;
    fracPart = fracDigits;
  } else {
    const digits = intDigits + fracDigits;
    const point = intDigits.length + exponent; // position of the decimal point within `digits`
    if (point > MAX_EXPANDED_DIGITS || -point > MAX_EXPANDED_DIGITS) {
      throw new InvalidValue("decimal exponent out of range");
    }
    if (point <= 0) {
      intPart = "";
      fracPart = "0".repeat(-point) + digits;
    } else if (point >= digits.length) {
      intPart = digits + "0".repeat(point - digits.length);
      fracPart = "";
    } else {
      intPart = digits.slice(0, point);
      fracPart = digits.slice(point);
    }
  }
  let start = 0;
  while (start < intPart.length - 1 && intPart.charCodeAt(start) === 48) start++;
  intPart = start > 0 ? intPart.slice(start) : intPart;
  if (intPart === "") intPart = "0";
  const body = fracPart === "" ? intPart : `${intPart}.${fracPart}`;
  // "-0" and "-0.000" are zero; keep the sign only for non-zero values.
  return negative && /[1-9]/.test(body) ? `-${body}` : body;
}

/** Number of integral digits of a plain decimal string from `plainDecimal` (0 for `0.x`). */
export function integralDigits(plain: string): number {
  const start = plain.charCodeAt(0) === 45 ? 1 : 0;
  const point = plain.indexOf(".");
  const end = point === -1 ? plain.length : point;
  return end - start === 1 && plain.charCodeAt(start) === 48 ? 0 : end - start;
}

/**
 * Formats an unscaled integer with `scale` fraction digits: (12345n, 2) → `123.45`,
 * (-5n, 3) → `-0.005`. Used for Parquet decimals, which arrive as unscaled integers.
 */
export function scaledDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return (negative ? "-" : "") + digits + "0".repeat(-scale);
  const padded = digits.length <= scale ? "0".repeat(scale - digits.length + 1) + digits : digits;
  const point = padded.length - scale;
  return `${negative ? "-" : ""}${padded.slice(0, point)}.${padded.slice(point)}`;
}

/**
 * A plain decimal string from `plainDecimal` rounded to at most `scale` fraction digits, half away
 * from zero (Java's HALF_UP, what CrateDB's NUMERIC cast uses), without trailing fraction zeros:
 * (`1.2345`, 2) → `1.23`, (`-1.005`, 2) → `-1.01`, (`1.50`, 2) → `1.5`, (`7.00`, 2) → `7`. One text
 * per value makes equal keys compare equal however the file wrote them (`1.5`, `1.50`, `15E-1`),
 * and rounding here, once, keeps the stored value exact: CrateDB rounds to the precision first and
 * then to the scale, which can round twice.
 */
export function toScale(plain: string, scale: number): string {
  const negative = plain.charCodeAt(0) === 45;
  const point = plain.indexOf(".");
  const intPart = plain.slice(negative ? 1 : 0, point === -1 ? plain.length : point);
  const fracPart = point === -1 ? "" : plain.slice(point + 1);
  let unscaled = BigInt(intPart + fracPart.slice(0, scale).padEnd(scale, "0"));
  if (fracPart.charCodeAt(scale) >= 53) unscaled += 1n; // next digit ≥ '5'
  const scaled = scaledDecimal(negative && unscaled !== 0n ? -unscaled : unscaled, scale);
  return scale === 0 ? scaled : scaled.replace(/\.?0+$/, "");
}

/**
 * `toScale(plainDecimal(text), scale)` for the common shape `-?\d+(\.\d+)?` with no more
 * fraction digits than `scale` (nothing to round): the same text, found by one scan instead of a
 * regular expression and a BigInt. Undefined for every other shape.
 */
export function simpleToScale(text: string, scale: number): string | undefined {
  const len = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  const intStart = i;
  while (i < len && isDigit(text.charCodeAt(i))) i++;
  const intEnd = i;
  if (intEnd === intStart) return undefined;
  let fracEnd = intEnd;
  if (i < len) {
    if (text.charCodeAt(i) !== 46) return undefined;
    i++;
    while (i < len && isDigit(text.charCodeAt(i))) i++;
    if (i !== len || i === intEnd + 1 || i - intEnd - 1 > scale) return undefined;
    fracEnd = i;
    while (fracEnd > intEnd + 1 && text.charCodeAt(fracEnd - 1) === 48) fracEnd--;
    if (fracEnd === intEnd + 1) fracEnd = intEnd; // only zeros after the point
  }
  let first = intStart;
  while (first < intEnd - 1 && text.charCodeAt(first) === 48) first++;
  const body = text.slice(first, fracEnd);
  const zero = fracEnd === intEnd && intEnd - first === 1 && text.charCodeAt(first) === 48;
  return intStart === 1 && !zero ? `-${body}` : body;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
