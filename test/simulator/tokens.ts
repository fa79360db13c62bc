/**
 * A small SQL tokenizer: enough to recognise statement kinds, find placeholders, identifiers and
 * literals, and re-render rewritten token lists for PostgreSQL. Not a parser.
 */
import { syntaxError } from "./errors.ts";

export type TokKind = "word" | "ident" | "string" | "number" | "param" | "op" | "punct" | "raw";

export interface Tok {
  readonly kind: TokKind;
  /** Source text (or the replacement text for `raw`). */
  readonly text: string;
  /** Lower-cased for words, unescaped for quoted identifiers and strings. */
  readonly value: string;
  /** Argument index (0-based) for placeholders. */
  readonly param?: number;
  readonly pos: number;
}

const OPS = [
  "::",
  "<>",
  "!=",
  "<=",
  ">=",
  "||",
  "->>",
  "->",
  "~*",
  "!~*",
  "!~",
  "=",
  "<",
  ">",
  "+",
  "-",
  "*",
  "/",
  "%",
  "~",
  "^",
  "&",
  "|",
  "!",
];

export function tokenize(sql: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let nextQ = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "-" && sql[i + 1] === "-") {
      while (i < n && sql[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    const start = i;
    if (c === "'") {
      let v = "";
      i++;
      for (;;) {
        if (i >= n)
          throw syntaxError(`${where(sql, start)}: token recognition error at: '${sql.slice(start)}'`);
        if (sql[i] === "'") {
          if (sql[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += sql[i];
        i++;
      }
      out.push({ kind: "string", text: sql.slice(start, i), value: v, pos: start });
      continue;
    }
    if (c === '"') {
      let v = "";
      i++;
      for (;;) {
        if (i >= n)
          throw syntaxError(`${where(sql, start)}: token recognition error at: '${sql.slice(start)}'`);
        if (sql[i] === '"') {
          if (sql[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += sql[i];
        i++;
      }
      out.push({ kind: "ident", text: sql.slice(start, i), value: v, pos: start });
      continue;
    }
    if (c === "?") {
      i++;
      out.push({ kind: "param", text: "?", value: "?", param: nextQ++, pos: start });
      continue;
    }
    if (c === "$" && /\d/.test(sql[i + 1] ?? "")) {
      i++;
      while (i < n && /\d/.test(sql[i]!)) i++;
      const num = Number(sql.slice(start + 1, i));
      out.push({
        kind: "param",
        text: sql.slice(start, i),
        value: sql.slice(start, i),
        param: num - 1,
        pos: start,
      });
      continue;
    }
    if (/\d/.test(c) || (c === "." && /\d/.test(sql[i + 1] ?? ""))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(i, i + 400))!;
      i += m[0].length;
      out.push({ kind: "number", text: m[0], value: m[0], pos: start });
      continue;
    }
    if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      while (i < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[i]!)) i++;
      const text = sql.slice(start, i);
      out.push({ kind: "word", text, value: text.toLowerCase(), pos: start });
      continue;
    }
    if ("(),.;[]{}".includes(c)) {
      i++;
      out.push({ kind: "punct", text: c, value: c, pos: start });
      continue;
    }
    const op = OPS.find((o) => sql.startsWith(o, i));
    if (op) {
      i += op.length;
      out.push({ kind: "op", text: op, value: op, pos: start });
      continue;
    }
    throw syntaxError(`${where(sql, start)}: token recognition error at: '${c}'`);
  }
  return out;
}

/** `line L:C` as CrateDB's parser reports positions (1-based line, 1-based column). */
export function where(sql: string, pos: number): string {
  const before = sql.slice(0, pos);
  const line = before.split("\n").length;
  const col = pos - before.lastIndexOf("\n");
  return `line ${line}:${col}`;
}

export const raw = (text: string): Tok => ({ kind: "raw", text, value: text, pos: -1 });

/** Words after which `(` opens a group, not a call, so they keep their space. */
const SPACED_BEFORE_PAREN = new Set(
  "as in values on and or not where from join select by set with when then else returning using into table key over exists".split(
    " ",
  ),
);

export function render(toks: readonly Tok[]): string {
  let s = "";
  let prev: Tok | undefined;
  for (const t of toks) {
    const tight =
      prev === undefined ||
      [",", ")", "]", "."].includes(t.text) ||
      ["(", "[", "."].includes(prev.text) ||
      (prev.kind === "raw" && /[([]$/.test(prev.text)) ||
      (t.text === "(" &&
        (prev.kind === "raw" || (prev.kind === "word" && !SPACED_BEFORE_PAREN.has(prev.value))));
    s += tight ? t.text : ` ${t.text}`;
    prev = t;
  }
  return s;
}

export const isWord = (t: Tok | undefined, ...words: string[]): boolean =>
  t !== undefined && t.kind === "word" && words.includes(t.value);
export const isPunct = (t: Tok | undefined, p: string): boolean =>
  t !== undefined && t.kind === "punct" && t.value === p;
export const isName = (t: Tok | undefined): t is Tok =>
  t !== undefined && (t.kind === "word" || t.kind === "ident");

/** Index of the matching closing parenthesis for the `(` at `open`. */
export function closeParen(toks: readonly Tok[], open: number): number {
  let depth = 0;
  for (let i = open; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind !== "punct") continue;
    if (t.value === "(" || t.value === "[") depth++;
    else if (t.value === ")" || t.value === "]") {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw syntaxError("line 1:1: mismatched input '<EOF>' expecting ')'");
}

/** Splits a token range on top-level commas. */
export function splitTopLevel(toks: readonly Tok[], sep = ","): Tok[][] {
  const parts: Tok[][] = [[]];
  let depth = 0;
  for (const t of toks) {
    if (t.kind === "punct" && (t.value === "(" || t.value === "[")) depth++;
    if (t.kind === "punct" && (t.value === ")" || t.value === "]")) depth--;
    if (depth === 0 && t.kind === "punct" && t.value === sep) {
      parts.push([]);
      continue;
    }
    parts[parts.length - 1]!.push(t);
  }
  return parts;
}

/** Index of the first top-level word among `words` at or after `from`, or -1. */
export function findTopLevel(toks: readonly Tok[], from: number, ...words: string[]): number {
  let depth = 0;
  for (let i = from; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind === "punct" && (t.value === "(" || t.value === "[")) depth++;
    else if (t.kind === "punct" && (t.value === ")" || t.value === "]")) depth--;
    else if (depth === 0 && t.kind === "word" && words.includes(t.value)) return i;
  }
  return -1;
}
