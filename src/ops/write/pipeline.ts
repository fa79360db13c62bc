/**
 * Runs the chunks of one step (all files of one kind) with a bounded number in flight, and never
 * two at once that touch the same key: the tester repeats keys within and across files
 * (fivetran-protocol.md §8.3), and two requests on one key racing would make the outcome depend on
 * timing instead of file order.
 *
 * Two modes:
 * - real-time (statements by full primary key): a chunk waits only for the in-flight chunks it
 *   shares a key with. Memory: the keys of the chunks in flight.
 * - search-based (`refresh` given; statements that only see refreshed rows): a chunk touching a key
 *   written since the last refresh waits for everything in flight, then the table is refreshed.
 *   Keys written since the last refresh are remembered up to `maxDirtyKeys`, then a refresh
 *   empties the set; this bounds memory for files of any size.
 */

export interface PipelineOptions {
  /** Chunks in flight at most. */
  readonly concurrency: number;
  /** Makes earlier writes visible to search-based statements; switches to search-based mode. */
  readonly refresh?: (() => Promise<void>) | undefined;
  readonly maxDirtyKeys?: number;
}

const DEFAULT_MAX_DIRTY_KEYS = 200_000;

export class KeyedPipeline {
  readonly #concurrency: number;
  readonly #refresh: (() => Promise<void>) | undefined;
  readonly #maxDirtyKeys: number;
  readonly #inFlight = new Set<Promise<void>>();
  /** Real-time mode: key → the in-flight chunk writing it. */
  readonly #owners = new Map<string, Promise<void>>();
  /** Search-based mode: keys written since the last refresh. */
  readonly #dirty = new Set<string>();
  #failure: { error: unknown } | undefined;

  constructor(options: PipelineOptions) {
    this.#concurrency = Math.max(1, options.concurrency);
    this.#refresh = options.refresh;
    this.#maxDirtyKeys = options.maxDirtyKeys ?? DEFAULT_MAX_DIRTY_KEYS;
  }

  /**
   * Starts `work` once it conflicts with nothing in flight and a slot is free; resolves when it
   * has started. Throws the first failure of any earlier chunk.
   */
  async submit(keys: readonly string[], work: () => Promise<void>): Promise<void> {
    this.#throwIfFailed();
    if (this.#refresh !== undefined) {
      if (this.#dirty.size + keys.length > this.#maxDirtyKeys || keys.some((k) => this.#dirty.has(k))) {
        await this.drain();
        await this.#refresh();
        this.#dirty.clear();
      }
    } else {
      const blockers = new Set<Promise<void>>();
      for (const key of keys) {
        const owner = this.#owners.get(key);
        if (owner !== undefined) blockers.add(owner);
      }
      if (blockers.size > 0) await Promise.all(blockers);
      this.#throwIfFailed();
    }
    while (this.#inFlight.size >= this.#concurrency) {
      await Promise.race(this.#inFlight);
      this.#throwIfFailed();
    }
    const task: Promise<void> = work()
      .catch((error: unknown) => {
        this.#failure ??= { error };
      })
      .finally(() => {
        this.#inFlight.delete(task);
        if (this.#refresh === undefined) {
          for (const key of keys) if (this.#owners.get(key) === task) this.#owners.delete(key);
        }
      });
    this.#inFlight.add(task);
    if (this.#refresh !== undefined) for (const key of keys) this.#dirty.add(key);
    else for (const key of keys) this.#owners.set(key, task);
  }

  /** Waits for every chunk in flight; throws the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    this.#throwIfFailed();
  }

  /** Waits for every chunk in flight, whatever their outcome (so nothing runs on after an error). */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
  }
}
