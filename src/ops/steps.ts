/** Named steps, so a retry can be tested after a failure at any of them. */
import type { RequestOptions } from "../cratedb/sql-client.ts";

export interface StepOptions extends RequestOptions {
  /**
   * Called after each completed step with its name (e.g. `rebuild:copy`). Tests throw from it to
   * simulate a failure right after that step, or act as a concurrent writer at that point.
   */
  readonly onStep?: (step: string) => void | Promise<void>;
}

export async function step(options: StepOptions, name: string, work: () => Promise<void>): Promise<void> {
  await work();
  await options.onStep?.(name);
}

/**
 * How long the clean-up after a failed step may take. It runs without the call's signal: a
 * cancelled call must not leave a blocked table or a missing column behind either.
 */
export const CLEANUP_TIMEOUT_MS = 30_000;
