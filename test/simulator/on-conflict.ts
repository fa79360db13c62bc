/** `ON CONFLICT` with CrateDB's target rules (cratedb.md §4.3). */
import { column, type SimTable } from "./catalog.ts";
import { throwUnknownColumn } from "./dml-common.ts";
import { parseError, SimError, syntaxError } from "./errors.ts";
import { sqlIdent } from "./names.ts";
import { quoteIdent } from "./rewrite.ts";
import { closeParen, isPunct, isWord, splitTopLevel, type Tok } from "./tokens.ts";

/**
 * In `DO UPDATE SET c = c + 1` a bare `c` is the existing row; PG calls it ambiguous next to
 * `excluded`, so bare column names on the right-hand sides are qualified with the target alias.
 */
export function qualifyTargetColumns(set: readonly Tok[], table: SimTable, alias: string): Tok[] {
  const out: Tok[] = [];
  for (const asg of splitTopLevel(set)) {
    if (out.length > 0) out.push({ kind: "punct", text: ",", value: ",", pos: -1 });
    const eq = asg.findIndex((t) => t.kind === "op" && t.value === "=");
    asg.forEach((t, i) => {
      const bare =
        i > eq &&
        (t.kind === "word" || t.kind === "ident") &&
        column(table, t.value) !== undefined &&
        !isPunct(asg[i - 1], ".") &&
        !isPunct(asg[i + 1], ".") &&
        !isPunct(asg[i + 1], "(");
      if (bare) out.push({ kind: "raw", text: `${quoteIdent(alias)}.${t.text}`, value: t.value, pos: t.pos });
      else out.push(t);
    });
  }
  return out;
}

export type OnConflict = { kind: "none" } | { kind: "nothing" } | { kind: "update"; set: Tok[] };

export function parseOnConflict(table: SimTable, toks: readonly Tok[]): OnConflict {
  if (toks.length === 0) return { kind: "none" };
  if (!isWord(toks[1], "conflict")) throw syntaxError(`line 1:${toks[1]?.pos ?? 0}: mismatched input`);
  let i = 2;
  let target: string[] | undefined;
  if (isPunct(toks[i], "(")) {
    const close = closeParen(toks, i);
    target = splitTopLevel(toks.slice(i + 1, close)).map((p) => p[0]!.value);
    i = close + 1;
  }
  if (!isWord(toks[i], "do"))
    throw syntaxError(`line 1:${(toks[i]?.pos ?? 0) + 1}: mismatched input, expecting 'DO'`);
  if (isWord(toks[i + 1], "nothing")) {
    if (target) checkTarget(table, target);
    return { kind: "nothing" };
  }
  if (!isWord(toks[i + 1], "update") || !isWord(toks[i + 2], "set"))
    throw syntaxError("line 1:1: expecting DO UPDATE SET");
  if (!target) throw syntaxError("line 1:1: ON CONFLICT DO UPDATE requires a conflict target");
  checkTarget(table, target);
  const set = toks.slice(i + 3).filter((t) => !isPunct(t, ";"));
  if (set.length === 0) throw syntaxError("line 1:1: mismatched input '<EOF>' expecting identifier");
  for (const a of splitTopLevel(set)) {
    const n = a[0]!.value;
    if (table.pk.includes(n))
      throw new SimError(
        4003,
        "ColumnValidationException",
        `Validation failed for ${n}: Updating a primary key is not supported`,
      );
    if (table.clusteredBy === n)
      throw new SimError(
        4003,
        "ColumnValidationException",
        `Validation failed for ${n}: Updating a clustered-by column is not supported`,
      );
    if (!column(table, n)) throwUnknownColumn(n);
  }
  return { kind: "update", set };
}

/**
 * Lists print like Java lists (`[a, b]`), as on CrateDB 6.4.3: the conflict targets as the
 * expressions written (always quoted: `["a"]`), the key columns bare (`[My Key, b]`), a single
 * target quoted only where needed (`v`, `"My Col"`).
 */
function checkTarget(table: SimTable, target: readonly string[]): void {
  if (target.length !== table.pk.length) {
    throw parseError(
      `Number of conflict targets ([${target.map(quoteIdent).join(", ")}]) did not match the number of primary key columns ([${table.pk.join(", ")}])`,
    );
  }
  for (const t of target) {
    if (!table.pk.includes(t)) {
      throw parseError(
        `Conflict target (${sqlIdent(t)}) did not match the primary key columns ([${table.pk.join(", ")}])`,
      );
    }
  }
}
