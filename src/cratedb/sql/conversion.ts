/**
 * How an existing column's values become another Fivetran type (docs/alter-table.md, "Type
 * changes"). CrateDB cannot change a column's type in place, so a conversion is an expression
 * used to copy values into a new column. Conversions that could lose data come with a `lossy`
 * predicate, true for values that would not survive; they are checked with a count before
 * anything changes, and a check that fails with a cast error counts as lossy too.
 */
import type { FivetranType } from "../../table-def.ts";
import type { CrateType } from "../type-map.ts";
import { castTypeSql } from "./column-type.ts";
import type { Sql } from "./ident.ts";

export interface TypedColumn {
  readonly type: FivetranType;
  readonly crate: CrateType;
}

/** A SQL boolean over the column expression `c`. */
export type Predicate = (c: string) => Sql;

export type Conversion =
  /** Same CrateDB type: only the type record changes (after the optional check). */
  | { readonly kind: "relabel"; readonly lossy?: Predicate }
  /** Values are copied through `expr` into a column of the new type. */
  | { readonly kind: "convert"; readonly expr: (c: string) => string; readonly lossy?: Predicate }
  | { readonly kind: "refused"; readonly reason: string };

const sql = (stmt: string, ...args: Sql["args"]): Sql => ({ stmt, args });
const text = (c: string): string => `CAST(${c} AS TEXT)`;

type Family = "int" | "numeric" | "float" | "boolean" | "timestamp" | "text";

function familyOf(t: TypedColumn): Family {
  switch (t.crate.dataType) {
    case "smallint":
    case "integer":
    case "bigint":
      return "int";
    case "numeric":
      return "numeric";
    case "real":
    case "double precision":
      return "float";
    case "boolean":
      return "boolean";
    case "timestamp with time zone":
    case "timestamp without time zone":
      return "timestamp";
    case "text":
      return "text";
  }
}

const INT_RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};
const INT_DIGITS: Readonly<Record<string, number>> = { smallint: 5, integer: 10, bigint: 19 };

const bound = (n: bigint): bigint | number => (Number.isSafeInteger(Number(n)) ? Number(n) : n);

/**
 * A whole-string pattern that means the same to CrateDB and PostgreSQL. CrateDB evaluates `~`
 * with Lucene's regex engine (where `^` and `$` are literal characters) unless the pattern uses a
 * Java-only escape such as `\A`, then with java.util.regex as a full match; PostgreSQL searches,
 * so it needs the anchors. `\A … \Z` selects Java on CrateDB and anchors on both.
 */
const anchored = (body: string): string => `\\A${body}\\Z`;

/** Decimal text with at most `p - s` integer digits and `s` significant fraction digits. */
function decimalPattern(precision: number, scale: number): string {
  const intDigits = precision - scale;
  const intPart = intDigits > 0 ? `(0|[1-9][0-9]{0,${intDigits - 1}})` : "0?";
  const fraction = scale > 0 ? `(\\.[0-9]{0,${scale}}0*)?` : "(\\.0*)?";
  return anchored(`-?${intPart}${fraction}`);
}

const NAIVE_TIME_PATTERN = anchored("[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?");
const BASE64_PATTERN = anchored("[A-Za-z0-9+/]*={0,2}");

const notMatching =
  (pattern: string, over: (c: string) => string = (c) => c): Predicate =>
  (c) =>
    sql(`${over(c)} !~ ?`, pattern);

function toText(from: TypedColumn, to: TypedColumn): Conversion {
  const conversion = toTextOf(from, to);
  // Same CrateDB type but an indexed column must become unindexed (long values ahead): copy.
  if (conversion.kind === "relabel" && from.crate.indexed === true && to.crate.indexed === false) {
    return { kind: "convert", expr: (c) => c, ...(conversion.lossy ? { lossy: conversion.lossy } : {}) };
  }
  return conversion;
}

function toTextOf(from: TypedColumn, to: TypedColumn): Conversion {
  const f = familyOf(from);
  if (to.type === "BINARY" || to.type === "NAIVE_TIME") {
    if (f !== "text") return { kind: "refused", reason: `${from.type} values have no ${to.type} form` };
    return {
      kind: "relabel",
      lossy: notMatching(to.type === "BINARY" ? BASE64_PATTERN : NAIVE_TIME_PATTERN),
    };
  }
  if (to.type === "DECIMAL") {
    // DECIMAL above 38 digits is stored as exact decimal text.
    const pattern = decimalPattern(to.crate.precision ?? 0, to.crate.scale ?? 0);
    if (f === "text") return { kind: "relabel", lossy: notMatching(pattern) };
    if (f === "int" || f === "numeric" || f === "float") {
      return { kind: "convert", expr: text, lossy: notMatching(pattern, text) };
    }
    return { kind: "refused", reason: `${from.type} values are not numbers` };
  }
  if (to.type === "JSON" && f === "timestamp") {
    return { kind: "refused", reason: "timestamps have no JSON text form" };
  }
  // STRING, XML, UNSPECIFIED and JSON take any value's text.
  return f === "text" ? { kind: "relabel" } : { kind: "convert", expr: text };
}

function toInteger(from: TypedColumn, to: TypedColumn): Conversion {
  const f = familyOf(from);
  const target = castTypeSql(to.crate);
  const [min, max] = INT_RANGE[to.crate.dataType] ?? [0n, 0n];
  if (f === "int") {
    const widening = (INT_DIGITS[from.crate.dataType] ?? 99) <= (INT_DIGITS[to.crate.dataType] ?? 0);
    return {
      kind: "convert",
      expr: (c) => `CAST(${c} AS ${target})`,
      ...(widening ? {} : { lossy: (c: string) => sql(`(${c} < ? OR ${c} > ?)`, bound(min), bound(max)) }),
    };
  }
  if (f === "boolean" || f === "timestamp")
    return { kind: "refused", reason: `${from.type} values are not numbers` };
  // Whole numbers only (a trailing ".0" is fine), within the target's range.
  const whole = anchored("-?[0-9]{1,19}(\\.0*)?");
  return {
    kind: "convert",
    expr: (c) => `CAST(CAST(${c} AS NUMERIC(38, 0)) AS ${target})`,
    lossy: (c) =>
      sql(
        `CASE WHEN ${text(c)} ~ ? THEN CAST(${c} AS NUMERIC(38, 0)) < ? OR CAST(${c} AS NUMERIC(38, 0)) > ? ELSE TRUE END`,
        whole,
        bound(min),
        bound(max),
      ),
  };
}

function toNumeric(from: TypedColumn, to: TypedColumn): Conversion {
  const f = familyOf(from);
  if (f === "boolean" || f === "timestamp")
    return { kind: "refused", reason: `${from.type} values are not numbers` };
  const p = to.crate.precision ?? 38;
  const s = to.crate.scale ?? 0;
  const expr = (c: string): string => `CAST(${c} AS NUMERIC(${p}, ${s}))`;
  if (f === "int" && (INT_DIGITS[from.crate.dataType] ?? 99) <= p - s) return { kind: "convert", expr };
  if (f === "numeric" && from.crate.scale !== undefined) {
    const fp = from.crate.precision ?? 38;
    const fs = from.crate.scale;
    if (s >= fs && p - s >= fp - fs) return { kind: "convert", expr };
  }
  return { kind: "convert", expr, lossy: notMatching(decimalPattern(p, s), text) };
}

function toFloat(from: TypedColumn, to: TypedColumn): Conversion {
  const f = familyOf(from);
  if (f === "boolean" || f === "timestamp")
    return { kind: "refused", reason: `${from.type} values are not numbers` };
  const target = castTypeSql(to.crate);
  const expr = (c: string): string => `CAST(${c} AS ${target})`;
  const double = to.crate.dataType === "double precision";
  if (f === "float") {
    // REAL → DOUBLE: via text, so 10.12 stays 10.12 instead of becoming 10.119999885559082.
    if (double) return { kind: "convert", expr: (c) => `CAST(${text(c)} AS ${target})` };
    // DOUBLE → REAL: lossless when the value reads the same in both precisions.
    return { kind: "convert", expr, lossy: (c) => sql(`${text(expr(c))} <> ${text(c)}`) };
  }
  if (f === "int") {
    if (from.crate.dataType === "smallint" || (double && from.crate.dataType === "integer")) {
      return { kind: "convert", expr };
    }
    return { kind: "convert", expr, lossy: (c) => sql(`CAST(${expr(c)} AS NUMERIC(38, 0)) <> ${c}`) };
  }
  if (f === "numeric") {
    const back = `NUMERIC(${from.crate.precision ?? 38}, ${from.crate.scale ?? 0})`;
    return { kind: "convert", expr, lossy: (c) => sql(`CAST(${expr(c)} AS ${back}) <> ${c}`) };
  }
  return { kind: "convert", expr, lossy: (c) => sql(`${text(expr(c))} <> ${c}`) };
}

function toBoolean(from: TypedColumn): Conversion {
  if (familyOf(from) !== "text") return { kind: "refused", reason: `${from.type} values are not booleans` };
  return {
    kind: "convert",
    expr: (c) => `CAST(${c} AS BOOLEAN)`,
    lossy: (c) => sql(`lower(${c}) NOT IN ('true', 'false')`),
  };
}

function toTimestamp(from: TypedColumn, to: TypedColumn): Conversion {
  const f = familyOf(from);
  const target = castTypeSql(to.crate);
  const expr = (c: string): string => `CAST(${c} AS ${target})`;
  // NAIVE_DATE holds midnights only.
  const notMidnight: Predicate | undefined =
    to.type === "NAIVE_DATE" ? (c) => sql(`date_trunc('day', ${expr(c)}) <> ${expr(c)}`) : undefined;
  if (f === "timestamp") {
    if (from.crate.dataType === to.crate.dataType) {
      return notMidnight ? { kind: "relabel", lossy: notMidnight } : { kind: "relabel" };
    }
    return notMidnight ? { kind: "convert", expr, lossy: notMidnight } : { kind: "convert", expr };
  }
  if (f === "text" && from.type !== "NAIVE_TIME" && from.type !== "BINARY") {
    // A value that doesn't parse makes the check's cast fail, which refuses the change.
    return { kind: "convert", expr, lossy: notMidnight ?? ((c) => sql(`${expr(c)} IS NULL`)) };
  }
  return { kind: "refused", reason: `${from.type} values are not timestamps` };
}

/** The conversion of a column from one Fivetran type to another (the types differ). */
export function conversionFor(from: TypedColumn, to: TypedColumn): Conversion {
  const f = familyOf(to);
  if (f !== "text" && f !== "timestamp" && castTypeSql(from.crate) === castTypeSql(to.crate))
    return { kind: "relabel" };
  switch (to.crate.dataType) {
    case "text":
      return toText(from, to);
    case "smallint":
    case "integer":
    case "bigint":
      return toInteger(from, to);
    case "numeric":
      return toNumeric(from, to);
    case "real":
    case "double precision":
      return toFloat(from, to);
    case "boolean":
      return toBoolean(from);
    case "timestamp with time zone":
    case "timestamp without time zone":
      return toTimestamp(from, to);
  }
}
