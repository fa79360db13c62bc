/**
 * The CSV parser alone on in-memory text (no I/O, no conversion), against csv-parse on the same
 * text: 400,000 rows of the 10-column probe table, fed in 64 KiB pieces. Best of 5.
 */
import { parse } from "csv-parse/sync";
import { CsvParser } from "../src/batch/csv-parser.ts";
import { probeRows } from "../test/batch/memory-table.ts";

const ROWS = 400_000;
const PIECE = 64 * 1024;
const quote = (c: string) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
const lines: string[] = [];
for (const row of probeRows(ROWS))
  lines.push(row.map((c) => quote(typeof c === "string" ? c : "null-x")).join(","));
const text = `${lines.join("\n")}\n`;
const mb = Buffer.byteLength(text) / 1e6;

function best(run: () => number): number {
  let ms = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    if (run() !== ROWS) throw new Error("row count mismatch");
    ms = Math.min(ms, performance.now() - started);
  }
  return ms;
}

const ours = best(() => {
  const parser = new CsvParser();
  let n = 0;
  for (let i = 0; i < text.length; i += PIECE) n += parser.push(text.slice(i, i + PIECE)).length;
  return n + (parser.end() ? 1 : 0);
});
const oracle = best(() => (parse(text) as unknown[]).length);
for (const [name, ms] of [
  ["CsvParser", ours],
  ["csv-parse/sync", oracle],
] as const) {
  console.log(
    `${name.padEnd(15)} ${mb.toFixed(1)} MB  ${(ms / 1000).toFixed(2)} s  ${(mb / (ms / 1000)).toFixed(0).padStart(4)} MB/s  ${Math.round(
      ROWS / (ms / 1000),
    )
      .toLocaleString("en-US")
      .padStart(10)} rows/s`,
  );
}
