import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { KeyedPipeline } from "../../../src/ops/write/pipeline.ts";

/** A task that records overlap per key and finishes when released. */
function tracker() {
  const running = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const overlaps: string[] = [];
  const order: string[] = [];
  const releases: (() => void)[] = [];
  const task = (name: string, keys: readonly string[]) => async () => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    for (const k of keys) {
      if ((running.get(k) ?? 0) > 0) overlaps.push(k);
      running.set(k, (running.get(k) ?? 0) + 1);
    }
    await new Promise<void>((resolve) => releases.push(resolve));
    for (const k of keys) running.set(k, running.get(k)! - 1);
    inFlight--;
    order.push(name);
  };
  const releaseAll = () => {
    for (const r of releases.splice(0)) r();
  };
  return {
    task,
    releaseAll,
    overlaps,
    order,
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

/** Submits while releasing running tasks in the background, as requests finishing would. */
async function runAll(pipeline: KeyedPipeline, t: ReturnType<typeof tracker>, chunks: [string, string[]][]) {
  const timer = setInterval(t.releaseAll, 1);
  try {
    for (const [name, keys] of chunks) await pipeline.submit(keys, t.task(name, keys));
    await pipeline.drain();
  } finally {
    clearInterval(timer);
  }
}

describe("KeyedPipeline", () => {
  test("chunks sharing a key never run at the same time, and run in submission order", async () => {
    const t = tracker();
    await runAll(new KeyedPipeline({ concurrency: 4 }), t, [
      ["a", ["1", "2"]],
      ["b", ["3"]],
      ["c", ["2", "4"]],
      ["d", ["1"]],
    ]);
    assert.deepEqual(t.overlaps, []);
    assert.ok(t.order.indexOf("a") < t.order.indexOf("c"));
    assert.ok(t.order.indexOf("a") < t.order.indexOf("d"));
  });

  test("no more chunks than the concurrency are in flight", async () => {
    const t = tracker();
    const chunks = Array.from({ length: 12 }, (_, i): [string, string[]] => [`c${i}`, [String(i)]]);
    await runAll(new KeyedPipeline({ concurrency: 3 }), t, chunks);
    assert.equal(t.maxInFlight, 3);
    assert.equal(t.order.length, 12);
  });

  test("in search-based mode a key written since the last refresh forces a refresh first", async () => {
    const t = tracker();
    let refreshes = 0;
    const pipeline = new KeyedPipeline({ concurrency: 4, refresh: async () => void refreshes++ });
    await runAll(pipeline, t, [
      ["a", ["1"]],
      ["b", ["2"]],
      ["c", ["1"]],
      ["d", ["3"]],
    ]);
    assert.equal(refreshes, 1);
    assert.deepEqual(t.overlaps, []);
  });

  test("in search-based mode the remembered keys are bounded by refreshing", async () => {
    const t = tracker();
    let refreshes = 0;
    const pipeline = new KeyedPipeline({
      concurrency: 2,
      refresh: async () => void refreshes++,
      maxDirtyKeys: 4,
    });
    const chunks = Array.from({ length: 6 }, (_, i): [string, string[]] => [`c${i}`, [`${i}a`, `${i}b`]]);
    await runAll(pipeline, t, chunks);
    assert.equal(refreshes, 2);
  });

  test("a failed chunk stops later submissions and is reported once the others settle", async () => {
    const pipeline = new KeyedPipeline({ concurrency: 2 });
    let finished = 0;
    await pipeline.submit(["1"], async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished++;
    });
    await pipeline.submit(["2"], async () => {
      throw new Error("boom");
    });
    await assert.rejects(
      pipeline.submit(["3"], async () => void finished++),
      /boom/,
    );
    await assert.rejects(pipeline.drain(), /boom/);
    assert.equal(finished, 1);
  });
});
