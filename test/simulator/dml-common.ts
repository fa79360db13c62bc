/** Pieces shared by INSERT, UPDATE and DELETE. */
import { blocked, column, fqn, type SimColumn, type SimTable } from "./catalog.ts";
import { operationNotAllowed, parseError, readDeleteOnlyBlock, rowLevel, SimError } from "./errors.ts";
import { closeParen, isName, isPunct, isWord, splitTopLevel, type Tok } from "./tokens.ts";

/** Writes are refused at analysis while a write block is set: 4007 (§0, §3.5). */
export function checkWritable(t: SimTable, op: "INSERT" | "UPDATE" | "DELETE"): void {
  if (blocked(t, "blocks.write", "blocks.read_only")) throw operationNotAllowed(fqn(t), op);
}

/**
 * `blocks.read_only_allow_delete` refuses INSERT and UPDATE when they reach the table, after
 * analysis: 4037; DELETE stays allowed (§0).
 */
export function checkInsertableOrUpdatable(t: SimTable): void {
  if (blocked(t, "blocks.read_only_allow_delete")) throw readDeleteOnlyBlock();
}

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

export const pkNullError = () => rowLevelError("A primary key value must not be NULL");

/** Runtime (shard-level) errors: skipped in multi-row inserts and reported per item in bulks. */
export function isRowLevel(e: unknown): e is SimError {
  return e instanceof SimError && e.rowLevel;
}

/**
 * True when `where` is an AND of `=` on every primary key column with plain values: the only shape
 * CrateDB plans as a real-time Get/UpdateById/DeleteById (cratedb.md §0). `pk IN (?, ?)` and
 * `pk = ANY(?)` are searches on CrateDB 6.4.3. OR-lists of key equalities are searches here too:
 * CrateDB's planner may turn them into multi-key Gets, which is unverified, and treating them as
 * searches is the stricter choice (they then need a REFRESH like any search).
 */
export function isPkLookup(t: SimTable, where: readonly Tok[], alias: string): boolean {
  if (t.pk.length === 0 || where.length === 0) return false;
  let toks = where;
  while (isPunct(toks[0], "(") && closeParen(toks, 0) === toks.length - 1) toks = toks.slice(1, -1);
  if (splitTopLevelWord(toks, "or").length > 1) return false;
  const seen = new Set<string>();
  for (const c of splitTopLevelWord(toks, "and")) {
    let conj = c;
    while (isPunct(conj[0], "(") && closeParen(conj, 0) === conj.length - 1) conj = conj.slice(1, -1);
    const name = eqColumn(conj, t, alias);
    if (name === undefined) return false;
    seen.add(name);
  }
  return seen.size === t.pk.length && t.pk.every((k) => seen.has(k));
}

function eqColumn(c: readonly Tok[], t: SimTable, alias: string): string | undefined {
  const eq = c.findIndex((x) => x.kind === "op" && x.value === "=");
  if (eq < 0) return undefined;
  const left = c.slice(0, eq);
  const right = c.slice(eq + 1);
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
    return s.length === 1 && isName(s[0]) && column(t, s[0]!.value) ? s[0]!.value : undefined;
  };
  const isValue = (side: readonly Tok[]) =>
    side.length === 1 &&
    (side[0]!.kind === "param" || side[0]!.kind === "string" || side[0]!.kind === "number");
  const l = colOf(left);
  if (l !== undefined && isValue(right)) return t.pk.includes(l) ? l : undefined;
  const r = colOf(right);
  if (r !== undefined && isValue(left)) return t.pk.includes(r) ? r : undefined;
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
