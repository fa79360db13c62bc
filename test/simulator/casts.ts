/**
 * Routes casts of column values to timestamps through CrateDB-semantics functions
 * (pg-functions.ts). Casts of placeholders stay as they are: their arguments are already converted
 * the CrateDB way (param-types.ts, coerce.ts).
 */
import { closeParen, isName, isPunct, isWord, raw, type Tok } from "./tokens.ts";
import { type CrateType, parseType } from "./types.ts";

function timestampTarget(toks: readonly Tok[], i: number): { fn: string; next: number } | undefined {
  if (toks[i]?.kind !== "word" || !["timestamp", "timestamptz"].includes(toks[i]!.value)) return undefined;
  let parsed: { type: CrateType; next: number };
  try {
    parsed = parseType(toks, i);
  } catch {
    return undefined;
  }
  const fn = parsed.type.base === "timestamp with time zone" ? "sim.to_tstz" : "sim.to_ts";
  return { fn, next: parsed.next };
}

const punct = (p: string): Tok => ({ kind: "punct", text: p, value: p, pos: -1 });

export function rewriteTimestampCasts(toks: readonly Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    // CAST(expr AS TIMESTAMP …) → sim.to_tstz(expr)
    if (isWord(t, "cast", "try_cast") && isPunct(toks[i + 1], "(")) {
      const close = closeParen(toks, i + 1);
      let asAt = -1;
      let depth = 0;
      for (let j = i + 2; j < close; j++) {
        if (isPunct(toks[j], "(")) depth++;
        if (isPunct(toks[j], ")")) depth--;
        if (depth === 0 && isWord(toks[j], "as")) asAt = j;
      }
      const target = asAt > 0 ? timestampTarget(toks, asAt + 1) : undefined;
      const inner = toks.slice(i + 2, asAt);
      if (
        t.value === "cast" &&
        target &&
        target.next === close &&
        !(inner.length === 1 && inner[0]!.kind === "param")
      ) {
        out.push(raw(target.fn), punct("("), ...rewriteTimestampCasts(inner), punct(")"));
        i = close;
        continue;
      }
    }
    // col::TIMESTAMP … (qualified names too) → sim.to_tstz(col)
    if (t.kind === "op" && t.value === "::") {
      const target = timestampTarget(toks, i + 1);
      let start = out.length - 1;
      if (target && isName(out[start]) && out[start]!.kind !== "raw") {
        while (start >= 2 && isPunct(out[start - 1], ".") && isName(out[start - 2])) start -= 2;
        const operand = out.splice(start);
        out.push(raw(target.fn), punct("("), ...operand, punct(")"));
        i = target.next - 1;
        continue;
      }
    }
    out.push(t);
  }
  return out;
}
