/**
 * Re-yields `source`, always asking it for the next item before handing out the current one.
 * While the consumer awaits (sending a chunk to CrateDB), the next chunk is already being read
 * and parsed; at most one item is held ahead.
 */
export async function* prefetched<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  let pending = source.next();
  // If the consumer stops while a prefetch fails, that failure must not go unhandled.
  pending.catch(() => {});
  let finished = false;
  try {
    for (;;) {
      const result = await pending;
      if (result.done) {
        finished = true;
        return;
      }
      pending = source.next();
      pending.catch(() => {});
      yield result.value;
    }
  } finally {
    // The consumer left early (break, error): close the source, which releases the file.
    if (!finished) await source.return(undefined).catch(() => {});
  }
}
