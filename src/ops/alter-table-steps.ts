/** Named steps, so a retry can be tested after a failure at any of them. */
import type { RequestOptions } from "../cratedb/sql-client.ts";

export interface AlterOptions extends RequestOptions {
  /**
   * Called after each completed step with its name (e.g. `rebuild:copy`). Tests throw from it to
   * simulate a failure right after that step, or act as a concurrent writer at that point.
   */
  readonly onStep?: (step: string) => void | Promise<void>;
}

export async function step(options: AlterOptions, name: string, work: () => Promise<void>): Promise<void> {
  await work();
  await options.onStep?.(name);
}
