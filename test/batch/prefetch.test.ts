import assert from "node:assert/strict";
import { test } from "node:test";
import { prefetched } from "../../src/batch/prefetch.ts";

test("the next item is produced while the consumer is still busy with the current one", async () => {
  const events: string[] = [];
  async function* source() {
    for (let i = 1; i <= 3; i++) {
      events.push(`produce ${i}`);
      yield i;
    }
  }
  for await (const item of prefetched(source())) {
    events.push(`consume ${item} start`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    events.push(`consume ${item} end`);
  }
  assert.deepEqual(events, [
    "produce 1",
    "produce 2",
    "consume 1 start",
    "consume 1 end",
    "produce 3",
    "consume 2 start",
    "consume 2 end",
    "consume 3 start",
    "consume 3 end",
  ]);
});

test("leaving early closes the source after its pending item", async () => {
  let closed = false;
  async function* source() {
    try {
      for (let i = 1; ; i++) yield i;
    } finally {
      closed = true;
    }
  }
  for await (const item of prefetched(source())) {
    if (item === 2) break;
  }
  assert.equal(closed, true);
});

test("an error of the prefetched item reaches the consumer at that item, not before", async () => {
  async function* source() {
    yield 1;
    throw new Error("broken second item");
  }
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const item of prefetched(source())) seen.push(item);
  }, /broken second item/);
  assert.deepEqual(seen, [1]);
});
