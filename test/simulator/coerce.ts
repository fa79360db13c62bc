/**
 * Converts request argument values to the PostgreSQL text form of a CrateDB column type, the way
 * CrateDB casts them (cratedb.md §2): epoch-ms and float-seconds timestamps floored to the
 * millisecond, boolean strings, exact NUMERIC with HALF_UP rounding, objects from JSON strings.
 */
import { castError, invalidColumnName, parseError } from "./errors.ts";
import { JsonNumber, type JsonValue, stringifyJson } from "./json.ts";
import { type CrateType, castTypeName } from "./types.ts";

/**
 * PG text cannot hold NUL, CrateDB text can: NUL is stored as U+10FFFF (a noncharacter no real
 * data uses) and turned back on output (output.ts).
 */
export const NUL_STAND_IN = "\u{10FFFF}";
export const escapeNul = (s: string) => (s.includes("\0") ? s.replaceAll("\0", NUL_STAND_IN) : s);

const TRUE = new Set(["t", "true", "y", "yes", "on", "1"]);
const FALSE = new Set(["f", "false", "n", "no", "off", "0"]);

const INT_RANGE: Record<string, [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};

function shown(v: JsonValue): string {
  if (typeof v === "string") return v;
  if (v instanceof JsonNumber) return v.text;
  return stringifyJson(v);
}

/** Returns the PG text parameter for `v` as a value of `type`, or null. Throws a 4000 cast error. */
export function coerce(v: JsonValue, type: CrateType): string | null {
  if (v === null) return null;
  const fail = () => castError(shown(v), castTypeName(type));
  switch (type.base) {
    case "boolean": {
      if (typeof v === "boolean") return v ? "true" : "false";
      if (typeof v === "string") {
        const s = v.trim().toLowerCase();
        if (TRUE.has(s)) return "true";
        if (FALSE.has(s)) return "false";
      }
      if (v instanceof JsonNumber) return Number(v.text) !== 0 ? "true" : "false";
      throw fail();
    }
    case "smallint":
    case "integer":
    case "bigint": {
      let text: string | undefined;
      if (v instanceof JsonNumber) {
        if (v.integer) text = v.text;
        else {
          const d = Number(v.text);
          if (Number.isInteger(d)) text = BigInt(d).toString();
        }
      } else if (typeof v === "string" && /^\s*[+-]?\d+\s*$/.test(v)) text = v.trim().replace(/^\+/, "");
      if (text === undefined) throw fail();
      const n = BigInt(text);
      const [lo, hi] = INT_RANGE[type.base]!;
      if (n < lo || n > hi) throw fail();
      return n.toString();
    }
    case "real":
    case "double precision": {
      if (v instanceof JsonNumber) return v.text;
      if (typeof v === "string") {
        const s = v.trim();
        if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return s;
        if (s === "NaN" || s === "Infinity" || s === "-Infinity") return s;
      }
      throw fail();
    }
    case "numeric": {
      let text: string | undefined;
      if (v instanceof JsonNumber) text = v.integer ? v.text : String(Number(v.text));
      else if (typeof v === "string" && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v))
        text = v.trim();
      if (text === undefined) throw fail();
      return type.precision === undefined ? text : fitNumeric(text, type.precision, type.scale ?? 0);
    }
    case "text":
    case "character": {
      let s: string;
      if (typeof v === "string") s = v;
      else if (v instanceof JsonNumber) s = v.text;
      else if (typeof v === "boolean") s = v ? "t" : "f";
      else if (Array.isArray(v)) throw fail();
      else s = stringifyJson(v);
      if (type.length !== undefined) {
        const chars = [...s];
        if (chars.length > type.length) {
          if (chars.slice(type.length).every((c) => c === " ")) return chars.slice(0, type.length).join("");
          throw parseError(`'${s}' is too long for the text type of length: ${type.length}`);
        }
      }
      return escapeNul(s);
    }
    case "timestamp with time zone":
    case "timestamp without time zone":
      return formatPgTimestamp(toEpochMs(v, type.base === "timestamp with time zone", fail));
    case "object": {
      let obj: JsonValue = v;
      if (typeof v === "string") {
        try {
          obj = JSON.parse(v) as JsonValue;
        } catch {
          throw fail();
        }
      }
      if (obj === null || typeof obj !== "object" || Array.isArray(obj) || obj instanceof JsonNumber)
        throw fail();
      // DYNAMIC objects refuse keys that cannot be column names; IGNORED objects take any key, and
      // STRICT ones refuse undeclared keys anyway (objects.ts) (checked on CrateDB 6.4.3).
      if ((type.policy ?? "dynamic") === "dynamic") checkObjectKeys(obj);
      return typeof v === "string" ? v : stringifyJson(v);
    }
    case "array": {
      if (!Array.isArray(v)) throw fail();
      const inner = type.inner!;
      const items = v.map((x) => {
        const c = coerce(x, inner);
        return c === null ? "NULL" : `"${c.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
      });
      return `{${items.join(",")}}`;
    }
    default:
      if (typeof v === "string") return v;
      throw fail();
  }
}

function checkObjectKeys(obj: JsonValue): void {
  if (obj === null || typeof obj !== "object" || obj instanceof JsonNumber) return;
  if (Array.isArray(obj)) {
    for (const x of obj) checkObjectKeys(x);
    return;
  }
  for (const [k, x] of Object.entries(obj)) {
    if (k.includes(".")) throw invalidColumnName(`"${k}" contains a dot`);
    if (k.includes("["))
      throw invalidColumnName(`"${k}" conflicts with subscript pattern, square brackets are not allowed`);
    checkObjectKeys(x);
  }
}

/** Expands exponents and rounds HALF_UP to `scale`; rejects values with too many integral digits. */
export function fitNumeric(text: string, precision: number, scale: number): string {
  let s = text.trim();
  let neg = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    neg = s.startsWith("-");
    s = s.slice(1);
  }
  let exp = 0;
  const e = s.search(/[eE]/);
  if (e >= 0) {
    exp = Number(s.slice(e + 1));
    s = s.slice(0, e);
  }
  let [int = "", frac = ""] = s.split(".");
  if (exp > 0) {
    const take = frac.padEnd(exp, "0");
    int += take.slice(0, exp);
    frac = take.slice(exp);
  } else if (exp < 0) {
    const pad = int.padStart(-exp + 1, "0");
    frac = pad.slice(pad.length + exp) + frac;
    int = pad.slice(0, pad.length + exp);
  }
  int = int.replace(/^0+/, "");
  let digits = BigInt((int || "0") + frac.padEnd(scale, "0").slice(0, scale));
  if (frac.length > scale && Number(frac[scale]) >= 5) digits += 1n;
  const all = digits.toString().padStart(scale + 1, "0");
  const intPart = all.slice(0, all.length - scale);
  if (intPart.replace(/^0+/, "").length > precision - scale) {
    throw parseError(`Cannot cast '${text}' to numeric(${precision},${scale}) as it looses precision`);
  }
  const out = scale > 0 ? `${intPart}.${all.slice(all.length - scale)}` : intPart;
  return neg && digits !== 0n ? `-${out}` : out;
}

const ISO =
  /^([+-]?\d{4,9})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Epoch milliseconds of a CrateDB timestamp argument (§2.2). */
export function toEpochMs(v: JsonValue, withTz: boolean, fail: () => Error): number {
  if (v instanceof JsonNumber) {
    const d = Number(v.text);
    // JSON fractions are epoch seconds (cratedb.md §2.2, §9.4).
    return v.integer ? d : Math.floor(d * 1000);
  }
  if (typeof v !== "string") throw fail();
  const s = v.trim();
  if (/^[+-]?\d+$/.test(s)) return Number(s);
  const m = ISO.exec(s);
  if (!m) throw fail();
  const [, y, mo, d, h = "0", mi = "0", sec = "0", frac = "", off] = m;
  const month = Number(mo);
  const day = Number(d);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(sec) > 59
  ) {
    throw fail();
  }
  const date = new Date(0);
  date.setUTCFullYear(Number(y), month - 1, day);
  if (date.getUTCMonth() !== month - 1) throw fail();
  date.setUTCHours(Number(h), Number(mi), Number(sec), Number(frac.padEnd(3, "0").slice(0, 3)));
  let ms = date.getTime();
  if (withTz && off && off.toUpperCase() !== "Z") {
    const sign = off.startsWith("-") ? -1 : 1;
    const digits = off.slice(1).replace(":", "");
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0")) * 60_000;
  }
  return ms;
}

/** PG input text for an epoch-ms instant (UTC wall clock); years ≤ 0 use PG's BC notation. */
export function formatPgTimestamp(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw parseError(`Timestamp out of range: ${ms}`);
  const y = d.getUTCFullYear();
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const body = `${p(y > 0 ? y : 1 - y, 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
  return y > 0 ? `${body}+00` : `${body}+00 BC`;
}

/** Epoch ms of PG's timestamp output (`2024-01-01 00:00:00.123[+00][ BC]`). */
export function parsePgTimestamp(text: string): number {
  const m =
    /^(\d+)-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([+-]\d{2}(?::?\d{2})?(?::\d{2})?)?( BC)?$/.exec(
      text,
    );
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s, frac = "", off, bc] = m;
  const date = new Date(0);
  const year = bc ? 1 - Number(y) : Number(y);
  date.setUTCFullYear(year, Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), Number(frac.padEnd(3, "0").slice(0, 3)));
  let ms = date.getTime();
  if (off) {
    const sign = off.startsWith("-") ? -1 : 1;
    const parts = off.slice(1).split(":");
    ms -= sign * (Number(parts[0]) * 60 + Number(parts[1] ?? "0")) * 60_000;
  }
  return ms;
}
