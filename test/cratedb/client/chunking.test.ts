import assert from "node:assert/strict";
import { test } from "node:test";
import { serializeArgSets } from "../../../src/cratedb/client/arg-sets.ts";
import { bulkBodyOf, chunkBulk } from "../../../src/cratedb/client/chunking.ts";

/** Room the chunker keeps for the comment and deadline each attempt's text gets. */
const ALLOWANCE = 160;

const bodies = (stmt: string, rows: unknown[][], limit: number) =>
  [...chunkBulk(stmt, serializeArgSets(rows as never), limit)].map((c) => {
    const body = bulkBodyOf(stmt, c.groups);
    return {
      start: c.start,
      count: c.count,
      bytes: body.length + ALLOWANCE,
      json: JSON.parse(body.toString()) as { stmt: string; bulk_args: unknown[][] },
    };
  });

test("all arg sets fit in one body below the limit", () => {
  const rows = [
    [1, "a"],
    [2, "b"],
  ];
  const chunks = bodies("INSERT", rows, 1000);
  assert.equal(chunks.length, 1);
  assert.deepEqual(chunks[0]!.json, { stmt: "INSERT", bulk_args: rows });
});

test("bodies are split by serialized bytes and never exceed the limit", () => {
  const rows = Array.from({ length: 100 }, (_, i) => [i, "x".repeat(i % 17), "ü€"]);
  for (const limit of [60, 200, 1000, 2000].map((l) => l + ALLOWANCE)) {
    const chunks = bodies('INSERT INTO "s"."t"', rows, limit);
    assert.ok(chunks.length > 1);
    assert.deepEqual(
      chunks.flatMap((c) => c.json.bulk_args),
      rows,
    );
    let next = 0;
    for (const chunk of chunks) {
      assert.equal(chunk.start, next);
      assert.equal(chunk.count, chunk.json.bulk_args.length);
      assert.ok(chunk.bytes <= limit || chunk.count === 1, `chunk of ${chunk.bytes} bytes over ${limit}`);
      next += chunk.count;
    }
  }
});

test("a chunk is filled up to the limit, not below it", () => {
  const rows = Array.from({ length: 10 }, () => ["abcd"]);
  // Frame {"stmt":"S","bulk_args":[]} is 27 bytes, each ["abcd"] 8 bytes plus a comma.
  const chunks = bodies("S", rows, ALLOWANCE + 27 + 8 * 3 + 2);
  assert.deepEqual(
    chunks.map((c) => c.count),
    [3, 3, 3, 1],
  );
  assert.equal(chunks[0]!.bytes, ALLOWANCE + 27 + 8 * 3 + 2);
});

test("an arg set larger than the limit travels alone", () => {
  const rows = [["a"], ["x".repeat(500)], ["b"]];
  const chunks = bodies("S", rows, ALLOWANCE + 100);
  assert.deepEqual(
    chunks.map((c) => [c.start, c.count]),
    [
      [0, 1],
      [1, 1],
      [2, 1],
    ],
  );
});

test("no arg sets yield no request", () => {
  assert.equal(bodies("S", [], 100).length, 0);
});

test("requests can be capped by arg sets as well as by bytes, groups split where needed", () => {
  const rows = Array.from({ length: 230 }, (_, i) => [i, "k"]);
  const chunks = [...chunkBulk("S", serializeArgSets(rows), 1 << 20, 50)];
  assert.deepEqual(
    chunks.map((c) => [c.start, c.count]),
    [
      [0, 50],
      [50, 50],
      [100, 50],
      [150, 50],
      [200, 30],
    ],
  );
  assert.deepEqual(
    chunks.flatMap(
      (c) => (JSON.parse(bulkBodyOf("S", c.groups).toString()) as { bulk_args: unknown[] }).bulk_args,
    ),
    rows,
  );
});
