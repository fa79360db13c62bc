/**
 * Making sure a request whose outcome is unknown (timeout, connection lost after sending, a
 * gateway's 502/504, the call cancelled) can no longer run before anything else happens: before it
 * is sent again, and before the call answers (docs/write-batch.md, "Late requests").
 *
 * Two ways a request outlives its sender:
 * - it runs on CrateDB past the client's timeout: found in `sys.jobs` by the query id in its
 *   leading comment, and stopped with `KILL`;
 * - it is held on the way (a proxy, a load balancer) and arrives later: fenced statements
 *   (src/cratedb/sql/fence.ts) carry a deadline on CrateDB's clock, so once CrateDB's clock has
 *   passed it, a late arrival is refused instead of applied.
 * So: wait until CrateDB's clock passes the deadline, then kill what still runs, then go on.
 */
import { randomBytes } from "node:crypto";
import { sleep } from "./backoff.ts";

/** Reads one statement's rows from any node; throws when no node answers. */
export type InternalQuery = (
  stmt: string,
  args: readonly unknown[],
  timeoutMs: number,
) => Promise<unknown[][]>;

/** How long one clock or jobs query may take. */
const QUERY_TIMEOUT_MS = 5_000;
/** Slack past the deadline: node clocks in one cluster differ by a little. */
const CLOCK_MARGIN_MS = 1_000;
/** How often, and how long at most, to look for a killed statement to be gone. */
const KILL_POLL_MS = 200;
const KILL_WAIT_MS = 30_000;
/** The clock offset to CrateDB is measured again after this long. */
const OFFSET_TTL_MS = 10 * 60_000;
/** A fenced request must start running on CrateDB within this long of being sent, at most. */
export const MAX_FENCE_WINDOW_MS = 120_000;

export class SettleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettleError";
  }
}

/** A fresh id for one request, written into its leading comment (`q=<id>`). */
export const newQueryId = (): string => randomBytes(6).toString("hex");

/** The `LIKE` pattern that finds a request's statement in `sys.jobs`. */
export const jobPattern = (queryId: string): string => `%q=${queryId} */%`;

export class Settler {
  readonly #query: InternalQuery;
  readonly #windowMs: number;
  /** CrateDB's clock minus ours, in ms; measured on first use. */
  #offset: { readonly ms: number; readonly uncertaintyMs: number; readonly at: number } | undefined;

  constructor(query: InternalQuery, requestTimeoutMs: number) {
    this.#query = query;
    this.#windowMs = Math.min(requestTimeoutMs, MAX_FENCE_WINDOW_MS);
  }

  /**
   * The deadline for a fenced request sent now, on CrateDB's clock: once the client has given up
   * on it (its timeout, or the window if shorter), it may no longer start.
   */
  async deadline(): Promise<number> {
    const offset = await this.#clockOffset();
    return Date.now() + (offset?.ms ?? 0) + this.#windowMs;
  }

  /**
   * Returns once the request with this query id (and deadline, when fenced) can no longer run.
   * Throws a SettleError when that can't be established (CrateDB unreachable, KILL not taking).
   */
  async settle(queryId: string, deadlineMs: number | undefined): Promise<void> {
    if (deadlineMs !== undefined) await this.#waitPast(deadlineMs);
    await this.#killRunning(queryId);
  }

  async #clockOffset(): Promise<{ readonly ms: number; readonly uncertaintyMs: number } | undefined> {
    if (this.#offset !== undefined && Date.now() - this.#offset.at < OFFSET_TTL_MS) return this.#offset;
    try {
      const before = Date.now();
      const rows = await this.#query("SELECT CURRENT_TIMESTAMP", [], QUERY_TIMEOUT_MS);
      const after = Date.now();
      const crate = Number(rows[0]?.[0]);
      if (!Number.isFinite(crate)) return this.#offset;
      this.#offset = { ms: crate - (before + after) / 2, uncertaintyMs: (after - before) / 2, at: after };
    } catch {
      // Unmeasured, the local clock stands in; the deadline wait below asks CrateDB itself.
    }
    return this.#offset;
  }

  /** Waits until CrateDB's clock has passed `deadlineMs` (asked directly where possible). */
  async #waitPast(deadlineMs: number): Promise<void> {
    for (;;) {
      let crateNow: number | undefined;
      try {
        const rows = await this.#query("SELECT CURRENT_TIMESTAMP", [], QUERY_TIMEOUT_MS);
        crateNow = Number(rows[0]?.[0]);
      } catch {
        crateNow = undefined;
      }
      if (crateNow === undefined || !Number.isFinite(crateNow)) {
        // CrateDB doesn't answer: go by our clock, with room for how well the offset is known.
        const offset = this.#offset;
        const slack = CLOCK_MARGIN_MS + (offset === undefined ? 30_000 : offset.uncertaintyMs * 2);
        const wait = deadlineMs + slack - (Date.now() + (offset?.ms ?? 0));
        if (wait > 0) await sleep(wait);
        return;
      }
      const wait = deadlineMs + CLOCK_MARGIN_MS - crateNow;
      if (wait <= 0) return;
      await sleep(Math.min(wait, 10_000));
    }
  }

  async #killRunning(queryId: string): Promise<void> {
    const pattern = jobPattern(queryId);
    const started = Date.now();
    let killed = false;
    for (;;) {
      let ids: string[];
      try {
        const rows = await this.#query(
          "SELECT id FROM sys.jobs WHERE stmt LIKE ?",
          [pattern],
          QUERY_TIMEOUT_MS,
        );
        ids = rows.map((r) => String(r[0]));
      } catch {
        throw new SettleError("outcome unknown: CrateDB could not be asked whether the statement still runs");
      }
      if (ids.length === 0) return;
      if (Date.now() - started > KILL_WAIT_MS) {
        throw new SettleError(
          `outcome unknown: the statement still ran on CrateDB ${KILL_WAIT_MS / 1000} s after KILL`,
        );
      }
      if (!killed) {
        for (const id of ids) await this.#query("KILL ?", [id], QUERY_TIMEOUT_MS).catch(() => undefined);
        killed = true;
      }
      await sleep(KILL_POLL_MS);
    }
  }
}
