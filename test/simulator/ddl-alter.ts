/**
 * ALTER TABLE, ALTER CLUSTER SWAP TABLE, REFRESH and OPTIMIZE (cratedb.md §3.5, §3.6, §4.6).
 * Every schema change is applied to the live table and its snapshot alike.
 */
import { bigintRangeChecks } from "./bigint-range.ts";
import { blocked, column, DEFAULT_SETTINGS, fqn, type SimTable } from "./catalog.ts";
import { parseColumnDef, pgColumnDef, pgNameAllocator } from "./column-defs.ts";
import type { Ctx, StatementResult } from "./context.ts";
import { count } from "./context.ts";
import { throwUnknownColumn } from "./dml-common.ts";
import { operationNotAllowed, parseError, relationExists, syntaxError, unsupported } from "./errors.ts";
import type { JsonValue } from "./json.ts";
import { checkColumnName, checkRelationName, nameOf, SYSTEM_COLUMNS } from "./names.ts";
import { refreshTable } from "./refresh.ts";
import { ParamSink, quoteIdent, readName, resolveRelation, translate } from "./rewrite.ts";
import { checkTableSetting, normaliseSetting, parseSettings } from "./table-settings.ts";
import { closeParen, isPunct, isWord, render, splitTopLevel, type Tok } from "./tokens.ts";
import { pgType } from "./types.ts";

const strip = (toks: readonly Tok[]) => (isPunct(toks[toks.length - 1], ";") ? toks.slice(0, -1) : [...toks]);

function tableAt(ctx: Ctx, toks: readonly Tok[], i: number, priv: "DDL" | "DQL") {
  const { parts, next } = readName(toks, i);
  const { schema, name } = resolveRelation(ctx, parts);
  ctx.privileges.require(ctx.session.user, priv, schema, name);
  return { table: ctx.catalog.get(schema, name), next };
}

export async function alterTable(
  ctx: Ctx,
  all: readonly Tok[],
  args: readonly JsonValue[],
): Promise<StatementResult> {
  const toks = strip(all);
  const { table: t, next } = tableAt(ctx, toks, 2, "DDL");
  const op = toks[next];
  const rest = toks.slice(next);
  if (isWord(op, "add")) return addColumns(ctx, t, rest);
  if (isWord(op, "drop")) return dropColumns(ctx, t, rest);
  if (isWord(op, "rename") && isWord(toks[next + 1], "to")) return renameTable(ctx, t, toks.slice(next + 2));
  if (isWord(op, "rename")) return renameColumn(ctx, t, rest);
  if (isWord(op, "set") && isPunct(toks[next + 1], "(")) {
    const { settings } = parseSettings(toks, next + 1, args);
    for (const [k, v] of settings) {
      checkTableSetting(k, v);
      if (k === "number_of_shards") throw unsupported("Changing the number of shards is not emulated");
      t.settings.set(k, normaliseSetting(k, v));
    }
    return count(-1);
  }
  if (isWord(op, "reset") && isPunct(toks[next + 1], "(")) {
    const close = closeParen(toks, next + 1);
    const defaults = new Map(DEFAULT_SETTINGS);
    for (const part of splitTopLevel(toks.slice(next + 2, close))) {
      const k = part.map((x) => x.value).join("");
      const d = defaults.get(k);
      if (d === undefined) t.settings.delete(k);
      else t.settings.set(k, d);
    }
    return count(-1);
  }
  if (isWord(op, "alter")) {
    let i = next + 1;
    if (isWord(toks[i], "column")) i++;
    const c = column(t, nameOf(toks[i])) ?? throwUnknownColumn(toks[i]!.value);
    i++;
    if (isWord(toks[i], "set", "drop") && isWord(toks[i + 1], "default")) {
      if (versionBelow(ctx.version.number, 6, 3))
        throw syntaxError(`line 1:${toks[i]!.pos + 1}: mismatched input '${toks[i]!.text}'`);
      if (toks[i]!.value === "drop") {
        await ctx.pg.exec(`ALTER TABLE ${t.live} ALTER COLUMN ${quoteIdent(c.pg)} DROP DEFAULT`);
        delete c.defaultExpr;
      } else {
        const sink = new ParamSink();
        const def = pgColumnDef(ctx, c, toks.slice(i + 2), sink).slice(
          quoteIdent(c.pg).length + pgType(c.type).length + 2,
        );
        await ctx.pg.exec(`ALTER TABLE ${t.live} ALTER COLUMN ${quoteIdent(c.pg)} SET ${def}`);
        c.defaultExpr = toks
          .slice(i + 2)
          .map((x) => x.text)
          .join(" ");
      }
      return count(-1);
    }
    // No column type changes in CrateDB (§3.5).
    throw syntaxError(
      `line 1:${(toks[i]?.pos ?? 0) + 1}: mismatched input '${toks[i]?.text ?? "<EOF>"}' expecting {'SET', 'DROP'}`,
    );
  }
  throw syntaxError(
    `line 1:${(op?.pos ?? 0) + 1}: mismatched input '${op?.text ?? "<EOF>"}' expecting {'ADD', 'DROP', 'RENAME', 'SET', 'RESET'}`,
  );
}

function versionBelow(v: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = v.split(".").map(Number);
  return a < major || (a === major && b < minor);
}

async function addColumns(ctx: Ctx, t: SimTable, toks: readonly Tok[]): Promise<StatementResult> {
  if (blocked(t, "blocks.metadata", "blocks.read_only")) throw operationNotAllowed(fqn(t), "ALTER");
  const clauses = splitTopLevel(toks).map((c) => {
    if (!isWord(c[0], "add")) {
      throw syntaxError(
        `line 1:${(c[0]?.pos ?? 0) + 1}: mismatched input '${c[0]?.text ?? "<EOF>"}' expecting 'ADD'`,
      );
    }
    const body = isWord(c[1], "column") ? c.slice(2) : c.slice(1);
    if (isWord(body[0], "primary", "constraint", "index", "check")) {
      throw unsupported("Adding a primary key or constraint to an existing table is not supported");
    }
    return body;
  });
  const alloc = pgNameAllocator(t.columns);
  const parsed = clauses.map((c) => parseColumnDef(ctx, c, alloc));
  for (const p of parsed) {
    if (column(t, p.col.name) || parsed.filter((x) => x.col.name === p.col.name).length > 1) {
      throw parseError(`The table ${fqn(t)} already has a column named ${p.col.name}`);
    }
  }
  const addsPk = parsed.some((p) => p.pk);
  if (addsPk) {
    // CrateDB checks emptiness with a search (COUNT(*)), so unrefreshed rows slip through (§3.5).
    const r = await ctx.pg.query(`SELECT count(*) FROM ${t.snap}`);
    if (r.rows[0]![0] !== "0")
      throw unsupported("Cannot add a primary key column to a table that isn't empty");
  }
  const stmts: string[] = [];
  for (const p of parsed) {
    stmts.push(`ALTER TABLE ${t.live} ADD COLUMN ${quoteIdent(p.col.pg)} ${pgType(p.col.type)}`);
    stmts.push(`ALTER TABLE ${t.snap} ADD COLUMN ${quoteIdent(p.col.pg)} ${pgType(p.col.type)}`);
    if (p.defaultToks) {
      // DEFAULT applies to future rows only: existing rows are not backfilled (§3.5).
      const sink = new ParamSink();
      const def = pgColumnDef(ctx, p.col, p.defaultToks, sink).slice(
        quoteIdent(p.col.pg).length + pgType(p.col.type).length + 2,
      );
      stmts.push(`ALTER TABLE ${t.live} ALTER COLUMN ${quoteIdent(p.col.pg)} SET ${def}`);
    }
    for (const check of bigintRangeChecks(p.col)) stmts.push(`ALTER TABLE ${t.live} ADD ${check} NOT VALID`);
    if (p.col.notNull && !p.pk) {
      stmts.push(
        `ALTER TABLE ${t.live} ADD CONSTRAINT ${quoteIdent(`${p.col.pg}_nn`)} CHECK (${quoteIdent(p.col.pg)} IS NOT NULL) NOT VALID`,
      );
    }
  }
  const newChecks = parsed.flatMap((p) => p.checks.map((c) => ({ ...c, column: p.col.name })));
  const scope = { ...t, columns: [...t.columns, ...parsed.map((p) => p.col)] };
  const firstCheck = Math.max(0, ...(t.checks ?? []).map((c) => Number(c.pg.slice(2)))) + 1;
  const added = newChecks.map((c, n) => {
    const pg = `ck${firstCheck + n}`;
    const expr = render(
      translate(ctx, c.toks, [], new ParamSink(), { search: () => false, extraColumns: [scope] }),
    );
    stmts.push(`ALTER TABLE ${t.live} ADD CONSTRAINT ${quoteIdent(pg)} CHECK (${expr}) NOT VALID`);
    return {
      name: c.name ?? `${t.name}_${c.column}_check_${(t.checks?.length ?? 0) + n + 1}`,
      expr: render(c.toks),
      pg,
    };
  });
  const newPk = [...t.pk, ...parsed.filter((p) => p.pk).map((p) => p.col.name)];
  if (addsPk) {
    const pgCols = newPk
      .map((k) => quoteIdent((column(t, k) ?? parsed.find((p) => p.col.name === k)!.col).pg))
      .join(", ");
    const r = await ctx.pg.query(
      `SELECT conname FROM pg_constraint WHERE conrelid = '${t.live}'::regclass AND contype IN ('p', 'u')`,
    );
    for (const row of r.rows) stmts.push(`ALTER TABLE ${t.live} DROP CONSTRAINT ${quoteIdent(row[0]!)}`);
    // Unique rather than PRIMARY KEY: unrefreshed rows that slipped through keep NULL keys, as in CrateDB.
    stmts.push(`ALTER TABLE ${t.live} ADD UNIQUE (${pgCols})`);
    for (const p of parsed.filter((x) => x.pk)) {
      stmts.push(
        `ALTER TABLE ${t.live} ADD CONSTRAINT ${quoteIdent(`${p.col.pg}_nn`)} CHECK (${quoteIdent(p.col.pg)} IS NOT NULL) NOT VALID`,
      );
    }
  }
  await ctx.pg.exec(`BEGIN; ${stmts.join("; ")}; COMMIT;`).catch(async (e) => {
    await ctx.pg.exec("ROLLBACK").catch(() => undefined);
    throw e;
  });
  for (const p of parsed) {
    if (p.pk) p.col.notNull = true;
    t.columns.push(p.col);
  }
  if (added.length) t.checks = [...(t.checks ?? []), ...added];
  t.pk = newPk;
  return count(-1);
}

async function dropColumns(ctx: Ctx, t: SimTable, toks: readonly Tok[]): Promise<StatementResult> {
  if (blocked(t, "blocks.metadata", "blocks.read_only")) throw operationNotAllowed(fqn(t), "ALTER");
  const names: { name: string; ifExists: boolean }[] = [];
  for (const c of splitTopLevel(toks)) {
    if (!isWord(c[0], "drop"))
      throw syntaxError(`line 1:${(c[0]?.pos ?? 0) + 1}: mismatched input, expecting 'DROP'`);
    let i = isWord(c[1], "column") ? 2 : 1;
    let ifExists = false;
    if (isWord(c[i], "if") && isWord(c[i + 1], "exists")) {
      ifExists = true;
      i += 2;
    }
    if (isWord(c[i], "constraint") && names.length === 0 && c.length === i + 2) {
      return dropCheck(ctx, t, nameOf(c[i + 1]));
    }
    if (isWord(c[i], "constraint", "primary")) throw unsupported("Dropping a primary key is not supported");
    names.push({ name: nameOf(c[i]), ifExists });
  }
  const drop = [];
  for (const { name, ifExists } of names) {
    if (SYSTEM_COLUMNS.has(name)) throw unsupported(`Dropping system column ${name} is not allowed`);
    const c = column(t, name);
    if (!c) {
      if (ifExists) continue;
      throwUnknownColumn(name);
    }
    if (t.pk.includes(name))
      throw unsupported(`Dropping column: ${name} which is part of the PRIMARY KEY is not allowed`);
    if (t.clusteredBy === name)
      throw unsupported(`Dropping column: ${name} which is used in 'CLUSTERED BY' is not allowed`);
    if (t.partitionedBy.includes(name))
      throw unsupported(
        `Dropping column: ${name} which is part of the 'PARTITIONED BY' columns is not allowed`,
      );
    drop.push(c);
  }
  if (drop.length >= t.columns.length) throw unsupported("Dropping all columns of a table is not allowed");
  for (const c of drop) {
    await ctx.pg.exec(
      `ALTER TABLE ${t.live} DROP COLUMN ${quoteIdent(c.pg)}; ALTER TABLE ${t.snap} DROP COLUMN ${quoteIdent(c.pg)};`,
    );
    t.columns.splice(t.columns.indexOf(c), 1);
  }
  return count(-1);
}

/** `DROP CONSTRAINT name` removes a CHECK constraint; the primary key cannot be dropped (§3.5). */
async function dropCheck(ctx: Ctx, t: SimTable, name: string): Promise<StatementResult> {
  const check = t.checks?.find((c) => c.name === name);
  if (!check) {
    if (name === `${t.name}_pkey`) throw unsupported("Dropping the primary key constraint is not supported");
    throw parseError(
      `Cannot find a CHECK CONSTRAINT named [${name}], available constraints are: [${(t.checks ?? []).map((c) => c.name).join(", ")}]`,
    );
  }
  await ctx.pg.exec(`ALTER TABLE ${t.live} DROP CONSTRAINT ${quoteIdent(check.pg)}`);
  t.checks = t.checks!.filter((c) => c !== check);
  return count(-1);
}

async function renameColumn(ctx: Ctx, t: SimTable, toks: readonly Tok[]): Promise<StatementResult> {
  if (blocked(t, "blocks.metadata", "blocks.read_only")) throw operationNotAllowed(fqn(t), "ALTER");
  let i = isWord(toks[1], "column") ? 2 : 1;
  const from = nameOf(toks[i]);
  i++;
  if (!isWord(toks[i], "to") || i + 2 !== toks.length)
    throw syntaxError(`line 1:${(toks[i]?.pos ?? 0) + 1}: mismatched input, expecting 'TO'`);
  const to = nameOf(toks[i + 1]);
  const c = column(t, from) ?? throwUnknownColumn(from);
  checkColumnName(to, ctx.version);
  if (column(t, to)) throw parseError(`Cannot rename column to a name that is in use: ${to}`);
  const pg = Buffer.byteLength(to) <= 63 ? to : c.pg;
  if (pg !== c.pg) {
    await ctx.pg.exec(
      `ALTER TABLE ${t.live} RENAME COLUMN ${quoteIdent(c.pg)} TO ${quoteIdent(pg)}; ALTER TABLE ${t.snap} RENAME COLUMN ${quoteIdent(c.pg)} TO ${quoteIdent(pg)};`,
    );
  }
  t.pk = t.pk.map((k) => (k === from ? to : k));
  if (t.clusteredBy === from) t.clusteredBy = to;
  t.partitionedBy = t.partitionedBy.map((k) => (k === from ? to : k));
  c.name = to;
  c.pg = pg;
  return count(-1);
}

async function renameTable(ctx: Ctx, t: SimTable, toks: readonly Tok[]): Promise<StatementResult> {
  const { parts } = readName(toks, 0);
  if (parts.length > 1) throw parseError("Target table name must not include a schema");
  const to = parts[0]!;
  // `blocks.read_only_allow_delete` does not stop a rename (checked on CrateDB 6.4.3).
  if (blocked(t, "blocks.write", "blocks.metadata", "blocks.read_only"))
    throw operationNotAllowed(fqn(t), "ALTER RENAME");
  checkRelationName(t.schema, to);
  if (ctx.catalog.find(t.schema, to)) throw relationExists(`${t.schema}.${to}`);
  const before = fqn(t);
  // CrateDB reopens the renamed table's shards, which makes every write visible to searches.
  await refreshTable(ctx, t);
  ctx.catalog.rename(t, t.schema, to);
  ctx.privileges.moveTable(before, fqn(t));
  return count(-1);
}
