/**
 * PostgreSQL result text → CrateDB JSON cell text (cratedb.md §8.2 "Output encoding"):
 * timestamps as epoch-ms integers, BIGINT/NUMERIC as exact number literals, jsonb as objects,
 * arrays as JSON arrays, booleans as JSON booleans.
 */
import { NUL_STAND_IN, parsePgTimestamp } from "./coerce.ts";
import { elementOid } from "./pg-oids.ts";

const NUMBER_OIDS = new Set([20, 21, 23, 26, 700, 701, 1700]);

export function cellJson(text: string | null, oid: number): string {
  if (text === null) return "null";
  if (oid === 16) return text === "t" ? "true" : "false";
  if (NUMBER_OIDS.has(oid)) {
    if (text === "NaN" || text === "Infinity" || text === "-Infinity") return JSON.stringify(text);
    return text;
  }
  if (oid === 1114 || oid === 1184) {
    const ms = parsePgTimestamp(text);
    return Number.isNaN(ms) ? JSON.stringify(text) : String(ms);
  }
  if (oid === 3802 || oid === 114) return text;
  const el = elementOid(oid);
  if (el !== undefined)
    return `[${parsePgArray(text)
      .map((x) => cellJson(x, el))
      .join(",")}]`;
  return JSON.stringify(text.includes(NUL_STAND_IN) ? text.replaceAll(NUL_STAND_IN, "\0") : text);
}

/** One-dimensional PG array literal → element texts (NULL → null). */
export function parsePgArray(text: string): (string | null)[] {
  const out: (string | null)[] = [];
  if (text === "{}") return out;
  let i = 1;
  while (i < text.length - 1) {
    if (text[i] === '"') {
      let v = "";
      i++;
      while (text[i] !== '"') {
        if (text[i] === "\\") i++;
        v += text[i];
        i++;
      }
      i++;
      out.push(v);
    } else {
      let j = i;
      while (j < text.length - 1 && text[j] !== ",") j++;
      const v = text.slice(i, j);
      out.push(v === "NULL" ? null : v);
      i = j;
    }
    if (text[i] === ",") i++;
  }
  return out;
}
