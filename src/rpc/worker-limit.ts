/**
 * `--max-workers N`: at most N destination RPCs run at once; the others wait in arrival order.
 * Each WriteBatch holds decoded chunks and keeps several requests to CrateDB in flight, so an
 * unbounded number of concurrent RPCs would multiply memory and load on the cluster.
 */
import { createContextKey, type Interceptor } from "@connectrpc/connect";

interface Waiter {
  grant: ((release: () => void) => void) | undefined;
}

export class WorkerLimit {
  readonly max: number;
  #running = 0;
  // FIFO of waiters; `head` avoids Array.shift's O(n) on long queues. A waiter whose caller gave
  // up keeps its place with `grant` cleared and is skipped.
  #queue: Waiter[] = [];
  #head = 0;

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`max workers must be an integer ≥ 1, got ${max}`);
    this.max = max;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    let n = 0;
    for (let i = this.#head; i < this.#queue.length; i++) if (this.#queue[i]?.grant !== undefined) n++;
    return n;
  }

  /** Resolves with a release function once a slot is free; rejects if `signal` aborts while waiting. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#running < this.max) {
      this.#running++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        waiter.grant = undefined;
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(release);
        },
      };
      this.#queue.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#next();
    };
  }

  #next(): void {
    while (this.#head < this.#queue.length) {
      const grant = this.#queue[this.#head]?.grant;
      this.#head++;
      if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
        // Under sustained load the queue never empties; drop the consumed prefix now and then.
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      if (grant !== undefined) {
        // The slot passes straight to the next waiter, so #running stays the same.
        grant(this.#releaser());
        return;
      }
    }
    this.#queue = [];
    this.#head = 0;
    this.#running--;
  }
}

/** How long the current call waited for a worker slot, for the per-RPC log line. */
export const queuedMsKey = createContextKey<number>(0, { description: "ms waited for a worker slot" });

/** Interceptor that runs every call of the service it is attached to under `limit`. */
export function workerLimitInterceptor(limit: WorkerLimit): Interceptor {
  return (next) => async (req) => {
    const started = performance.now();
    const release = await limit.acquire(req.signal);
    req.contextValues.set(queuedMsKey, performance.now() - started);
    try {
      return await next(req);
    } finally {
      release();
    }
  };
}
