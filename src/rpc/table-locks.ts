/**
 * Mutating RPCs on one table run one at a time within this process, in arrival order; calls on
 * other tables are not held up. Fivetran never sends two at once on purpose, but a duplicate
 * delivery (a retry while the first attempt still runs) would otherwise interleave their
 * statements, and CrateDB has no transactions to keep them apart. Across processes nothing is
 * serialised (docs/running.md).
 *
 * The lock is taken before a worker slot, so calls queued behind a busy table don't occupy slots
 * that calls on other tables could use.
 */
import type { Interceptor } from "@connectrpc/connect";

const MUTATING = new Set([
  "CreateTable",
  "AlterTable",
  "Truncate",
  "WriteBatch",
  "WriteHistoryBatch",
  "Migrate",
]);

/** Per key, the tail of the chain of holders and waiters. */
export class KeyedLocks {
  readonly #tails = new Map<string, Promise<void>>();

  /**
   * Resolves with a release function once every key is held; keys are taken in sorted order, so
   * two calls locking the same pair can't deadlock. Rejects if `signal` aborts while waiting.
   */
  async acquire(keys: readonly string[], signal?: AbortSignal): Promise<() => void> {
    const releases: (() => void)[] = [];
    try {
      for (const key of [...new Set(keys)].sort()) releases.push(await this.#acquireOne(key, signal));
    } catch (error) {
      for (const release of releases.reverse()) release();
      throw error;
    }
    return () => {
      for (const release of releases.reverse()) release();
    };
  }

  /** Keys currently held or waited for (for tests). */
  get size(): number {
    return this.#tails.size;
  }

  async #acquireOne(key: string, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The next caller waits for this one, whether it is granted, gives up waiting or finishes;
    // the key is forgotten once the whole chain up to this caller is through.
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    if (signal === undefined) {
      await previous;
      return release;
    }
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      await Promise.race([previous, aborted]);
    } catch (error) {
      release();
      throw error;
    } finally {
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
    return release;
  }
}

interface Targeted {
  configuration?: Record<string, string>;
  schemaName?: unknown;
  tableName?: unknown;
  table?: { name?: unknown };
  details?: { schema?: unknown; table?: unknown; operation?: { value?: unknown } };
}

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/**
 * The tables a request may change, as lock keys (cluster URL as configured, schema, table). A
 * Migrate that copies or renames also names its target table.
 */
export function lockKeys(message: unknown): string[] {
  if (typeof message !== "object" || message === null) return [];
  const m = message as Targeted;
  const cluster = text(m.configuration?.url)?.trim() ?? "";
  const schema = text(m.schemaName) ?? text(m.details?.schema);
  if (schema === undefined) return [];
  const tables = new Set<string>();
  for (const t of [text(m.tableName), text(m.table?.name), text(m.details?.table)])
    if (t !== undefined && t !== "") tables.add(t);
  const op = m.details?.operation?.value;
  const inner =
    typeof op === "object" && op !== null
      ? (op as { entity?: { value?: unknown } }).entity?.value
      : undefined;
  for (const candidate of [op, inner]) {
    if (typeof candidate !== "object" || candidate === null) continue;
    const { fromTable, toTable } = candidate as { fromTable?: unknown; toTable?: unknown };
    for (const t of [text(fromTable), text(toTable)]) if (t !== undefined && t !== "") tables.add(t);
  }
  return [...tables].map((table) => JSON.stringify([cluster, schema, table]));
}

/** Interceptor holding the request's table locks for the whole call (mutating RPCs only). */
export function tableLockInterceptor(locks: KeyedLocks): Interceptor {
  return (next) => async (req) => {
    if (!MUTATING.has(req.method.name)) return next(req);
    const keys = lockKeys(req.message);
    if (keys.length === 0) return next(req);
    const release = await locks.acquire(keys, req.signal);
    try {
      return await next(req);
    } finally {
      release();
    }
  };
}
