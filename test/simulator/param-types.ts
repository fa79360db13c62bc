/**
 * The type a placeholder takes from its context, so arguments are cast the way CrateDB casts them
 * (cratedb.md §2): the column it is compared with or assigned to, a CAST target, `IN`, `BETWEEN`,
 * `= ANY`.
 */
import { column, type SimTable } from "./catalog.ts";
import { isName, isPunct, isWord, type Tok } from "./tokens.ts";
import { type CrateType, parseType } from "./types.ts";

const COMPARISON = new Set(["=", "<>", "!=", "<", ">", "<=", ">="]);

/** The column type a placeholder is compared with or assigned to, if any. */
export function paramContextType(
  toks: readonly Tok[],
  i: number,
  scope: readonly SimTable[],
): CrateType | undefined {
  const lookup = (t: Tok | undefined): CrateType | undefined => {
    if (!isName(t)) return undefined;
    for (const table of scope) {
      const c = column(table, t.value);
      if (c) return c.type;
    }
    return undefined;
  };
  const prev = toks[i - 1];
  const next = toks[i + 1];
  if (prev?.kind === "op" && COMPARISON.has(prev.value) && !isPunct(toks[i - 2], ")")) {
    const ty = lookup(toks[i - 2]);
    if (ty) return ty;
  }
  if (next?.kind === "op" && COMPARISON.has(next.value) && !isPunct(toks[i + 3], "(")) {
    const ty = lookup(toks[i + 2]);
    if (ty) return ty;
  }
  if (next?.kind === "op" && next.value === "::" && toks[i + 2]?.kind === "word") {
    return parseTypeSafe(toks, i + 2);
  }
  if (isWord(next, "as") && isWord(toks[i - 2], "cast") && isPunct(prev, "("))
    return parseTypeSafe(toks, i + 2);
  // `col BETWEEN ? AND ?`
  if (isWord(prev, "between")) return lookup(toks[i - 2]);
  if (isWord(prev, "and") && toks[i - 2]?.kind === "param" && isWord(toks[i - 3], "between"))
    return lookup(toks[i - 4]);
  // `col = ANY(?)`
  if (
    isPunct(prev, "(") &&
    isWord(toks[i - 2], "any", "all") &&
    toks[i - 3]?.kind === "op" &&
    isPunct(next, ")")
  ) {
    const ty = lookup(toks[i - 4]);
    if (ty) return { base: "array", inner: ty };
  }
  // `col IN (?, ?, …)`
  let j = i - 1;
  while (isPunct(toks[j], ",") && toks[j - 1]?.kind === "param") j -= 2;
  if (isPunct(toks[j], "(") && isWord(toks[j - 1], "in")) return lookup(toks[j - 2]);
  return undefined;
}

function parseTypeSafe(toks: readonly Tok[], i: number): CrateType | undefined {
  try {
    return parseType(toks, i).type;
  } catch {
    return undefined;
  }
}
