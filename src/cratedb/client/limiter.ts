/**
 * At most `max` holders at once, the others waiting in arrival order. One per RPC call's client:
 * `request_concurrency` then bounds the requests one call has in flight, however its work is
 * split (chunks in flight, requests per bulk call, statement groups per chunk).
 */
export class Limiter {
  readonly #max: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  get active(): number {
    return this.#active;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#max) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, so #active stays the same.
      const next = this.#waiting.shift();
      if (next === undefined) this.#active--;
      else next();
    }
  }
}
