/** CREATE TABLE, DROP TABLE, CREATE/DROP SCHEMA (cratedb.md §3.2–3.4). */
import {
  blocked,
  type Catalog,
  DEFAULT_SETTINGS,
  fqn,
  ROWID,
  type SettingValue,
  type SimColumn,
  type SimTable,
} from "./catalog.ts";
import { type Ctx, count, type StatementResult } from "./context.ts";
import { createTableAs } from "./ddl-create-as.ts";
import {
  operationNotAllowed,
  parseError,
  relationExists,
  SimError,
  schemaUnknown,
  syntaxError,
  unsupported,
} from "./errors.ts";
import { JsonNumber, type JsonValue } from "./json.ts";
import { checkColumnName, checkRelationName, nameOf } from "./names.ts";
import { declaredSubColumns } from "./objects.ts";
import { ParamSink, quoteIdent, readName, resolveRelation, translate } from "./rewrite.ts";
import { closeParen, isPunct, isWord, render, splitTopLevel, type Tok } from "./tokens.ts";
import { canBePrimaryKey, checkStorable, parseType, pgType } from "./types.ts";

/** Parses `(k = v, …)`; keys may be dotted (`"blocks.write"` or `blocks.write`). */
export function parseSettings(toks: readonly Tok[], open: number, args: readonly JsonValue[]) {
  const close = closeParen(toks, open);
  const out = new Map<string, SettingValue>();
  for (const part of splitTopLevel(toks.slice(open + 1, close))) {
    if (part.length === 0) continue;
    const eq = part.findIndex((t) => t.kind === "op" && t.value === "=");
    const keyToks = eq < 0 ? part : part.slice(0, eq);
    const key = keyToks.map((t) => (t.kind === "punct" ? t.value : t.value)).join("");
    const v = eq < 0 ? undefined : part.slice(eq + 1);
    out.set(key, v === undefined ? "" : settingValue(v, args));
  }
  return { settings: out, next: close + 1 };
}

function settingValue(v: readonly Tok[], args: readonly JsonValue[]): SettingValue {
  const t = v[0];
  if (t === undefined) throw syntaxError("line 1:1: missing setting value");
  if (t.kind === "param") {
    const a = args[t.param!];
    if (a instanceof JsonNumber) return Number(a.text);
    if (typeof a === "string" || typeof a === "boolean") return a;
    return String(a);
  }
  if (t.kind === "number") return Number(t.value);
  if (t.kind === "op" && t.value === "-" && v[1]?.kind === "number") return -Number(v[1].value);
  if (t.kind === "string") return t.value;
  if (t.kind === "word" && (t.value === "true" || t.value === "false")) return t.value === "true";
  return t.value;
}

/** Table settings CrateDB knows (others are refused); `blocks.*` and friends by prefix. */
const TABLE_SETTINGS = new Set([
  "number_of_replicas",
  "number_of_shards",
  "refresh_interval",
  "column_policy",
  "codec",
  "max_ngram_diff",
  "max_shingle_diff",
  "number_of_routing_shards",
  "mapping.total_fields.limit",
  "mapping.depth.limit",
  "mapping.nested_fields.limit",
  "allocation.max_retries",
  "unassigned.node_left.delayed_timeout",
  "write.wait_for_active_shards",
  "soft_deletes.retention_lease.period",
  "merge.scheduler.max_thread_count",
  "warmer.enabled",
  "store.type",
]);
const TABLE_SETTING_PREFIXES = ["blocks.", "translog.", "routing.allocation."];

export function checkTableSetting(key: string): void {
  if (TABLE_SETTINGS.has(key) || TABLE_SETTING_PREFIXES.some((p) => key.startsWith(p))) return;
  throw parseError(`Invalid property "${key}" passed to [ALTER | CREATE] TABLE statement`);
}

interface ParsedColumn {
  col: SimColumn;
  pk: boolean;
  nullable: boolean;
  defaultToks?: Tok[];
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
    } else if (isWord(t, "check") || isWord(t, "constraint")) {
      throw unsupported("CHECK constraints are not emulated by the simulator");
    } else {
      throw syntaxError(`line 1:${t.pos + 1}: mismatched input '${t.text}' expecting {',', ')'}`);
    }
  }
  if (pk && !canBePrimaryKey(type)) {
    throw unsupported(
      `Cannot use columns of type "${type.base === "array" ? "array" : type.base}" as primary key`,
    );
  }
  return { col, pk, nullable, ...(defaultToks ? { defaultToks } : {}) };
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
  if (isWord(toks[next], "as"))
    return createTableAs(ctx, { schema, name, ifNotExists }, toks.slice(next + 1), args);
  if (!isPunct(toks[next], "(")) throw syntaxError(`line 1:${(toks[next]?.pos ?? 0) + 1}: mismatched input`);
  const close = closeParen(toks, next);
  const columns: SimColumn[] = [];
  const defaults = new Map<string, Tok[]>();
  let pk: string[] = [];
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
  let settings = new Map<string, SettingValue>(DEFAULT_SETTINGS);
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
        checkTableSetting(k);
        settings.set(k, v);
      }
      if (parsed.settings.has("number_of_shards")) shards = Number(parsed.settings.get("number_of_shards"));
      settings.delete("number_of_shards");
      j = parsed.next;
    } else if (isPunct(toks[j], ";")) j++;
    else throw syntaxError(`line 1:${toks[j]!.pos + 1}: mismatched input '${toks[j]!.text}' expecting <EOF>`);
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
  if (sink.params.length > 0) throw parseError("Parameters are not allowed in DEFAULT expressions");
  await createPgTables(ctx, table, defs);
  ctx.catalog.add(table);
  settings = table.settings;
  return count(1);
}

/** The live table (with hidden row id and key), its snapshot, and the indexes searches use. */
export async function createPgTables(
  ctx: Ctx,
  table: SimTable,
  columnDefs: readonly string[],
): Promise<void> {
  const pg = (k: string) => quoteIdent(table.columns.find((c) => c.name === k)!.pg);
  const pkSql = table.pk.length > 0 ? `, PRIMARY KEY (${table.pk.map(pg).join(", ")})` : "";
  await ctx.pg.exec(
    `CREATE TABLE ${table.live} (${ROWID} bigint GENERATED BY DEFAULT AS IDENTITY${columnDefs.map((d) => `, ${d}`).join("")}${pkSql});` +
      `CREATE TABLE ${table.snap} (${ROWID} bigint${table.columns.map((c) => `, ${quoteIdent(c.pg)} ${pgType(c.type)}`).join("")});` +
      // Searches join snapshot rows to live rows by row id, and bulk items often filter by key.
      `CREATE INDEX ON ${table.live} (${ROWID}); CREATE INDEX ON ${table.snap} (${ROWID});` +
      (table.pk.length > 0 ? `CREATE INDEX ON ${table.snap} (${table.pk.map(pg).join(", ")});` : ""),
  );
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
    throw new SimError(40910, "SchemaAlreadyExistsException", `Schema '${name}' already exists`);
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

export type { Catalog };
