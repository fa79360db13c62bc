/**
 * `npm run bench:chart -- [results.json] [out.svg] [--markdown]`: renders a results file of
 * `npm run bench` (default bench/results/latest.json) as the SVG chart docs/benchmarks.md shows
 * (default docs/benchmarks.svg); with `--markdown`, also prints its tables as Markdown for that page.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderChart } from "./harness/chart.ts";
import { ROOT } from "./harness/proc.ts";
import { fullReport } from "./harness/report.ts";
import type { Results } from "./harness/results.ts";

const args = process.argv.slice(2).filter((a) => a !== "--markdown");
const input = args[0] ?? join(ROOT, "bench", "results", "latest.json");
const output = args[1] ?? join(ROOT, "docs", "benchmarks.svg");
const results = JSON.parse(await readFile(input, "utf8")) as Results;
await writeFile(output, renderChart(results));
if (process.argv.includes("--markdown")) process.stdout.write(fullReport(results, true));
else process.stdout.write(`${output} (from ${input})\n`);
