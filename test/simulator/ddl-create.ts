/** CREATE TABLE, DROP TABLE, CREATE/DROP SCHEMA (cratedb.md §3.2–3.4). */
import { bigintRangeChecks } from "./bigint-range.ts";
import {
  blocked,
  DEFAULT_SETTINGS,
  fqn,
  type SettingValue,
  type SimColumn,
  type SimTable,
} from "./catalog.ts";
import { checkAt, parseColumnDef, pgColumnDef, pgNameAllocator } from "./column-defs.ts";
import { type Ctx, count, type StatementResult } from "./context.ts";
import { createTableAs } from "./ddl-create-as.ts";
import {
  operationNotAllowed,
  parseError,
  readDeleteOnlyBlock,
  relationExists,
  SimError,
  schemaUnknown,
  syntaxError,
  unsupported,
} from "./errors.ts";
import type { JsonNumber, JsonValue } from "./json.ts";
import { checkIndexName, checkRelationName, nameOf } from "./names.ts";
import { createPgTables } from "./pg-tables.ts";
import { ParamSink, quoteIdent, readName, resolveRelation, translate } from "./rewrite.ts";
import { checkTableSetting, normaliseSetting, parseSettings } from "./table-settings.ts";
import { closeParen, isPunct, isWord, render, splitTopLevel, type Tok } from "./tokens.ts";
import { canBePrimaryKey } from "./types.ts";

export async function createTable(
  ctx: Ctx,
  toks: readonly Tok[],
  args: readonly JsonValue[],
): Promise<StatementResult> {
  let i = 2;
  let ifNotExists = false;
  if (isWord(toks[i], "if") && isWord(toks[i + 1], "not") && isWord(toks[i + 2], "exists")) {
    ifNotExists = true;
    i += 3;
  }
  const { parts, next } = readName(toks, i);
  for (let k = i; k < next; k++) if (!isPunct(toks[k], ".")) nameOf(toks[k]);
  const { schema, name } = resolveRelation(ctx, parts);
  checkRelationName(schema, name);
  ctx.privileges.require(ctx.session.user, "DDL", schema);
  // Validated when the table is created, i.e. after analysis and privileges.
  checkIndexName(schema, name);
  if (isWord(toks[next], "as"))
    return createTableAs(ctx, { schema, name, ifNotExists }, toks.slice(next + 1), args);
  if (!isPunct(toks[next], "(")) throw syntaxError(`line 1:${(toks[next]?.pos ?? 0) + 1}: mismatched input`);
  const close = closeParen(toks, next);
  const columns: SimColumn[] = [];
  const defaults = new Map<string, Tok[]>();
  let pk: string[] = [];
  const checks: { name?: string; toks: Tok[]; column?: string }[] = [];
  const alloc = pgNameAllocator(columns);
  for (const el of splitTopLevel(toks.slice(next + 1, close))) {
    if (el.length === 0) throw syntaxError("line 1:1: mismatched input ')'");
    let e = el;
    if (isWord(e[0], "constraint") && isWord(e[2], "primary")) e = e.slice(2);
    if (isWord(e[0], "primary") && isWord(e[1], "key") && isPunct(e[2], "(")) {
      const names = splitTopLevel(e.slice(3, closeParen(e, 2))).map((p) => nameOf(p[0]));
      pk.push(...names);
      continue;
    }
    const tableCheck = checkAt(e, 0);
    if (tableCheck && tableCheck.next === e.length) {
      checks.push(tableCheck.check);
      continue;
    }
    if (isWord(e[0], "index") && !isPunct(e[1], ","))
      throw unsupported("Fulltext index definitions are not emulated");
    const parsed = parseColumnDef(ctx, e, alloc);
    if (columns.some((c) => c.name === parsed.col.name)) {
      throw parseError(`Column "${parsed.col.name}" specified more than once`);
    }
    if (parsed.pk) pk.push(parsed.col.name);
    if (parsed.nullable && parsed.pk) {
      throw parseError(`Column "${parsed.col.name}" is declared as NULL but it is part of the primary key`);
    }
    columns.push(parsed.col);
    checks.push(...parsed.checks.map((c) => ({ ...c, column: parsed.col.name })));
    if (parsed.defaultToks) defaults.set(parsed.col.name, parsed.defaultToks);
  }
  const seen = new Set<string>();
  for (const k of pk) {
    if (seen.has(k)) throw parseError(`Column "${k}" appears twice in primary key constraint`);
    seen.add(k);
    const c = columns.find((x) => x.name === k);
    if (!c) throw new SimError(4043, "ColumnUnknownException", `Column ${k} unknown`);
    if (!canBePrimaryKey(c.type))
      throw unsupported(`Cannot use columns of type "${c.type.base}" as primary key`);
  }
  pk = [...pk];
  let j = close + 1;
  let shards = 4;
  let clusteredBy: string | undefined;
  let partitionedBy: string[] = [];
  const settings = new Map<string, SettingValue>(DEFAULT_SETTINGS);
  while (j < toks.length) {
    if (isWord(toks[j], "partitioned") && isWord(toks[j + 1], "by") && isPunct(toks[j + 2], "(")) {
      const c = closeParen(toks, j + 2);
      partitionedBy = splitTopLevel(toks.slice(j + 3, c)).map((p) => nameOf(p[0]));
      j = c + 1;
    } else if (isWord(toks[j], "clustered")) {
      j++;
      if (isWord(toks[j], "by") && isPunct(toks[j + 1], "(")) {
        clusteredBy = nameOf(toks[j + 2]);
        j = closeParen(toks, j + 1) + 1;
      }
      if (isWord(toks[j], "into")) {
        const n = toks[j + 1];
        shards = n?.kind === "param" ? Number((args[n.param!] as JsonNumber).text) : Number(n?.value);
        if (!isWord(toks[j + 2], "shards"))
          throw syntaxError(`line 1:${(toks[j + 2]?.pos ?? 0) + 1}: expecting SHARDS`);
        j += 3;
      }
    } else if (isWord(toks[j], "with") && isPunct(toks[j + 1], "(")) {
      const parsed = parseSettings(toks, j + 1, args);
      for (const [k, v] of parsed.settings) {
        checkTableSetting(k, v);
        settings.set(k, normaliseSetting(k, v));
      }
      if (parsed.settings.has("number_of_shards")) shards = Number(parsed.settings.get("number_of_shards"));
      settings.delete("number_of_shards");
      j = parsed.next;
    } else if (isPunct(toks[j], ";")) j++;
    else throw syntaxError(`line 1:${toks[j]!.pos + 1}: mismatched input '${toks[j]!.text}' expecting <EOF>`);
  }
  if (!Number.isInteger(shards) || shards < 1) {
    throw parseError("num_shards in CLUSTERED clause must be greater than 0");
  }
  if (typeof settings.get("number_of_replicas") === "number") {
    settings.set("number_of_replicas", String(settings.get("number_of_replicas")));
  }
  for (const p of partitionedBy) {
    if (!columns.some((c) => c.name === p))
      throw new SimError(4043, "ColumnUnknownException", `Column ${p} unknown`);
    if (pk.length > 0 && !pk.includes(p)) {
      throw parseError(`Cannot use non primary key column '${p}' for partitioning if primary keys are set`);
    }
  }
  if (clusteredBy !== undefined && pk.length > 0 && !pk.includes(clusteredBy)) {
    throw parseError(`Clustered by column \`${clusteredBy}\` must be part of primary key`);
  }
  if (ctx.catalog.find(schema, name)) {
    if (ifNotExists) return count(0);
    throw relationExists(`${schema}.${name}`);
  }
  for (const c of columns) if (pk.includes(c.name)) c.notNull = true;
  const id = ctx.catalog.newInternalName();
  const table: SimTable = {
    schema,
    name,
    live: `sim.${id}`,
    snap: `sim.${id}_s`,
    columns,
    pk,
    shards,
    ...(clusteredBy !== undefined ? { clusteredBy } : pk.length === 1 ? { clusteredBy: pk[0]! } : {}),
    partitionedBy,
    settings,
    dirty: false,
  };
  const sink = new ParamSink();
  const defs = columns.map((c) => {
    const d = pgColumnDef(ctx, c, defaults.get(c.name), sink);
    return c.notNull && !pk.includes(c.name) ? `${d} CONSTRAINT ${quoteIdent(`${c.pg}_nn`)} NOT NULL` : d;
  });
  defs.push(...columns.flatMap(bigintRangeChecks));
  // CrateDB names unnamed checks `<table>_<column>_check_<n>` [unconfirmed]; PG gets short internal names.
  table.checks = checks.map((c, n) => ({
    name: c.name ?? `${name}_${c.column ?? "table"}_check_${n + 1}`,
    expr: render(c.toks),
    pg: `ck${n + 1}`,
  }));
  checks.forEach((c, n) => {
    const expr = render(translate(ctx, c.toks, [], sink, { search: () => false, extraColumns: [table] }));
    defs.push(`CONSTRAINT ${quoteIdent(`ck${n + 1}`)} CHECK (${expr})`);
  });
  if (sink.params.length > 0) throw parseError("Parameters are not allowed in DEFAULT or CHECK expressions");
  await createPgTables(ctx, table, defs);
  ctx.catalog.add(table);
  return count(1);
}

export async function dropTable(ctx: Ctx, toks: readonly Tok[]): Promise<StatementResult> {
  let i = 2;
  let ifExists = false;
  if (isWord(toks[i], "if") && isWord(toks[i + 1], "exists")) {
    ifExists = true;
    i += 2;
  }
  const { parts } = readName(toks, i);
  const { schema, name } = resolveRelation(ctx, parts);
  ctx.privileges.require(ctx.session.user, "DDL", schema, name);
  const t = ctx.catalog.find(schema, name);
  if (!t) {
    if (ifExists) return count(0);
    ctx.catalog.get(schema, name);
    return count(0);
  }
  if (blocked(t, "blocks.write", "blocks.metadata", "blocks.read_only"))
    throw operationNotAllowed(fqn(t), "DROP");
  if (blocked(t, "blocks.read_only_allow_delete")) throw readDeleteOnlyBlock();
  await ctx.pg.exec(`DROP TABLE ${t.live}; DROP TABLE ${t.snap};`);
  ctx.catalog.remove(t);
  return count(1);
}

export function createSchema(ctx: Ctx, toks: readonly Tok[]): StatementResult {
  if (ctx.version.legacyUnderscoreRule) {
    throw syntaxError(`line 1:8: mismatched input 'SCHEMA' expecting {'TABLE', 'USER', …}`);
  }
  let i = 2;
  let ifNotExists = false;
  if (isWord(toks[i], "if") && isWord(toks[i + 1], "not") && isWord(toks[i + 2], "exists")) {
    ifNotExists = true;
    i += 3;
  }
  const name = nameOf(toks[i]);
  ctx.privileges.require(ctx.session.user, "DDL");
  checkRelationName(name, "x");
  if (ctx.catalog.schemaExists(name)) {
    if (ifNotExists) return count(0);
    throw new SimError(40910, "SchemaAlreadyExists", `Schema '${name}' already exists`);
  }
  ctx.catalog.explicitSchemas.add(name);
  return count(1);
}

export function dropSchema(ctx: Ctx, toks: readonly Tok[]): StatementResult {
  if (ctx.version.legacyUnderscoreRule) throw syntaxError("line 1:6: mismatched input 'SCHEMA'");
  let i = 2;
  let ifExists = false;
  if (isWord(toks[i], "if") && isWord(toks[i + 1], "exists")) {
    ifExists = true;
    i += 2;
  }
  const name = nameOf(toks[i]);
  ctx.privileges.require(ctx.session.user, "DDL");
  if (!ctx.catalog.schemaExists(name)) {
    if (ifExists) return count(0);
    throw schemaUnknown(name);
  }
  if (ctx.catalog.all().some((t) => t.schema === name)) {
    throw new SimError(40013, "DependentObjectsExists", `Schema '${name}' is not empty`);
  }
  ctx.catalog.explicitSchemas.delete(name);
  return count(1);
}
