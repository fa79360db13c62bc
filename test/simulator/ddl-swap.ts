/** ALTER CLUSTER SWAP TABLE (cratedb.md §3.6). */
import { blocked, fqn } from "./catalog.ts";
import { type Ctx, count, type StatementResult } from "./context.ts";
import { operationNotAllowed, parseError, syntaxError } from "./errors.ts";
import type { JsonValue } from "./json.ts";
import { refreshTable } from "./refresh.ts";
import { readName, resolveRelation } from "./rewrite.ts";
import { parseSettings } from "./table-settings.ts";
import { isPunct, isWord, type Tok } from "./tokens.ts";

const strip = (toks: readonly Tok[]) => (isPunct(toks[toks.length - 1], ";") ? toks.slice(0, -1) : [...toks]);

export async function swapTable(
  ctx: Ctx,
  all: readonly Tok[],
  args: readonly JsonValue[],
): Promise<StatementResult> {
  const toks = strip(all);
  if (!isWord(toks[2], "swap") || !isWord(toks[3], "table")) {
    throw syntaxError(
      `line 1:15: mismatched input '${toks[2]?.text ?? "<EOF>"}' expecting {'REROUTE', 'SWAP', …}`,
    );
  }
  const a = readName(toks, 4);
  if (!isWord(toks[a.next], "to"))
    throw syntaxError(`line 1:${(toks[a.next]?.pos ?? 0) + 1}: mismatched input, expecting 'TO'`);
  const b = readName(toks, a.next + 1);
  let dropSource = false;
  if (isWord(toks[b.next], "with") && isPunct(toks[b.next + 1], "(")) {
    const { settings } = parseSettings(toks, b.next + 1, args);
    for (const [k, v] of settings) {
      if (k !== "drop_source")
        throw parseError(`Invalid option '${k}' provided, supported options: [drop_source]`);
      dropSource = v === true || v === "true";
    }
  } else if (b.next < toks.length) {
    throw syntaxError(
      `line 1:${toks[b.next]!.pos + 1}: mismatched input '${toks[b.next]!.text}' expecting <EOF>`,
    );
  }
  const ra = resolveRelation(ctx, a.parts);
  const rb = resolveRelation(ctx, b.parts);
  const user = ctx.session.user;
  if (!ctx.privileges.has(user, "AL")) {
    ctx.privileges.require(user, "DDL", ra.schema, ra.name);
    ctx.privileges.require(user, "DDL", rb.schema, rb.name);
  }
  const src = ctx.catalog.get(ra.schema, ra.name);
  const dst = ctx.catalog.get(rb.schema, rb.name);
  if (src === dst) throw parseError("Cannot swap a table with itself");
  // `blocks.read_only_allow_delete` does not stop a SWAP (§0): CrateDB checks only cluster-wide
  // blocks for it. Settings, blocks included, stay with the table data (the SimTable objects).
  for (const t of [src, dst]) {
    if (blocked(t, "blocks.write", "blocks.metadata", "blocks.read_only"))
      throw operationNotAllowed(fqn(t), "ALTER RENAME");
  }
  // CrateDB reopens the shards of both tables, which makes every write visible to searches.
  await refreshTable(ctx, src);
  await refreshTable(ctx, dst);
  // Names are catalogue entries, so the swap is atomic by construction.
  ctx.catalog.remove(src);
  ctx.catalog.remove(dst);
  const [ss, sn, ds, dn] = [src.schema, src.name, dst.schema, dst.name];
  src.schema = ds;
  src.name = dn;
  dst.schema = ss;
  dst.name = sn;
  ctx.catalog.add(src);
  if (dropSource) {
    await ctx.pg.exec(`DROP TABLE ${dst.live}; DROP TABLE ${dst.snap};`);
  } else ctx.catalog.add(dst);
  return count(1);
}
