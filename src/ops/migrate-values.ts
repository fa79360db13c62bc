/**
 * Migrate's string values (`default_value`, `value`, `operation_timestamp`) → what CrateDB's
 * `/_sql` takes for the column's type (docs/type-mapping.md, "Value sent to CrateDB"). The same
 * wire forms as batch rows: epoch milliseconds for timestamps (sub-ms floored, naive values taken
 * as UTC wall clock), exact decimal strings, NaN/±Infinity as strings, validated NAIVE_TIME and
 * JSON text. Errors name the column and type, never the value.
 */
import type { SqlValue } from "../cratedb/sql-client.ts";
import { DEFAULT_DECIMAL, MAX_NUMERIC_PRECISION } from "../cratedb/type-map.ts";
import { DestinationError } from "../errors.ts";
import type { ColumnDef } from "../table-def.ts";

export class MigrateValueError extends DestinationError {
  constructor(what: string, reason: string) {
    super("MIGRATE_BAD_VALUE", "user", `Migrate: the value for ${what} is ${reason}.`);
    this.name = "MigrateValueError";
  }
}

const INSTANT =
  /^([+-]?\d{4,6})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?$/;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;
const FLOATING = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const daysIn = (y: number, m: number): number =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

/**
 * An ISO-8601 date or date-time (offset optional, read as UTC when absent) → epoch ms, exact:
 * integer arithmetic on the fields, so `T − 1 ms` is exact too. Undefined when it isn't one.
 */
export function instantMs(text: string): number | undefined {
  const m = INSTANT.exec(text);
  if (m === null) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  let offset = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== "Z" && zone !== "z") {
    const digits = zone.slice(1).replace(":", "");
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
    offset = (zone.startsWith("-") ? -1 : 1) * minutes * 60_000;
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // also right for years 0–99, unlike Date.UTC
  return date.getTime() + ((hour * 60 + minute) * 60 + second) * 1000 + millis - offset;
}

/** `1.5E+3` → `1500`: exact decimal text without exponent, never through a float. */
function plainDecimal(text: string): string | undefined {
  const m = DECIMAL.exec(text);
  if (m === null || (m[2] ?? "") + (m[3] ?? "") === "") return undefined;
  const digits = (m[2] ?? "") + (m[3] ?? "");
  const point = (m[2] ?? "").length + Number(m[4] ?? 0);
  const padded = point <= 0 ? "0".repeat(1 - point) + digits : digits.padEnd(point, "0");
  const at = Math.max(point, 1);
  const integral = padded.slice(0, at).replace(/^0+(?=\d)/, "");
  const fraction = padded.slice(at);
  const body = fraction === "" ? integral : `${integral}.${fraction}`;
  return m[1] === "-" && /[1-9]/.test(body) ? `-${body}` : body;
}

const INT_RANGES = {
  SHORT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  LONG: [-(2n ** 63n), 2n ** 63n - 1n],
} as const;

/** The wire value of `text` for a column of this definition. */
export function columnValue(column: ColumnDef, text: string): SqlValue {
  const what = `column "${column.name}" (${column.type})`;
  const bad = (reason: string) => new MigrateValueError(what, reason);
  switch (column.type) {
    case "BOOLEAN": {
      const lower = text.toLowerCase();
      if (lower === "true" || lower === "false") return lower === "true";
      throw bad("not true or false");
    }
    case "SHORT":
    case "INT":
    case "LONG": {
      if (!INTEGER.test(text)) throw bad("not an integer");
      const n = BigInt(text);
      const [min, max] = INT_RANGES[column.type];
      if (n < min || n > max) throw bad("out of range");
      return Number.isSafeInteger(Number(n)) ? Number(n) : n;
    }
    case "DECIMAL": {
      const plain = plainDecimal(text);
      if (plain === undefined) throw bad("not a decimal number");
      const { precision, scale } = column.decimal ?? DEFAULT_DECIMAL;
      const integral = plain.replace(/^-/, "").split(".")[0] ?? "";
      if (precision <= MAX_NUMERIC_PRECISION && integral !== "0" && integral.length > precision - scale)
        throw bad(`out of range for DECIMAL(${precision}, ${scale})`);
      return plain;
    }
    case "FLOAT":
    case "DOUBLE": {
      if (text === "NaN" || text === "Infinity" || text === "-Infinity") return text;
      if (!FLOATING.test(text)) throw bad("not a number");
      const n = Number(text);
      return Number.isFinite(n) ? n : n > 0 ? "Infinity" : "-Infinity";
    }
    case "NAIVE_DATE":
    case "NAIVE_DATETIME":
    case "UTC_DATETIME": {
      const ms = instantMs(text);
      if (ms === undefined) throw bad("not an ISO-8601 date or timestamp");
      return ms;
    }
    case "NAIVE_TIME": {
      const m = TIME.exec(text);
      if (m === null || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59)
        throw bad("not a time of day (HH:MM:SS[.fraction])");
      return text;
    }
    case "JSON":
      try {
        JSON.parse(text);
      } catch {
        throw bad("not valid JSON");
      }
      return text;
    case "BINARY":
    case "STRING":
    case "XML":
    case "UNSPECIFIED":
      return text;
  }
}

/** `operation_timestamp` → epoch ms; a Task when it isn't an ISO-8601 instant. */
export function operationTimestampMs(text: string): number {
  const ms = instantMs(text);
  if (ms === undefined)
    throw new MigrateValueError(
      "operation_timestamp",
      "not an ISO-8601 timestamp (e.g. 2005-05-28T20:57:00Z)",
    );
  return ms;
}
