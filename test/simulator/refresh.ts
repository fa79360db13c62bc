/** REFRESH TABLE and OPTIMIZE TABLE (cratedb.md §4.6); see docs/simulator.md for the snapshot model. */
import { ROWID, type SimTable } from "./catalog.ts";
import { type Ctx, count, type StatementResult } from "./context.ts";
import { syntaxError, unsupported } from "./errors.ts";
import { quoteIdent, readName, resolveRelation } from "./rewrite.ts";
import { isPunct, isWord, splitTopLevel, type Tok } from "./tokens.ts";

const strip = (toks: readonly Tok[]) => (isPunct(toks[toks.length - 1], ";") ? toks.slice(0, -1) : [...toks]);

function tableAt(ctx: Ctx, toks: readonly Tok[], i: number, priv: "DDL" | "DQL") {
  const { parts } = readName(toks, i);
  const { schema, name } = resolveRelation(ctx, parts);
  ctx.privileges.require(ctx.session.user, priv, schema, name);
  return ctx.catalog.get(schema, name);
}

/** Copies the live rows into the snapshot: what `REFRESH TABLE` makes visible to searches. */
export async function refreshTable(ctx: Ctx, t: SimTable): Promise<void> {
  if (!t.dirty) return;
  const cols = [ROWID, ...t.columns.map((c) => quoteIdent(c.pg))].join(", ");
  await ctx.pg.exec(
    `DELETE FROM ${t.snap}; INSERT INTO ${t.snap} (${cols}) SELECT ${cols} FROM ${t.live}; ANALYZE ${t.snap}; ANALYZE ${t.live};`,
  );
  t.dirty = false;
}

export async function refresh(ctx: Ctx, all: readonly Tok[]): Promise<StatementResult> {
  const toks = strip(all);
  if (!isWord(toks[1], "table")) throw syntaxError("line 1:9: mismatched input, expecting 'TABLE'");
  const tables: SimTable[] = [];
  for (const part of splitTopLevel(toks.slice(2))) {
    if (part.some((t) => isWord(t, "partition")))
      throw unsupported("REFRESH of single partitions is not emulated");
    tables.push(tableAt(ctx, part, 0, "DQL"));
  }
  for (const t of tables) await refreshTable(ctx, t);
  return count(tables.length);
}

export async function optimize(ctx: Ctx, all: readonly Tok[]): Promise<StatementResult> {
  const toks = strip(all);
  const withAt = toks.findIndex((t) => isWord(t, "with"));
  const names = splitTopLevel(toks.slice(2, withAt < 0 ? toks.length : withAt));
  for (const part of names) tableAt(ctx, part, 0, "DDL");
  return count(names.length);
}
