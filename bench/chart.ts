/**
 * `npm run bench:chart -- [results.json] [out.svg]`: renders a results file of `npm run bench`
 * (default bench/results/latest.json) as the SVG chart docs/benchmarks.md shows
 * (default docs/benchmarks.svg).
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderChart } from "./harness/chart.ts";
import { ROOT } from "./harness/proc.ts";
import type { Results } from "./harness/results.ts";

const input = process.argv[2] ?? join(ROOT, "bench", "results", "latest.json");
const output = process.argv[3] ?? join(ROOT, "docs", "benchmarks.svg");
const results = JSON.parse(await readFile(input, "utf8")) as Results;
await writeFile(output, renderChart(results));
process.stdout.write(`${output} (from ${input})\n`);
