/**
 * OBJECT column policies (cratedb.md §2.5): DYNAMIC objects grow typed sub-columns on first sight
 * of a key (listed in information_schema.columns as `col['key']`) and refuse later values of
 * another type; STRICT objects refuse unknown keys; IGNORED objects accept anything.
 */
import { BIGINT_MAX, BIGINT_MIN, bigintOutOfRange } from "./bigint-range.ts";
import type { SimColumn } from "./catalog.ts";
import { coerce } from "./coerce.ts";
import { parseError, rowLevel, SimError } from "./errors.ts";
import { JsonNumber, type JsonValue, stringifyJson } from "./json.ts";
import type { CrateType } from "./types.ts";

export interface SubColumn {
  readonly path: readonly string[];
  readonly type: CrateType;
}

const key = (path: readonly string[]) => path.join("\u0000");

function guess(v: JsonValue): CrateType | undefined {
  if (v === null) return undefined;
  if (typeof v === "string") return { base: "text" };
  if (typeof v === "boolean") return { base: "boolean" };
  if (v instanceof JsonNumber) return { base: v.integer ? "bigint" : "double precision" };
  if (Array.isArray(v)) {
    const inner = v.map(guess).find((x) => x !== undefined);
    return inner ? { base: "array", inner } : undefined;
  }
  return { base: "object", policy: "dynamic" };
}

/** Checks (and for DYNAMIC objects records) the keys of one value written to an object column. */
export function trackObject(c: SimColumn, value: JsonValue): void {
  if (c.type.base !== "object" || value === null) return;
  let obj: JsonValue = value;
  if (typeof obj === "string") {
    try {
      obj = JSON.parse(obj) as JsonValue;
    } catch {
      return;
    }
  }
  const policy = c.type.policy ?? "dynamic";
  if (policy === "ignored") return;
  c.subColumns ??= [];
  const known = new Map(c.subColumns.map((s) => [key(s.path), s]));
  const added: SubColumn[] = [];
  const walk = (o: JsonValue, path: string[]) => {
    if (o === null || typeof o !== "object" || Array.isArray(o) || o instanceof JsonNumber) return;
    for (const [k, x] of Object.entries(o)) {
      const p = [...path, k];
      const existing = known.get(key(p));
      // Sub-columns are indexed like top-level columns, BIGINT bounds included (bigint-range.ts).
      if ((existing?.type ?? guess(x))?.base === "bigint" && x instanceof JsonNumber && x.integer) {
        const n = BigInt(x.text);
        if (n === BigInt(BIGINT_MAX) || n === BigInt(BIGINT_MIN)) throw bigintOutOfRange(n.toString());
      }
      if (existing) {
        if (x !== null && existing.type.base !== "object") {
          try {
            coerce(x instanceof JsonNumber || typeof x !== "object" ? x : stringifyJson(x), existing.type);
          } catch {
            const shown = typeof x === "string" ? x : stringifyJson(x);
            throw rowLevel(
              parseError(
                `Cannot cast object element \`${k}\` with value \`${shown}\` to type \`${existing.type.base}\``,
              ),
            );
          }
        }
        walk(x, p);
        continue;
      }
      if (policy === "strict") {
        throw new SimError(
          4000,
          "SQLParseException",
          `Cannot add column \`${k}\` to strict object \`${[c.name, ...path].join(".")}\``,
        );
      }
      const type = guess(x);
      if (type === undefined) continue;
      const sub = { path: p, type };
      known.set(key(p), sub);
      added.push(sub);
      walk(x, p);
    }
  };
  walk(obj, []);
  c.subColumns.push(...added);
}

/** Sub-columns declared with `OBJECT … AS (…)`, nested ones included. */
export function declaredSubColumns(t: CrateType, path: readonly string[] = []): SubColumn[] {
  return (t.fields ?? []).flatMap((f) => [
    { path: [...path, f.name], type: f.type },
    ...declaredSubColumns(f.type, [...path, f.name]),
  ]);
}

/** `o['a']['b']`, the name information_schema gives a sub-column. */
export const subColumnName = (c: SimColumn, s: SubColumn) =>
  `${c.name}${s.path.map((p) => `['${p}']`).join("")}`;
