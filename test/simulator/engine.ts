/**
 * Statement dispatch: recognises the statement kind by its leading keywords, runs simple and bulk
 * requests one at a time (PGlite is a single connection, and CrateDB statements are atomic per
 * statement here), and shapes outcomes for the envelope.
 */
import { Catalog } from "./catalog.ts";
import type { Ctx, Session, StatementResult, VersionRules } from "./context.ts";
import { count } from "./context.ts";
import { alterTable } from "./ddl-alter.ts";
import { createSchema, createTable, dropSchema, dropTable } from "./ddl-create.ts";
import { swapTable } from "./ddl-swap.ts";
import type { Bound, Prepared } from "./dml.ts";
import { isRowLevel } from "./dml-common.ts";
import { prepareInsert } from "./dml-insert.ts";
import { prepareDelete, prepareUpdate } from "./dml-modify.ts";
import { documentMissing, parseError, SimError, syntaxError, unsupported } from "./errors.ts";
import { FENCE_FUNCTIONS, foldFences } from "./fence.ts";
import type { JsonValue } from "./json.ts";
import { METADATA_DDL } from "./metadata.ts";
import { Pg } from "./pg.ts";
import { DATE_FORMAT_FUNCTIONS, TIMESTAMP_CAST_FUNCTIONS } from "./pg-functions.ts";
import { Privileges } from "./privileges.ts";
import { optimize, refresh, refreshTable } from "./refresh.ts";
import { rowsResult, select, showCreate } from "./select.ts";
import { closeParen, isPunct, isWord, type Tok, tokenize, where } from "./tokens.ts";
import { alterUser, createUser, dropUser, privilegeStatement } from "./users.ts";

export const STATEMENT_MAX_LENGTH = 262144;
/** Bulk item errors beyond this many carry no `error` payload (cratedb.md §1.9: 10 per shard). */
const MAX_ITEM_ERRORS = 10;

export type BulkItem = { rowcount: number; error?: { code: number; message: string } };
export type Outcome = StatementResult | { kind: "bulk"; results: BulkItem[] };

export interface EngineOptions {
  readonly users: Readonly<Record<string, string | undefined>>;
  readonly version: VersionRules;
}

export class Engine {
  readonly pg: Pg;
  readonly catalog = new Catalog();
  readonly privileges: Privileges;
  readonly version: VersionRules;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(pg: Pg, options: EngineOptions) {
    this.pg = pg;
    this.privileges = new Privileges(options.users);
    this.version = options.version;
  }

  static async start(options: EngineOptions): Promise<Engine> {
    const pg = await Pg.start();
    await pg.exec(METADATA_DDL);
    await pg.exec(TIMESTAMP_CAST_FUNCTIONS + DATE_FORMAT_FUNCTIONS + FENCE_FUNCTIONS);
    return new Engine(pg, options);
  }

  /** Runs `fn` after every earlier request has finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Refreshes every table with unrefreshed writes (the optional auto-refresh timer). */
  refreshAll(): Promise<void> {
    return this.exclusive(async () => {
      const ctx = this.ctx({ user: "crate", schema: "doc" });
      for (const t of this.catalog.all()) await refreshTable(ctx, t);
    });
  }

  private ctx(session: Session, version: VersionRules = this.version, stmt = ""): Ctx {
    return { pg: this.pg, catalog: this.catalog, privileges: this.privileges, session, version, stmt };
  }

  execute(
    stmt: string,
    args: readonly JsonValue[] | undefined,
    bulkArgs: readonly JsonValue[][] | undefined,
    session: Session,
    version?: VersionRules,
  ): Promise<Outcome> {
    return this.exclusive(() => this.run(stmt, args, bulkArgs, session, version));
  }

  private async run(
    text: string,
    args: readonly JsonValue[] | undefined,
    bulkArgs: readonly JsonValue[][] | undefined,
    session: Session,
    version: VersionRules | undefined,
  ): Promise<Outcome> {
    if (text.length > STATEMENT_MAX_LENGTH) {
      throw parseError(
        `Statement exceeds \`statement_max_length\` (${STATEMENT_MAX_LENGTH} allowed, ${text.length} provided). Try replacing inline values with parameter placeholders (\`?\`)`,
      );
    }
    const stmt = foldFences(text);
    const toks = tokenize(stmt);
    const semi = toks.findIndex((t) => isPunct(t, ";"));
    if (semi >= 0 && semi < toks.length - 1) {
      const t = toks[semi + 1]!;
      throw syntaxError(`${where(stmt, t.pos)}: mismatched input '${t.text}' expecting <EOF>`);
    }
    if (toks.length === 0 || (toks.length === 1 && semi === 0))
      throw syntaxError("line 1:1: mismatched input '<EOF>'");
    refuseRowValues(stmt, toks);
    const ctx = this.ctx(session, version, stmt);
    const dml = this.prepareDml(ctx, toks);
    if (bulkArgs !== undefined) {
      if (dml?.returnsRows || isWord(toks[0], "select", "with", "show")) {
        throw unsupported("Bulk operations for statements that return result sets is not supported");
      }
      if (dml) return runBulk(this.pg, dml, bulkArgs);
      const results: BulkItem[] = [];
      for (const a of bulkArgs) {
        const r = await this.dispatch(ctx, toks, a);
        results.push({ rowcount: r.kind === "count" ? r.rowcount : -2 });
      }
      return { kind: "bulk", results };
    }
    if (dml) {
      const r = await dml.bind(args ?? []).run();
      return dml.returnsRows && r.result ? rowsResult(r.result) : count(r.rowcount);
    }
    return this.dispatch(ctx, toks, args ?? []);
  }

  private prepareDml(ctx: Ctx, toks: readonly Tok[]): Prepared | undefined {
    if (isWord(toks[0], "insert")) return prepareInsert(ctx, toks);
    if (isWord(toks[0], "update")) return prepareUpdate(ctx, toks);
    if (isWord(toks[0], "delete")) return prepareDelete(ctx, toks);
    return undefined;
  }

  private async dispatch(
    ctx: Ctx,
    toks: readonly Tok[],
    args: readonly JsonValue[],
  ): Promise<StatementResult> {
    const [a, b] = toks;
    const first = a!.value;
    const second = b?.value;
    switch (first) {
      case "select":
      case "with":
        return select(ctx, toks, args);
      case "create":
        if (second === "table") return createTable(ctx, toks, args);
        if (second === "schema") return createSchema(ctx, toks);
        if (second === "user" || second === "role") return createUser(ctx, toks, args);
        break;
      case "drop":
        if (second === "table") return dropTable(ctx, toks);
        if (second === "schema") return dropSchema(ctx, toks);
        if (second === "user" || second === "role") return dropUser(ctx, toks);
        break;
      case "alter":
        if (second === "table") return alterTable(ctx, toks, args);
        if (second === "cluster") return swapTable(ctx, toks, args);
        if (second === "user" || second === "role") return alterUser(ctx, toks, args);
        break;
      case "refresh":
        return refresh(ctx, toks);
      case "optimize":
        return optimize(ctx, toks);
      case "show":
        return showCreate(ctx, toks);
      case "grant":
      case "revoke":
      case "deny":
        return privilegeStatement(ctx, toks);
      case "begin":
      case "start":
      case "commit":
      case "end":
        // No transactions in CrateDB: accepted as no-ops (§4.8).
        return count(0);
      case "set":
        if (second === "global") ctx.privileges.requireSuperuserOrAl(ctx.session.user);
        else setSession(ctx, toks);
        return count(0);
      case "reset":
        return count(0);
      case "kill":
        // Statements run one at a time here, so none is ever running when KILL arrives.
        return count(0);
      default:
        break;
    }
    throw syntaxError(
      `line 1:${a!.pos + 1}: mismatched input '${a!.text}' expecting {'SELECT', 'DEALLOCATE', 'FETCH', 'END', 'WITH', 'CREATE', 'ALTER', 'KILL', 'CLOSE', 'BEGIN', 'START', 'COMMIT', 'ANALYZE', 'DISCARD', 'EXPLAIN', 'SHOW', 'OPTIMIZE', 'REFRESH', 'RESTORE', 'DROP', 'INSERT', 'VALUES', 'DELETE', 'UPDATE', 'SET', 'RESET', 'COPY', 'GRANT', 'DENY', 'REVOKE', 'DECLARE'}`,
    );
  }

  async close(): Promise<void> {
    await this.queue;
    await this.pg.close();
  }
}

/** Words after which `(` starts an expression rather than a call, a column list or a value list. */
const BEFORE_EXPRESSION = new Set([
  "where",
  "and",
  "or",
  "not",
  "when",
  "then",
  "else",
  "having",
  "on",
  "select",
  "distinct",
  "case",
  "return",
]);

/** Words that head a comma-separated list of expressions (a `(` after a comma there is an expression). */
const EXPRESSION_LISTS = new Set(["select", "distinct", "by"]);

/**
 * CrateDB's grammar has no row values: a parenthesised expression holding a top-level comma, like
 * `(a, b) [NOT] IN (…)` or `(a, b) = (1, 2)` (PG accepts both), is a parse error at that comma
 * (checked on CrateDB 6.4.3). The reported input starts at the enclosing query's SELECT, or, in
 * UPDATE and DELETE conditions, at the outermost parenthesis: `no viable alternative at input '(a,'`.
 */
function refuseRowValues(stmt: string, toks: readonly Tok[]): void {
  const expression = new Set<number>();
  for (let i = 0; i < toks.length; i++) {
    if (!isPunct(toks[i], "(")) continue;
    const prev = toks[i - 1];
    const opens =
      prev === undefined ||
      (prev.kind === "word" && BEFORE_EXPRESSION.has(prev.value)) ||
      prev.kind === "op" ||
      (isPunct(prev, "(") && expression.has(i - 1)) ||
      (isPunct(prev, ",") && EXPRESSION_LISTS.has(listHead(toks, i - 1)));
    if (!opens) continue;
    expression.add(i);
    let close: number;
    try {
      close = closeParen(toks, i);
    } catch {
      return;
    }
    const comma = findTopLevelPunct(toks, i + 1, close, ",");
    if (comma < 0) continue;
    let start = i;
    while (expression.has(start - 1)) start--;
    const query = enclosingSelect(toks, i);
    if (query !== undefined) start = query;
    const at = toks[comma]!.pos;
    throw syntaxError(
      `${where(stmt, at)}: no viable alternative at input '${stmt.slice(toks[start]!.pos, at + 1)}'`,
    );
  }
}

/** Clause keywords that head a comma-separated list (or end the search for one). */
const LIST_HEADS = new Set(["select", "distinct", "by", "values", "in", "set", "returning", "from", "where"]);

/** The clause keyword heading the list the comma at `i` belongs to, or `(` inside parentheses. */
function listHead(toks: readonly Tok[], i: number): string {
  let depth = 0;
  for (let j = i - 1; j >= 0; j--) {
    const t = toks[j]!;
    if (isPunct(t, ")") || isPunct(t, "]")) depth++;
    else if (isPunct(t, "(") || isPunct(t, "[")) {
      if (depth === 0) return "(";
      depth--;
    } else if (depth === 0 && t.kind === "word" && LIST_HEADS.has(t.value)) return t.value;
  }
  return "";
}

/** Index of the SELECT of the innermost query around the token at `i`, if any. */
function enclosingSelect(toks: readonly Tok[], i: number): number | undefined {
  let depth = 0;
  for (let j = i - 1; j >= 0; j--) {
    const t = toks[j]!;
    if (isPunct(t, ")")) depth++;
    else if (isPunct(t, "(")) depth = Math.max(0, depth - 1);
    else if (depth === 0 && isWord(t, "select")) return j;
  }
  return undefined;
}

function findTopLevelPunct(toks: readonly Tok[], from: number, to: number, p: string): number {
  let depth = 0;
  for (let i = from; i < to; i++) {
    if (isPunct(toks[i], "(") || isPunct(toks[i], "[")) depth++;
    else if (isPunct(toks[i], ")") || isPunct(toks[i], "]")) depth--;
    else if (depth === 0 && isPunct(toks[i], p)) return i;
  }
  return -1;
}

/** `SET [SESSION] search_path TO s` sticks to the connection's session like in CrateDB (§1.10). */
function setSession(ctx: Ctx, toks: readonly Tok[]): void {
  let i = isWord(toks[1], "session", "local") ? 2 : 1;
  if (!isWord(toks[i], "search_path")) return;
  i++;
  if (isWord(toks[i], "to") || (toks[i]?.kind === "op" && toks[i]!.value === "=")) i++;
  const t = toks[i];
  if (t && (t.kind === "word" || t.kind === "ident" || t.kind === "string")) ctx.session.schema = t.value;
}

/**
 * CrateDB runs every arg set of a search-based bulk UPDATE/DELETE as a collect phase of its own,
 * all at once, each reserving a block of the query circuit breaker (min(0.1 % of its limit,
 * 2 MiB) split over the shards, BlockBasedRamAccounting). Checked on CrateDB 6.4.3 (2 GB heap,
 * 1.1 GB breaker): 5,000 arg sets passed; 10,000 failed 8–9 thousand items with
 * CircuitBreakingException (5000), 40,000 with EsRejectedExecutionException (5000), and a history
 * close of 37,500 with JobKilledException (5005). The simulator fails every item from 10,000 arg
 * sets on and applies none.
 */
export const SEARCH_BULK_BREAKER_ITEMS = 10_000;

/** Analysis of every item first (its errors fail the whole request), then per-item execution (§1.9). */
async function runBulk(pg: Pg, dml: Prepared, bulkArgs: readonly JsonValue[][]): Promise<Outcome> {
  const bound = bulkArgs.map((a) => dml.bind(a));
  if (dml.searches && bound.length >= SEARCH_BULK_BREAKER_ITEMS) {
    const broken = new SimError(
      5000,
      "CircuitBreakingException",
      "Allocating 314.5kb for 'collect: 1' failed, breaker would use 1.2gb in total. Limit is 1.1gb. Either increase memory and limit, change the query or reduce concurrent query load",
    );
    return { kind: "bulk", results: bound.map((_, n) => itemError(broken, n)) };
  }
  const results: BulkItem[] = [];
  const BATCH = 500;
  if (dml.runBatch && bound.length > 1) {
    for (let i = 0; i < bound.length; i += BATCH) {
      const chunk = bound.slice(i, i + BATCH);
      const counts = await dml.runBatch(chunk);
      if (counts === undefined) {
        results.push(...(await runItems(pg, chunk, results)));
      } else results.push(...counts.map((rowcount) => ({ rowcount })));
    }
    return { kind: "bulk", results };
  }
  results.push(...(await runItems(pg, bound, results)));
  return { kind: "bulk", results };
}

/**
 * Items run one after another. A transaction around all of them halves PG's per-statement cost;
 * it is only kept when no item fails, otherwise everything is replayed with one autocommit
 * statement per item so each failure stays local to its item.
 */
async function runItems(pg: Pg, bound: readonly Bound[], before: readonly BulkItem[]): Promise<BulkItem[]> {
  let errors = before.filter((r) => r.rowcount === -2).length;
  if (bound.length > 1) {
    const fast: BulkItem[] = [];
    let n = errors;
    await pg.exec("BEGIN");
    try {
      for (const b of bound) {
        const r = await b.run();
        fast.push(
          r.missingKey !== undefined
            ? itemError(documentMissing(r.missingKey), n++)
            : { rowcount: r.rowcount },
        );
      }
      await pg.exec("COMMIT");
      return fast;
    } catch (e) {
      await pg.exec("ROLLBACK");
      // An error of the whole request (a NULL key from an expression) leaves nothing applied.
      if (!isRowLevel(e) && e instanceof SimError && e.code !== 5000) throw e;
    }
  }
  const results: BulkItem[] = [];
  for (const b of bound) {
    try {
      const r = await b.run();
      if (r.missingKey !== undefined) {
        results.push(itemError(documentMissing(r.missingKey), errors++));
      } else results.push({ rowcount: r.rowcount });
    } catch (e) {
      if (!isRowLevel(e) && !(e instanceof SimError && e.code === 5000)) throw e;
      results.push(itemError(e as SimError, errors++));
    }
  }
  return results;
}

function itemError(e: SimError, n: number): BulkItem {
  return n < MAX_ITEM_ERRORS
    ? { rowcount: -2, error: { code: e.code, message: e.message } }
    : { rowcount: -2 };
}
