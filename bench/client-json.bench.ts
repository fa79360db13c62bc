/**
 * Exact JSON on the client's hot paths: parsing result bodies (plain vs reviver path) and
 * serializing bulk arg sets (native fast path vs replacer path), chunking throughput and the
 * cost of gzip on a bulk body.
 * Run: npm run bench:micro client-json
 */
import { gzipSync } from "node:zlib";
import { serializeArgSets } from "../src/cratedb/client/arg-sets.ts";
import { bulkBodyOf, chunkBulk } from "../src/cratedb/client/chunking.ts";
import { parseExactJson, stringifyRow } from "../src/cratedb/client/exact-json.ts";
import type { SqlValue } from "../src/cratedb/sql-client.ts";

function time(label: string, bytes: number, run: () => void): void {
  run();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  console.log(
    `${label.padEnd(48)} ${best.toFixed(1).padStart(8)} ms  ${(bytes / 1e6 / (best / 1000)).toFixed(0).padStart(6)} MB/s`,
  );
}

const rows = Array.from({ length: 50_000 }, (_, i) => [
  i,
  `name ${i}`,
  i * 1.5,
  i % 2 === 0,
  null,
  1_700_000_000_000 + i,
]);
const plain = JSON.stringify({ cols: ["a", "b", "c", "d", "e", "f"], rows, rowcount: rows.length });
const exact = plain.replace("[0,", "[9223372036854775807,");
time("JSON.parse (baseline)", plain.length, () => JSON.parse(plain));
time("parseExactJson, no long numbers (pre-scan only)", plain.length, () => parseExactJson(plain));
time("parseExactJson, one BIGINT beyond 2^53 (reviver)", exact.length, () => parseExactJson(exact));

const args: SqlValue[][] = rows.map((r) => [...r] as SqlValue[]);
const withBig: SqlValue[][] = args.map((r) => [BigInt(r[0] as number), ...r.slice(1)]);
const bytes = args.reduce((n, r) => n + JSON.stringify(r).length, 0);
time("JSON.stringify per row (baseline)", bytes, () => {
  for (const r of args) JSON.stringify(r);
});
time("stringifyRow, plain rows", bytes, () => {
  for (const r of args) stringifyRow(r);
});
time("stringifyRow, rows with a bigint (replacer)", bytes, () => {
  for (const r of withBig) stringifyRow(r);
});
time("chunkBulk into 1 MiB bodies", bytes, () => {
  for (const _ of chunkBulk("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", serializeArgSets(args), 1 << 20));
});

const [chunk] = [...chunkBulk("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", serializeArgSets(args), 8 << 20)];
const body = bulkBodyOf("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", chunk!.groups);
for (const level of [1, 6]) {
  let size = 0;
  time(`gzip level ${level} of one bulk body`, body.length, () => {
    size = gzipSync(body, { level }).length;
  });
  console.log(`  ${body.length} → ${size} bytes (${(body.length / size).toFixed(1)}×)`);
}
