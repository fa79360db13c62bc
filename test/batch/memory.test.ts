import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { batchDir, type WrittenBatchFile, writeBatchFile } from "../helpers/batch-writer.ts";
import { PROBE_TABLE, probeRows } from "./memory-table.ts";

const run = promisify(execFile);
const MiB = 1024 * 1024;
const ROWS = 850_000; // ≈ 107 MB of CSV
let dir: string;
let cleanup: () => Promise<void>;
let file: WrittenBatchFile;

before(async () => {
  ({ dir, cleanup } = await batchDir());
  file = await writeBatchFile({
    dir,
    columns: PROBE_TABLE.columns,
    rows: probeRows(ROWS),
    nullString: "null-x",
    unmodifiedString: "unmod-x",
  });
});
after(() => cleanup());

async function probe(flags: string[], mode: "rss" | "retained") {
  const script = fileURLToPath(new URL("./memory-probe.ts", import.meta.url));
  const key = Buffer.from(file.key).toString("hex");
  const { stdout } = await run(process.execPath, [...flags, script, file.path, key, mode]);
  return JSON.parse(stdout) as { rows: number; bytes: number; rssGrowth: number; retained: number };
}

test("a 100 MB encrypted zstd batch file is read with less than 64 MB of RSS growth", async () => {
  assert.ok((await stat(file.path)).size < 40e6, "the file on disk is compressed");
  // V8 sizes its heap from physical memory and collects lazily (24 GiB here: hundreds of MB of
  // garbage may wait). A heap cap, as a production deployment sets, makes RSS follow what the
  // reader actually holds; reading must complete under it.
  const result = await probe(["--max-semi-space-size=8", "--max-old-space-size=128"], "rss");
  assert.equal(result.rows, ROWS);
  assert.ok(result.bytes > 100e6, `${result.bytes} bytes of rows`);
  assert.ok(result.rssGrowth < 64 * MiB, `RSS grew by ${(result.rssGrowth / MiB).toFixed(1)} MiB`);
});

test("the reader holds a bounded amount of memory regardless of file size", async () => {
  // Without any heap flags: what survives a full GC between chunks is the reader's working set.
  const result = await probe(["--expose-gc"], "retained");
  assert.equal(result.rows, ROWS);
  assert.ok(result.retained < 32 * MiB, `retained ${(result.retained / MiB).toFixed(1)} MiB`);
});
