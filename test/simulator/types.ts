/**
 * CrateDB column types (cratedb.md §2.1): parsing of type names and aliases from tokens, and the
 * PostgreSQL type, metadata strings and `col_types` ids that go with each.
 */
import { parseError, SimError, syntaxError, unsupported } from "./errors.ts";
import { isPunct, isWord, type Tok } from "./tokens.ts";

export type BaseType =
  | "boolean"
  | "smallint"
  | "integer"
  | "bigint"
  | "real"
  | "double precision"
  | "numeric"
  | "text"
  | "character"
  | "timestamp with time zone"
  | "timestamp without time zone"
  | "object"
  | "array"
  | "uuid"
  | "ip"
  | "bit"
  | "date"
  | "timetz"
  | "json";

export type ObjectPolicy = "dynamic" | "strict" | "ignored";

export interface CrateType {
  readonly base: BaseType;
  readonly precision?: number;
  readonly scale?: number;
  /** VARCHAR(n) / CHARACTER(n) / BIT(n). */
  readonly length?: number;
  readonly policy?: ObjectPolicy;
  readonly inner?: CrateType;
  /** Sub-columns declared with `OBJECT … AS (name type, …)`. */
  readonly fields?: readonly { readonly name: string; readonly type: CrateType }[];
}

const SIMPLE: Record<string, BaseType> = {
  boolean: "boolean",
  bool: "boolean",
  smallint: "smallint",
  short: "smallint",
  int2: "smallint",
  integer: "integer",
  int: "integer",
  int4: "integer",
  bigint: "bigint",
  long: "bigint",
  int8: "bigint",
  real: "real",
  float: "real",
  float4: "real",
  float8: "double precision",
  text: "text",
  string: "text",
  name: "text",
  timestamptz: "timestamp with time zone",
  uuid: "uuid",
  ip: "ip",
  date: "date",
  timetz: "timetz",
  json: "json",
};

export const TYPE_WORDS = new Set([
  ...Object.keys(SIMPLE),
  "double",
  "numeric",
  "decimal",
  "varchar",
  "character",
  "char",
  "timestamp",
  "object",
  "array",
  "time",
  "bit",
]);

function intArg(toks: readonly Tok[], i: number): number {
  const t = toks[i];
  if (t?.kind !== "number")
    throw syntaxError(`line 1:${(t?.pos ?? 0) + 1}: mismatched input '${t?.text ?? "<EOF>"}'`);
  return Number(t.value);
}

/** Parses a type starting at `i`; returns the type and the index after it. */
export function parseType(toks: readonly Tok[], start: number): { type: CrateType; next: number } {
  let i = start;
  const t = toks[i];
  if (t === undefined || t.kind !== "word") {
    throw syntaxError(`line 1:${(t?.pos ?? 0) + 1}: no viable alternative at input '${t?.text ?? "<EOF>"}'`);
  }
  let type: CrateType;
  const w = t.value;
  i++;
  if (w === "double") {
    if (isWord(toks[i], "precision")) i++;
    type = { base: "double precision" };
  } else if (w === "numeric" || w === "decimal") {
    if (isPunct(toks[i], "(")) {
      const precision = intArg(toks, i + 1);
      let scale = 0;
      i += 2;
      if (isPunct(toks[i], ",")) {
        scale = intArg(toks, i + 1);
        i += 2;
      }
      i++;
      type = { base: "numeric", precision, scale };
    } else type = { base: "numeric" };
  } else if (w === "varchar" || ((w === "character" || w === "char") && isWord(toks[i], "varying"))) {
    if (w !== "varchar") i++;
    if (isPunct(toks[i], "(")) {
      type = { base: "text", length: intArg(toks, i + 1) };
      i += 3;
    } else type = { base: "text" };
  } else if (w === "character" || w === "char") {
    if (isPunct(toks[i], "(")) {
      type = { base: "character", length: intArg(toks, i + 1) };
      i += 3;
    } else type = { base: "character", length: 1 };
  } else if (w === "bit") {
    if (isPunct(toks[i], "(")) {
      type = { base: "bit", length: intArg(toks, i + 1) };
      i += 3;
    } else type = { base: "bit", length: 1 };
  } else if (w === "timestamp" || w === "time") {
    let tz = false;
    if (isWord(toks[i], "with", "without") && isWord(toks[i + 1], "time") && isWord(toks[i + 2], "zone")) {
      tz = toks[i]!.value === "with";
      i += 3;
    }
    if (w === "time") {
      if (!tz) throw parseError("Cannot find data type: time");
      type = { base: "timetz" };
    } else type = { base: tz ? "timestamp with time zone" : "timestamp without time zone" };
  } else if (w === "object") {
    let policy: ObjectPolicy = "dynamic";
    if (isPunct(toks[i], "(")) {
      const p = toks[i + 1]?.value;
      if (p !== "dynamic" && p !== "strict" && p !== "ignored") throw syntaxError("Invalid object policy");
      policy = p;
      i += 3;
    }
    const fields: { name: string; type: CrateType }[] = [];
    if (isWord(toks[i], "as") && isPunct(toks[i + 1], "(")) {
      i += 2;
      while (!isPunct(toks[i], ")")) {
        const n = toks[i];
        if (n === undefined || (n.kind !== "word" && n.kind !== "ident")) {
          throw syntaxError(
            `line 1:${(n?.pos ?? 0) + 1}: mismatched input '${n?.text ?? "<EOF>"}' expecting identifier`,
          );
        }
        const sub = parseType(toks, i + 1);
        fields.push({ name: n.value, type: sub.type });
        i = sub.next;
        if (isPunct(toks[i], ",")) i++;
      }
      i++;
    }
    type = { base: "object", policy, ...(fields.length ? { fields } : {}) };
  } else if (w === "array") {
    if (!isPunct(toks[i], "(")) throw syntaxError(`line 1:${t.pos + 1}: mismatched input 'array'`);
    const inner = parseType(toks, i + 1);
    i = inner.next + 1;
    type = { base: "array", inner: inner.type };
  } else {
    const base = SIMPLE[w];
    if (base === undefined)
      throw new SimError(4000, "SQLParseException", `Cannot find data type: ${t.value}`);
    type = { base };
  }
  while (isPunct(toks[i], "[") && isPunct(toks[i + 1], "]")) {
    type = { base: "array", inner: type };
    i += 2;
  }
  return { type, next: i };
}

/** CREATE/ALTER must reject types that CrateDB cannot store (§2.1, §2.3). */
export function checkStorable(t: CrateType): void {
  if (t.base === "date") throw unsupported("Type `date` does not support storage");
  if (t.base === "timetz") throw unsupported("Type `time with time zone` does not support storage");
  if (t.base === "json") throw unsupported("Type `json` does not support storage");
  if (t.base === "numeric") {
    if (t.precision === undefined) {
      throw unsupported("NUMERIC storage is only supported if precision and scale are specified");
    }
    if (t.precision > 38) {
      throw unsupported(`Precision for NUMERIC(${t.precision}) is too large. Only up to 38 can be stored`);
    }
    if ((t.scale ?? 0) > t.precision)
      throw parseError("Scale of numeric must be less or equal the precision");
  }
  if (t.base === "array" && t.inner) checkStorable(t.inner);
}

export function pgType(t: CrateType): string {
  switch (t.base) {
    case "numeric":
      return t.precision === undefined ? "numeric" : `numeric(${t.precision},${t.scale ?? 0})`;
    case "text":
      return t.length === undefined ? "text" : `varchar(${t.length})`;
    case "character":
      return `char(${t.length ?? 1})`;
    case "timestamp with time zone":
      return "timestamptz(3)";
    case "timestamp without time zone":
      return "timestamp(3)";
    case "object":
      return "jsonb";
    case "array":
      return `${pgType(t.inner!)}[]`;
    case "ip":
      return "inet";
    case "bit":
      return `bit(${t.length ?? 1})`;
    case "date":
      return "date";
    case "timetz":
      return "timetz";
    case "json":
      return "json";
    default:
      return t.base;
  }
}

/** `information_schema.columns.data_type` (§2.1). */
export function dataTypeName(t: CrateType): string {
  if (t.base === "array") return `${dataTypeName(t.inner!)}_array`;
  if (t.base === "timetz") return "time with time zone";
  return t.base;
}

/** Type name in cast error messages, e.g. `integer`, `numeric(10,2)`. */
export function castTypeName(t: CrateType): string {
  if (t.base === "numeric" && t.precision !== undefined) return `numeric(${t.precision},${t.scale ?? 0})`;
  if (t.base === "text" && t.length !== undefined) return `character varying(${t.length})`;
  if (t.base === "array") return `${castTypeName(t.inner!)}_array`;
  return t.base;
}

/** DDL rendering as in SHOW CREATE TABLE (§5.4). */
export function ddlTypeName(t: CrateType): string {
  switch (t.base) {
    case "numeric":
      return t.precision === undefined ? "NUMERIC" : `NUMERIC(${t.precision}, ${t.scale ?? 0})`;
    case "text":
      return t.length === undefined ? "TEXT" : `VARCHAR(${t.length})`;
    case "character":
      return `CHARACTER(${t.length ?? 1})`;
    case "object": {
      const fields = t.fields
        ?.map((f) => `"${f.name.replaceAll('"', '""')}" ${ddlTypeName(f.type)}`)
        .join(", ");
      return `OBJECT(${(t.policy ?? "dynamic").toUpperCase()})${fields ? ` AS (${fields})` : ""}`;
    }
    case "array":
      return `ARRAY(${ddlTypeName(t.inner!)})`;
    case "bit":
      return `BIT(${t.length ?? 1})`;
    default:
      return t.base.toUpperCase();
  }
}

export const canBePrimaryKey = (t: CrateType): boolean => t.base !== "object" && t.base !== "array";
