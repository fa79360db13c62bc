import assert from "node:assert/strict";
import { test } from "node:test";
import { clientFixture, rejection } from "./client-fixture.ts";
import { bulkOk, crateError, type Handler, json, rowcountOk } from "./fake-node.ts";

const { client, node } = clientFixture();

test("bulk args are split by size, sent concurrently, and results come back in order", async () => {
  const n = await node((req, res) =>
    json(res, 200, {
      cols: [],
      results: (req.body?.bulk_args ?? []).map((r) => ({ rowcount: r[0] === 5 ? 0 : 1 })),
    }),
  );
  const rows = Array.from({ length: 50 }, (_, i) => [i, "x".repeat(30)]);
  const result = await client([n.url], { requestBytes: 300 }).bulk("INSERT INTO t VALUES (?, ?)", rows);
  assert.ok(n.requests.length > 5);
  assert.ok(n.requests.every((r) => r.raw.length <= 300));
  assert.equal(result.rowcount, 49);
  assert.equal(result.results.length, 50);
  assert.deepEqual(result.results[5], { rowcount: 0 });
  assert.deepEqual(
    n.requests.flatMap((r) => r.body?.bulk_args ?? []).sort((a, b) => Number(a[0]) - Number(b[0])),
    rows,
  );
});

test("a failed bulk item names its position and key columns, never its values", async () => {
  const n = await node((req, res) =>
    json(res, 200, {
      cols: [],
      results: (req.body?.bulk_args ?? []).map((r) =>
        r[0] === "key-7"
          ? {
              rowcount: -2,
              error: {
                code: 4091,
                message: "DuplicateKeyException[A document with the same primary key exists already: key-7]",
              },
            }
          : { rowcount: 1 },
      ),
    }),
  );
  const rows = Array.from({ length: 10 }, (_, i) => [`key-${i}`, i]);
  const error = await rejection(
    client([n.url], { requestBytes: 80 }).bulk("INSERT INTO t VALUES (?, ?)", rows, {
      keyColumns: ["id", "region"],
    }),
  );
  assert.equal(error.code, "CRATEDB_DUPLICATE_KEY");
  assert.equal(error.crateCode, 4091);
  assert.match(error.message, /the first is item 7 \(0-based\) of 10 \(key columns "id", "region"\)/);
  assert.ok(!error.message.includes("key-7"), error.message);
});

test("missing rows of a bulk delete count as zero when that is expected", async () => {
  const n = await node((req, res) =>
    json(res, 200, {
      cols: [],
      results: (req.body?.bulk_args ?? []).map((r) =>
        r[0] === 2
          ? {
              rowcount: -2,
              error: { code: 40411, message: "DocumentMissingException[[2]: document missing]" },
            }
          : { rowcount: 1 },
      ),
    }),
  );
  const c = client([n.url]);
  const rows = [[1], [2], [3]];
  const result = await c.bulk("DELETE FROM t WHERE id = ?", rows, { missingRowIsOk: true });
  assert.equal(result.rowcount, 2);
  assert.deepEqual(result.results, [{ rowcount: 1 }, { rowcount: 0 }, { rowcount: 1 }]);
  const error = await rejection(c.bulk("DELETE FROM t WHERE id = ?", rows));
  assert.equal(error.crateCode, 40411);
});

test("missing rows beyond the 10 that CrateDB details per shard still count as zero", async () => {
  // CrateDB details the first 10 failed items per shard; later ones are a bare -2 (cratedb.md §1.9).
  const missing =
    (details: (n: number) => { code: number; message: string }): Handler =>
    (req, res) =>
      json(res, 200, {
        cols: [],
        results: (req.body?.bulk_args ?? []).map((r, i) =>
          Number(r[0]) % 2 === 0
            ? { rowcount: 1 }
            : i < 20
              ? { rowcount: -2, error: details(Number(r[0])) }
              : { rowcount: -2 },
        ),
      });
  const rows = Array.from({ length: 30 }, (_, i) => [i]);
  const n = await node(
    missing((k) => ({ code: 40411, message: `DocumentMissingException[[${k}]: document missing]` })),
  );
  const result = await client([n.url]).bulk("DELETE FROM t WHERE id = ?", rows, { missingRowIsOk: true });
  assert.equal(result.rowcount, 15);
  assert.ok(result.results.every((r) => r.rowcount >= 0));
  // A bare item next to failures of another kind is not taken for a missing row.
  const other = await node(missing(() => ({ code: 4092, message: "VersionConflictEngineException[x]" })));
  const error = await rejection(
    client([other.url]).bulk("DELETE FROM t WHERE id = ?", rows, { missingRowIsOk: true, idempotent: false }),
  );
  assert.equal(error.code, "CRATEDB_VERSION_CONFLICT");
});

test("a node dying mid-batch hands the remaining chunks to the healthy node", async () => {
  const a = await node((req, res) => bulkOk(req, res));
  const b = await node((req, res) => bulkOk(req, res));
  a.handler = (req, res) => {
    bulkOk(req, res);
    if (a.requests.length === 2) void a.kill();
  };
  const rows = Array.from({ length: 40 }, (_, i) => [i]);
  const result = await client([a.url, b.url], { requestBytes: 60, concurrency: 1 }).bulk(
    "INSERT INTO t VALUES (?)",
    rows,
  );
  assert.equal(result.rowcount, 40);
  const sent = [...a.requests, ...b.requests].flatMap((r) => r.body?.bulk_args ?? []).map((r) => r[0]);
  assert.deepEqual(
    [...new Set(sent)].sort((x, y) => Number(x) - Number(y)),
    rows.map((r) => r[0]),
  );
  assert.ok(b.requests.length > a.requests.length);
});

test("bulk items that failed for a passing reason are sent again on their own", async () => {
  let round = 0;
  const n = await node((req, res) => {
    round++;
    json(res, 200, {
      cols: [],
      results: (req.body?.bulk_args ?? []).map((r) =>
        round === 1 && Number(r[0]) % 3 === 0
          ? {
              rowcount: -2,
              error: { code: 5002, message: "UnavailableShardsException[primary shard not active]" },
            }
          : { rowcount: 1 },
      ),
    });
  });
  const rows = Array.from({ length: 10 }, (_, i) => [i]);
  const result = await client([n.url]).bulk(
    "INSERT INTO t VALUES (?) ON CONFLICT (id) DO UPDATE SET id = id",
    rows,
  );
  assert.equal(result.rowcount, 10);
  assert.deepEqual(
    result.results.map((r) => r.rowcount),
    Array(10).fill(1),
  );
  assert.equal(n.requests.length, 2);
  assert.deepEqual(n.requests[1]!.body?.bulk_args, [[0], [3], [6], [9]]);
});

test("a search bulk goes in requests of at most maxItemsPerRequest; items a full search queue refused are sent again", async () => {
  const seen = new Set<number>();
  const n = await node((req, res) => {
    json(res, 200, {
      cols: [],
      results: (req.body?.bulk_args ?? []).map((r) => {
        const id = Number(r[0]);
        const first = !seen.has(id);
        seen.add(id);
        return first && id % 4 === 1
          ? {
              rowcount: -2,
              error: {
                code: 5000,
                message:
                  "EsRejectedExecutionException[rejected execution of [collect/LOW] on [name = n1/search]]",
              },
            }
          : { rowcount: 1 };
      }),
    });
  });
  const rows = Array.from({ length: 25 }, (_, i) => [i]);
  const result = await client([n.url], { concurrency: 1 }).bulk(
    "UPDATE t SET a = FALSE WHERE id = ? AND a = TRUE",
    rows,
    { maxItemsPerRequest: 10 },
  );
  assert.equal(result.rowcount, 25);
  assert.deepEqual(
    n.requests.map((r) => (r.body?.bulk_args ?? []).map((a) => a[0])),
    [
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [1, 5, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      [13, 17],
      [20, 21, 22, 23, 24],
      [21],
    ],
  );
});

test("bulk items with an open outcome are not sent again for a non-idempotent statement", async () => {
  const n = await node((req, res) =>
    json(res, 200, {
      cols: [],
      results: (req.body?.bulk_args ?? []).map(() => ({
        rowcount: -2,
        error: { code: 5002, message: "UnavailableShardsException[primary shard not active]" },
      })),
    }),
  );
  const error = await rejection(
    client([n.url]).bulk("INSERT INTO t VALUES (?)", [[1], [2]], { idempotent: false }),
  );
  assert.equal(error.code, "CRATEDB_SHARDS_FAILED");
  assert.match(error.message, /2 of 2 rows in one request failed; the first is item 0 \(0-based\) of 2/);
  assert.equal(n.requests.length, 1);
});

test("a row too large for CrateDB's request limit fails naming its position", async () => {
  const n = await node((req, res) => {
    if (req.raw.length > 1000) {
      res.writeHead(413, { "content-length": "0" });
      res.end();
    } else bulkOk(req, res);
  });
  const rows = [["a"], ["b"], ["x".repeat(5000)], ["c"]];
  const error = await rejection(
    client([n.url], { requestBytes: 200 }).bulk("INSERT INTO t VALUES (?)", rows, { keyColumns: ["id"] }),
  );
  assert.equal(error.code, "CRATEDB_REQUEST_TOO_LARGE");
  assert.equal(error.kind, "user");
  assert.match(
    error.message,
    /^Bulk item 2 \(0-based\) of 4 \(key columns "id"\) alone is \d+ bytes of JSON, more than CrateDB accepts/,
  );
  assert.ok(!error.message.includes("xxxx"));
});

test("a request-level rejection of a bulk names the items it carried", async () => {
  const n = await node((_req, res) =>
    crateError(res, 400, 4000, "SQLParseException[Cannot cast value `abc` to type `integer`]"),
  );
  const error = await rejection(client([n.url]).bulk("INSERT INTO t VALUES (?)", [[1], ["abc"]]));
  assert.equal(error.crateCode, 4000);
  assert.match(
    error.message,
    /^A bulk request \(bulk items 0–1 \(0-based\) of 2\) failed: CrateDB error 4000: SQLParseException\[Cannot cast value <value> to type `integer`\]/,
  );
});

test("large bodies travel gzip-compressed, small ones plain", async () => {
  const n = await node((req, res) => (req.body?.bulk_args ? bulkOk(req, res) : rowcountOk(res)));
  const rows = Array.from({ length: 2000 }, (_, i) => [i, "the same words again and again"]);
  await client([n.url]).bulk("INSERT INTO t VALUES (?, ?)", rows);
  await client([n.url]).sql("SELECT 1");
  const [big, small] = n.requests;
  assert.equal(big!.headers["content-encoding"], "gzip");
  assert.deepEqual(big!.body?.bulk_args, rows);
  assert.ok(big!.wireBytes * 5 < big!.raw.length, `${big!.wireBytes} vs ${big!.raw.length}`);
  assert.equal(small!.headers["content-encoding"], undefined);
  await client([n.url], { compressRequests: false }).bulk("INSERT INTO t VALUES (?, ?)", rows);
  assert.equal(n.requests[2]!.headers["content-encoding"], undefined);
});

test("one call's requests in flight never exceed its concurrency, however the work is split", async () => {
  let inFlight = 0;
  let most = 0;
  const n = await node((req, res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    setTimeout(() => {
      inFlight--;
      bulkOk(req, res);
    }, 20);
  });
  // A call's view of the client: three bulk calls at once, each cut into several requests.
  const view = client([n.url], { concurrency: 2, requestBytes: 65_536 }).withTag(
    "WriteBatch",
    "0a1b2c3d4e5f",
  );
  const rows = Array.from({ length: 6_000 }, (_, i) => [i, "x".repeat(20)]);
  await Promise.all([1, 2, 3].map(() => view.bulk("INSERT INTO t VALUES (?, ?)", rows)));
  assert.ok(n.requests.length >= 9, `${n.requests.length} requests`);
  assert.equal(most, 2);
});
