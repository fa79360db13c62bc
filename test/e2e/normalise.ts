/**
 * One comparable text per value and Fivetran type, whether the value is the tester's text (the
 * model's rows) or what CrateDB returns (numbers, epoch milliseconds, exact decimal strings).
 * Written from the type rules of fivetran-protocol.md §5 and the decided mapping, not from
 * the destination's converters.
 */
import type { ColumnDef } from "../../src/table-def.ts";

export type Value = string | null;

export function normalise(column: Pick<ColumnDef, "type" | "decimal">, value: unknown): Value {
  if (value === null || value === undefined) return null;
  const text = String(value);
  switch (column.type) {
    case "BOOLEAN":
      return String(text.toLowerCase() === "true");
    case "SHORT":
    case "INT":
    case "LONG":
      return BigInt(text).toString();
    case "FLOAT":
      return String(Math.fround(Number(text)));
    case "DOUBLE":
      return String(Number(text));
    case "DECIMAL": {
      const p = column.decimal?.precision ?? 38;
      return decimal(text, p > 38 ? undefined : (column.decimal?.scale ?? 10));
    }
    case "NAIVE_DATE":
    case "NAIVE_DATETIME":
    case "UTC_DATETIME":
      return instant(value, column.type !== "UTC_DATETIME");
    case "JSON":
      try {
        return JSON.stringify(JSON.parse(text));
      } catch {
        return text;
      }
    default:
      return text;
  }
}

/** ISO-8601 UTC at millisecond precision; naive values are wall clock read as UTC. */
function instant(value: unknown, naive: boolean): string {
  if (typeof value === "number" || typeof value === "bigint") return new Date(Number(value)).toISOString();
  const text = String(value);
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) return text;
  const ms = (m[3] ?? "").padEnd(3, "0").slice(0, 3);
  const zone = naive || m[4] === undefined ? "Z" : m[4];
  const parsed = Date.parse(`${m[1]}T${m[2] ?? "00:00:00"}.${ms}${zone}`);
  return Number.isNaN(parsed) ? text : new Date(parsed).toISOString();
}

/** Plain decimal text without exponent or trailing zeros, rounded half up to `scale` digits. */
export function decimal(text: string, scale: number | undefined): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) return text;
  const sign = m[1] === "-" ? -1n : 1n;
  const digits = (m[2] ?? "") + (m[3] ?? "");
  let exp = Number(m[4] ?? 0) - (m[3] ?? "").length; // value = digits × 10^exp
  let unscaled = BigInt(digits || "0");
  if (scale !== undefined && -exp > scale) {
    const drop = 10n ** BigInt(-exp - scale);
    unscaled = (unscaled + drop / 2n) / drop;
    exp = -scale;
  }
  let int = unscaled.toString();
  if (exp >= 0) int += "0".repeat(exp);
  let frac = "";
  if (exp < 0) {
    int = int.padStart(-exp + 1, "0");
    frac = int.slice(exp).replace(/0+$/, "");
    int = int.slice(0, exp);
  }
  const body = frac ? `${int}.${frac}` : int;
  return sign < 0n && /[1-9]/.test(body) ? `-${body}` : body;
}
