/** Pieces shared by INSERT, UPDATE and DELETE. */
import { blocked, column, fqn, type SimColumn, type SimTable } from "./catalog.ts";
import { operationNotAllowed, parseError, readDeleteOnlyBlock, rowLevel, SimError } from "./errors.ts";
import { JsonNumber, type JsonValue } from "./json.ts";
import { closeParen, isName, isPunct, isWord, splitTopLevel, type Tok } from "./tokens.ts";

/** Writes are refused at analysis while a write block is set: 4007 (§0, §3.5). */
export function checkWritable(t: SimTable, op: "INSERT" | "UPDATE" | "DELETE"): void {
  if (blocked(t, "blocks.write", "blocks.read_only")) throw operationNotAllowed(fqn(t), op);
}

/**
 * `blocks.read_only_allow_delete` is not checked at analysis: every row that reaches the table
 * fails with 403/4037 (checked on CrateDB 6.4.3). Single-row INSERTs, statements by key and
 * searches that find rows fail (bulk items by search or INSERT get `-2`, a bulk by key fails
 * whole); multi-row VALUES and INSERT … SELECT skip every row (rowcount 0); searches that find
 * nothing answer 0. DELETE is refused like UPDATE, despite the block's name.
 */
export const readDeleteOnly = (t: SimTable): boolean => blocked(t, "blocks.read_only_allow_delete");

/** A row refused by `blocks.read_only_allow_delete`: a shard-level failure. */
export const readDeleteOnlyRow = () => rowLevel(readDeleteOnlyBlock());

/** TEXT values over 32766 UTF-8 bytes fail in indexed or column-stored columns (§2.4). */
export function checkTextLimit(c: SimColumn, value: string | null): void {
  if (value === null || (c.type.base !== "text" && c.type.base !== "character")) return;
  if (c.indexOff && !c.columnstore) return;
  if (value.length > 8191 && Buffer.byteLength(value) > 32766) {
    throw rowLevelError(
      `Document contains at least one immense term in field="${c.name}" (whose UTF8 encoding is longer than the max length 32766), all of which were skipped.  Please correct the analyzer to not produce such terms.`,
    );
  }
}

const rowLevelError = (text: string) => rowLevel(parseError(text));

/** A NULL key fails the whole statement, bulk included, with nothing applied (checked on CrateDB 6.4.3). */
export const pkNullError = () => parseError("A primary key value must not be NULL");

/** Runtime (shard-level) errors: skipped in multi-row inserts and reported per item in bulks. */
export function isRowLevel(e: unknown): e is SimError {
  return e instanceof SimError && e.rowLevel;
}

/**
 * True when CrateDB plans `where` as a real-time Get/UpdateById/DeleteById instead of a search
 * (checked on CrateDB 6.4.3): an OR of branches that each pin every primary key column with `=` on
 * a value (placeholder or literal) or with `IN`/`= ANY` on a list of literals. `pk IN (?, ?)` and
 * `pk = ANY(?)` are searches (CrateDB only extracts keys from literal arrays). A SELECT may add
 * other AND-ed conditions to a branch (they filter the fetched rows); for UPDATE and DELETE any
 * other condition makes it a search.
 */
export function isPkLookup(t: SimTable, where: readonly Tok[], alias: string, allowExtra = false): boolean {
  if (t.pk.length === 0 || where.length === 0) return false;
  return splitTopLevelWord(unwrap(where), "or").every((branch) => {
    const seen = new Set<string>();
    for (const c of splitTopLevelWord(unwrap(branch), "and")) {
      const name = keyColumn(unwrap(c), t, alias);
      if (name !== undefined) seen.add(name);
      else if (!allowExtra) return false;
    }
    return t.pk.every((k) => seen.has(k));
  });
}

/** Strips parentheses around a whole condition. */
function unwrap(toks: readonly Tok[]): readonly Tok[] {
  let out = toks;
  while (out.length > 1 && isPunct(out[0], "(") && closeParen(out, 0) === out.length - 1)
    out = out.slice(1, -1);
  return out;
}

const isLiteral = (side: readonly Tok[]) =>
  (side.length === 1 && (side[0]!.kind === "string" || side[0]!.kind === "number")) ||
  (side.length === 2 && side[0]!.kind === "op" && side[0]!.value === "-" && side[1]!.kind === "number");
const isValue = (side: readonly Tok[]) => isLiteral(side) || (side.length === 1 && side[0]!.kind === "param");

/** The key column a conjunct pins (`pk = v`, `v = pk`, `pk IN (literals)`, `pk = ANY([literals])`). */
function keyColumn(c: readonly Tok[], t: SimTable, alias: string): string | undefined {
  const colOf = (side: readonly Tok[]) => {
    let s = side;
    if (
      s.length === 3 &&
      isPunct(s[1], ".") &&
      isName(s[0]) &&
      (s[0]!.value === alias || s[0]!.value === t.name)
    ) {
      s = s.slice(2);
    }
    const name = s.length === 1 && isName(s[0]) && column(t, s[0]!.value) ? s[0]!.value : undefined;
    return name !== undefined && t.pk.includes(name) ? name : undefined;
  };
  const literalList = (open: number, close: number) =>
    close === c.length - 1 && splitTopLevel(c.slice(open + 1, close)).every(isLiteral);
  const inAt = c.findIndex((x) => isWord(x, "in"));
  if (inAt > 0 && isPunct(c[inAt + 1], "(")) {
    return literalList(inAt + 1, closeParen(c, inAt + 1)) ? colOf(c.slice(0, inAt)) : undefined;
  }
  const eq = c.findIndex((x) => x.kind === "op" && x.value === "=");
  if (eq < 0) return undefined;
  const left = c.slice(0, eq);
  const right = c.slice(eq + 1);
  if (isWord(right[0], "any") && isPunct(right[1], "(") && isPunct(right[2], "[")) {
    const close = closeParen(right, 2);
    const ok = closeParen(right, 1) === right.length - 1 && close === right.length - 2;
    return ok && splitTopLevel(right.slice(3, close)).every(isLiteral) ? colOf(left) : undefined;
  }
  if (isValue(right)) return colOf(left);
  if (isValue(left)) return colOf(right);
  return undefined;
}

export function splitTopLevelWord(toks: readonly Tok[], word: string): Tok[][] {
  const parts: Tok[][] = [[]];
  let depth = 0;
  let inBetween = false;
  for (const t of toks) {
    if (isPunct(t, "(")) depth++;
    if (isPunct(t, ")")) depth--;
    if (depth === 0 && isWord(t, "between")) inBetween = true;
    if (depth === 0 && isWord(t, word)) {
      if (word === "and" && inBetween) {
        inBetween = false;
      } else {
        parts.push([]);
        continue;
      }
    }
    parts[parts.length - 1]!.push(t);
  }
  return parts;
}

/** Parses `table [AS alias | alias]` target aliases. */
export function readAlias(
  toks: readonly Tok[],
  i: number,
  stop: readonly string[],
): { alias?: string; next: number } {
  if (isWord(toks[i], "as") && isName(toks[i + 1])) return { alias: toks[i + 1]!.value, next: i + 2 };
  const t = toks[i];
  if (isName(t) && !(t.kind === "word" && stop.includes(t.value))) return { alias: t.value, next: i + 1 };
  return { next: i };
}

/** `RETURNING *` expanded to the visible columns (never the hidden row id). */
export function expandStar(toks: readonly Tok[], t: SimTable, alias: string): Tok[] {
  const out: Tok[] = [];
  for (const part of splitTopLevel(toks)) {
    if (out.length > 0) out.push({ kind: "punct", text: ",", value: ",", pos: -1 });
    if (part.length === 1 && part[0]!.kind === "op" && part[0]!.value === "*") {
      t.columns.forEach((c, i) => {
        if (i > 0) out.push({ kind: "punct", text: ",", value: ",", pos: -1 });
        out.push({
          kind: "raw",
          text: `"${alias.replaceAll('"', '""')}"."${c.pg.replaceAll('"', '""')}"`,
          value: "",
          pos: -1,
        });
      });
    } else out.push(...part);
  }
  return out;
}

export function throwUnknownColumn(name: string): never {
  throw new SimError(4043, "ColumnUnknownException", `Column ${name} unknown`);
}

/**
 * The `_id` CrateDB names in `DocumentMissingException[[<id>]: document missing]` for a lookup
 * by key: the key's text for a one-column key, else the key texts in key order, each length-
 * prefixed after their count, in base64 (io.crate.analyze.Id; checked on CrateDB 6.4.3: `k = 'zz'
 * AND n = 5` → `AgJ6egE1`). Undefined when the condition is not one `pk = value` per key column.
 */
export function documentId(
  t: SimTable,
  where: readonly Tok[],
  alias: string,
  args: readonly JsonValue[],
): string | undefined {
  const values = new Map<string, string>();
  for (const c of splitTopLevelWord(unwrap(where), "and")) {
    const conjunct = unwrap(c);
    const name = keyColumn(conjunct, t, alias);
    const eq = conjunct.findIndex((x) => x.kind === "op" && x.value === "=");
    if (name === undefined || eq < 0) continue;
    const right = conjunct.slice(eq + 1);
    const side = isValue(right) ? right : conjunct.slice(0, eq);
    const text = keyText(column(t, name)?.type.base, sideValue(side, args));
    if (text !== undefined) values.set(name, text);
  }
  if (!t.pk.every((k) => values.has(k))) return undefined;
  if (t.pk.length === 1) return values.get(t.pk[0]!);
  const bytes: number[] = [];
  const vint = (n: number) => {
    for (; n >= 0x80; n >>>= 7) bytes.push((n & 0x7f) | 0x80);
    bytes.push(n);
  };
  vint(t.pk.length);
  for (const k of t.pk) {
    const utf8 = Buffer.from(values.get(k)!, "utf8");
    vint(utf8.length);
    bytes.push(...utf8);
  }
  return Buffer.from(bytes).toString("base64");
}

function sideValue(side: readonly Tok[], args: readonly JsonValue[]): JsonValue | undefined {
  if (side.length === 1 && side[0]!.kind === "param") return args[side[0]!.param!];
  if (side.length === 1 && side[0]!.kind === "string") return side[0]!.value;
  if (side.length === 1 && side[0]!.kind === "number") return new JsonNumber(side[0]!.text);
  if (side.length === 2 && side[1]!.kind === "number") return new JsonNumber(`-${side[1]!.text}`);
  return undefined;
}

/** A key value as CrateDB stores it in `_id`: text as is, numbers in decimal, timestamps in epoch ms. */
function keyText(base: string | undefined, value: JsonValue | undefined): string | undefined {
  if (value instanceof JsonNumber) return value.text;
  if (value === null || value === undefined || typeof value === "object") return undefined;
  if (base?.startsWith("timestamp") && typeof value === "string") {
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
    return Number.isNaN(ms) ? undefined : String(ms);
  }
  return String(value);
}
