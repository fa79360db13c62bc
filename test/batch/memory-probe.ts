/**
 * Child process for the memory test: reads one batch file and prints the peak growth of RSS
 * over the baseline taken just before reading (sampled every 5 ms and after every chunk), and
 * the largest heap still in use after a full GC at chunk boundaries (when run with
 * --expose-gc and "retained" as the third argument). A fresh process gives a clean baseline.
 * argv: path, key (hex), "rss" | "retained"
 */
import { readBatchFile } from "../../src/batch/read-batch-file.ts";
import { PROBE_TABLE } from "./memory-table.ts";

const [path, keyHex, mode] = process.argv.slice(2) as [string, string, "rss" | "retained"];
const key = Buffer.from(keyHex, "hex");
const gc = globalThis.gc;

gc?.();
const baseline = process.memoryUsage();
let peakRss = baseline.rss;
let retained = 0;
const sample = () => {
  const rss = process.memoryUsage().rss;
  if (rss > peakRss) peakRss = rss;
};
const timer = setInterval(sample, 5);
let rows = 0;
let bytes = 0;
let chunks = 0;
for await (const chunk of readBatchFile(path, {
  table: PROBE_TABLE,
  keys: { [path]: key },
  fileParams: { compression: "zstd", encryption: "aes", nullString: "null-x", unmodifiedString: "unmod-x" },
  format: "csv",
})) {
  rows += chunk.rows.length;
  bytes += chunk.bytes;
  chunks++;
  sample();
  if (mode === "retained" && gc && chunks % 10 === 0) {
    gc();
    retained = Math.max(retained, process.memoryUsage().heapUsed - baseline.heapUsed);
  }
  // Stand-in for sending the chunk: give the prefetch and the sampler a turn.
  await new Promise((resolve) => setImmediate(resolve));
}
clearInterval(timer);
process.stdout.write(JSON.stringify({ rows, bytes, rssGrowth: peakRss - baseline.rss, retained }));
