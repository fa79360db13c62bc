/** Column definitions in CREATE TABLE and ALTER TABLE ADD COLUMN (cratedb.md §3.2). */
import type { SimColumn } from "./catalog.ts";
import type { Ctx } from "./context.ts";
import { parseError, syntaxError, unsupported } from "./errors.ts";
import { checkColumnName, nameOf } from "./names.ts";
import { declaredSubColumns } from "./objects.ts";
import { type ParamSink, quoteIdent, translate } from "./rewrite.ts";
import { parseSettings } from "./table-settings.ts";
import { closeParen, isPunct, isWord, render, type Tok } from "./tokens.ts";
import { canBePrimaryKey, checkStorable, parseType, pgType } from "./types.ts";

interface ParsedColumn {
  col: SimColumn;
  pk: boolean;
  nullable: boolean;
  defaultToks?: Tok[];
  /** Column CHECK constraints: optional name and the expression tokens. */
  checks: { name?: string; toks: Tok[] }[];
}

/** Parses one column definition (shared with ALTER TABLE ADD COLUMN). */
export function parseColumnDef(
  ctx: Ctx,
  toks: readonly Tok[],
  pgName: (name: string) => string,
): ParsedColumn {
  const name = nameOf(toks[0]);
  checkColumnName(name, ctx.version);
  const { type, next } = parseType(toks, 1);
  checkStorable(type);
  const col: SimColumn = { name, pg: pgName(name), type, notNull: false, indexOff: false, columnstore: true };
  if (type.base === "object") col.subColumns = declaredSubColumns(type);
  let pk = false;
  let nullable = false;
  let defaultToks: Tok[] | undefined;
  const checks: { name?: string; toks: Tok[] }[] = [];
  let i = next;
  const stop = ["not", "null", "primary", "index", "storage", "check", "constraint", "generated"];
  while (i < toks.length) {
    const t = toks[i]!;
    if (isWord(t, "not") && isWord(toks[i + 1], "null")) {
      col.notNull = true;
      i += 2;
    } else if (isWord(t, "null")) {
      nullable = true;
      i++;
    } else if (isWord(t, "primary") && isWord(toks[i + 1], "key")) {
      pk = true;
      i += 2;
    } else if (isWord(t, "index") && isWord(toks[i + 1], "off")) {
      col.indexOff = true;
      i += 2;
    } else if (isWord(t, "index") && isWord(toks[i + 1], "using")) {
      i += 3;
      if (isWord(toks[i], "with") && isPunct(toks[i + 1], "(")) i = closeParen(toks, i + 1) + 1;
    } else if (isWord(t, "storage") && isWord(toks[i + 1], "with") && isPunct(toks[i + 2], "(")) {
      const { settings, next: n } = parseSettings(toks, i + 2, []);
      if (settings.get("columnstore") === false) col.columnstore = false;
      i = n;
    } else if (isWord(t, "default")) {
      let j = i + 1;
      while (j < toks.length && !(toks[j]!.kind === "word" && stop.includes(toks[j]!.value))) {
        if (isPunct(toks[j], "(")) j = closeParen(toks, j);
        j++;
      }
      defaultToks = toks.slice(i + 1, j);
      if (type.base === "object") throw parseError("Default values are not allowed for object columns");
      col.defaultExpr = defaultToks.map((x) => x.text).join(" ");
      i = j;
    } else if ((isWord(t, "check") || isWord(t, "constraint")) && checkAt(toks, i) !== undefined) {
      const c = checkAt(toks, i)!;
      checks.push(c.check);
      i = c.next;
    } else {
      throw syntaxError(`line 1:${t.pos + 1}: mismatched input '${t.text}' expecting {',', ')'}`);
    }
  }
  if (pk && !canBePrimaryKey(type)) {
    throw unsupported(
      `Cannot use columns of type "${type.base === "array" ? "array" : type.base}" as primary key`,
    );
  }
  return { col, pk, nullable, checks, ...(defaultToks ? { defaultToks } : {}) };
}

/** `[CONSTRAINT name] CHECK (expr)` at `i`. */
export function checkAt(
  toks: readonly Tok[],
  i: number,
): { check: { name?: string; toks: Tok[] }; next: number } | undefined {
  let j = i;
  let name: string | undefined;
  if (isWord(toks[j], "constraint")) {
    name = nameOf(toks[j + 1]);
    j += 2;
  }
  if (!isWord(toks[j], "check") || !isPunct(toks[j + 1], "(")) return undefined;
  const close = closeParen(toks, j + 1);
  return {
    check: { ...(name !== undefined ? { name } : {}), toks: toks.slice(j + 2, close) },
    next: close + 1,
  };
}

export function pgNameAllocator(existing: readonly SimColumn[]): (name: string) => string {
  let n = existing.length;
  return (name) => (Buffer.byteLength(name) <= 63 ? name : `c${++n}_${Buffer.byteLength(name)}`);
}

export function pgColumnDef(ctx: Ctx, c: SimColumn, defaultToks: Tok[] | undefined, sink: ParamSink): string {
  let s = `${quoteIdent(c.pg)} ${pgType(c.type)}`;
  if (defaultToks) {
    const d = translate(ctx, defaultToks, [], sink, { search: () => false });
    s += ` DEFAULT ${render(d)}`;
  }
  return s;
}
