import { InvalidValue } from "../errors.ts";

/**
 * Date and time text → epoch milliseconds, by integer arithmetic on the parsed fields (no
 * `Date` parsing: it varies in what it accepts and maps years 0–99 to 19xx). Sub-millisecond
 * digits are floored; naive values are taken as wall-clock time in UTC.
 */

const MS_PER_DAY = 86_400_000;

// Year: four digits, or Java's signed extended form (`+10000`, `-0001`).
const DATE = "([+-]\\d{4,6}|\\d{4})-(\\d{2})-(\\d{2})";
// Java's LocalTime/LocalDateTime text omits zero seconds (`10:15`); fractions have 1–9 digits.
const TIME = "(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?";
const DATE_ONLY = new RegExp(`^${DATE}$`);
const NAIVE_DATETIME = new RegExp(`^${DATE}(?:[Tt ]${TIME})?$`);
const ZONED_DATETIME = new RegExp(`^${DATE}(?:[Tt ]${TIME}(Z|z|[+-]\\d{2}(?::?\\d{2})?)?)?$`);
const TIME_ONLY = new RegExp(`^${TIME}$`);

/** Days from 1970-01-01 to the given proleptic Gregorian date (any year). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function dateMs(y: string, mo: string, d: string): number {
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new InvalidValue("not a valid calendar date");
  }
  return daysFromCivil(year, month, day) * MS_PER_DAY;
}

/** Milliseconds since midnight; `undefined` fields (no time part) mean midnight. */
function timeMs(
  h: string | undefined,
  mi: string | undefined,
  s: string | undefined,
  frac: string | undefined,
) {
  if (h === undefined) return 0;
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 59) throw new InvalidValue("not a valid time of day");
  const millis = frac === undefined ? 0 : Number(frac.length >= 3 ? frac.slice(0, 3) : frac.padEnd(3, "0"));
  return ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

/** Offset east of UTC in ms from `Z`, `+05:30`, `-0800`, `+01`. */
function offsetMs(zone: string | undefined): number {
  if (zone === undefined || zone === "Z" || zone === "z") return 0;
  const sign = zone.charCodeAt(0) === 45 ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 18 || minutes > 59) throw new InvalidValue("not a valid UTC offset");
  return sign * (hours * 60 + minutes) * 60_000;
}

/** `2007-12-03` → epoch ms of midnight UTC. */
export function naiveDateMs(text: string): number {
  if (text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
    const year = digitsAt(text, 0, 4);
    const month = digitsAt(text, 5, 2);
    const day = digitsAt(text, 8, 2);
    if (
      (year | month | day) >= 0 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= daysInMonth(year, month)
    ) {
      return daysFromCivil(year, month, day) * MS_PER_DAY;
    }
  }
  const m = DATE_ONLY.exec(text);
  if (m === null) throw new InvalidValue("not a date (YYYY-MM-DD)");
  return dateMs(m[1]!, m[2]!, m[3]!);
}

/** `2007-12-03T10:15:30.123456` (wall clock, no zone) → epoch ms as if it were UTC. */
export function naiveDateTimeMs(text: string): number {
  const fast = fastDateTimeMs(text, false);
  if (fast !== undefined) return fast;
  const m = NAIVE_DATETIME.exec(text);
  if (m === null) throw new InvalidValue("not a date-time without zone (YYYY-MM-DDTHH:MM:SS[.fraction])");
  return dateMs(m[1]!, m[2]!, m[3]!) + timeMs(m[4], m[5], m[6], m[7]);
}

/**
 * `2007-12-03T10:15:30.123Z`, `…+02:00` → epoch ms. A value without zone is read as UTC, since
 * the tester copies date strings verbatim from its input.
 */
export function utcDateTimeMs(text: string): number {
  const fast = fastDateTimeMs(text, true);
  if (fast !== undefined) return fast;
  const m = ZONED_DATETIME.exec(text);
  if (m === null) throw new InvalidValue("not a date-time (YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM))");
  return dateMs(m[1]!, m[2]!, m[3]!) + timeMs(m[4], m[5], m[6], m[7]) - offsetMs(m[8]);
}

/** Value of `count` ASCII digits at `at`, or -1 if any is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The common shape `YYYY-MM-DDTHH:MM:SS[.f{1,9}][Z]` read digit by digit (a quarter of the
 * regular-expression path's cost, measured). Anything else returns undefined and takes the
 * general path, which also produces the error.
 */
function fastDateTimeMs(text: string, zoned: boolean): number | undefined {
  const len = text.length;
  if (len < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84)
    return;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if ((year | month | day | hour | minute | second) < 0) return;
  let at = 19;
  let millis = 0;
  if (at < len && text.charCodeAt(at) === 46) {
    at++;
    const start = at;
    while (at < len && at - start < 10) {
      const d = text.charCodeAt(at) - 48;
      if (d < 0 || d > 9) break;
      if (at - start < 3) millis = millis * 10 + d;
      at++;
    }
    const digits = at - start;
    if (digits === 0 || digits > 9) return;
    if (digits < 3) millis *= digits === 1 ? 100 : 10;
  }
  if (zoned && at === len - 1 && text.charCodeAt(at) === 90) at++;
  if (at !== len) return;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return;
  if (hour > 23 || minute > 59 || second > 59) return;
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

/** Validates `HH:MM[:SS[.fraction]]`; the text itself is what gets stored. */
export function checkNaiveTime(text: string): string {
  const m = TIME_ONLY.exec(text);
  if (m === null) throw new InvalidValue("not a time of day (HH:MM:SS[.fraction])");
  timeMs(m[1], m[2], m[3], m[4]);
  return text;
}
