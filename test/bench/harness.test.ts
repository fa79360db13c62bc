/**
 * The benchmark harness's pure parts (bench/harness), so they can't rot between benchmark runs:
 * the sink answers what the destination sends as CrateDB would, the chart renderer makes valid
 * SVG, the profile summary adds up, the workloads are deterministic. No benchmark runs here.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { escapeXml, renderChart, shortNumber } from "../../bench/harness/chart.ts";
import { summarise } from "../../bench/harness/profile.ts";
import { checkTargets } from "../../bench/harness/report.ts";
import type { Results, RunResult } from "../../bench/harness/results.ts";
import { answer, type SinkStats, startSink, withoutComment } from "../../bench/harness/sink.ts";
import { FORMATS, WORKLOADS, workload } from "../../bench/harness/workloads.ts";
import { UNMODIFIED } from "../../src/batch/values.ts";

const COMMENT = "/* fivetran:WriteBatch req=4f1c2a9b0e3d q=a1b2c3d4e5f6 */ ";

test("sink: a bulk request gets one {rowcount: 1} per arg set", () => {
  const stmt = `${COMMENT}INSERT INTO "s"."t" ("id", "a") VALUES (CASE WHEN CURRENT_TIMESTAMP < 1765000000000 THEN ? ELSE CAST(1/0 AS BIGINT) END, ?) ON CONFLICT ("id") DO UPDATE SET "a" = excluded."a"`;
  assert.deepEqual(
    answer({
      stmt,
      bulk_args: [
        [1, "x"],
        [2, "y"],
        [3, null],
      ],
    }),
    {
      cols: [],
      duration: 0.1,
      results: [{ rowcount: 1 }, { rowcount: 1 }, { rowcount: 1 }],
    },
  );
});

test("sink: metadata reads get answers the destination accepts", () => {
  const now = answer({ stmt: "SELECT CURRENT_TIMESTAMP" }) as { rows: number[][]; rowcount: number };
  assert.equal(now.rowcount, 1);
  assert.ok(Math.abs(now.rows[0]![0]! - Date.now()) < 60_000);
  const tables = answer({
    stmt: `${COMMENT}SELECT table_type, settings FROM information_schema.tables WHERE table_schema = ? AND table_name = ?`,
    args: ["s", "t"],
  });
  assert.deepEqual(tables, { cols: [], rows: [], rowcount: 0, duration: 0.1 });
  assert.deepEqual(answer({ stmt: "SELECT id FROM sys.jobs WHERE stmt LIKE ?", args: ["%q=x */%"] }), {
    cols: [],
    rows: [],
    rowcount: 0,
    duration: 0.1,
  });
  assert.equal((answer({ stmt: `${COMMENT}REFRESH TABLE "s"."t"` }) as { rowcount: number }).rowcount, 1);
  assert.equal(withoutComment(`${COMMENT}/* two */ CREATE TABLE x`), "CREATE TABLE x");
});

test("sink: the history lookup finds one earlier version per key", () => {
  const result = answer({
    stmt: `${COMMENT}SELECT "id", "name", "_fivetran_start", "_fivetran_end", "_fivetran_active" FROM "s"."h" WHERE "id" = ANY(?)`,
    args: [[7, 9]],
  }) as { cols: string[]; rows: unknown[][] };
  assert.deepEqual(result.cols, ["id", "name", "_fivetran_start", "_fivetran_end", "_fivetran_active"]);
  assert.deepEqual(result.rows, [
    [7, null, 1, 253_402_300_799_999, true],
    [9, null, 1, 253_402_300_799_999, true],
  ]);
});

test("sink: the server gunzips and parses bodies and counts what it received", async () => {
  const sink = await startSink();
  try {
    const body = JSON.stringify({ stmt: "INSERT INTO t VALUES (?)", bulk_args: [[1], [2]] });
    const res = await fetch(`${sink.url}/_sql`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: await promisify(gzip)(body),
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { results: unknown[] }).results.length, 2);
    const bad = await fetch(`${sink.url}/_sql`, { method: "POST", body: "{" });
    assert.equal(bad.status, 400);
    const stats = (await (await fetch(`${sink.url}/_bench/stats`)).json()) as SinkStats;
    assert.equal(stats.argSets, 2);
    assert.equal(stats.jsonBytes, body.length);
    assert.deepEqual(stats.statements, { INSERT: 1 });
  } finally {
    await sink.close();
  }
});

test("workloads: same rows every time; Parquet-safe updates; history covers its keys", () => {
  const first = [...workload("update", 50).files("csv")[0]!.rows()];
  const again = [...workload("update", 50).files("parquet")[0]!.rows()];
  assert.deepEqual(first, again);
  const columns = workload("update", 50).files("csv")[0]!.columns;
  for (const row of first) {
    row.forEach((cell, k) => {
      if (cell === UNMODIFIED) assert.ok(["STRING", "NAIVE_DATE", "JSON"].includes(columns[k]!.type));
    });
  }
  assert.equal(new Set(first.map((r) => r.map((c) => c === UNMODIFIED).join())).size, 4, "four column sets");
  const history = workload("history", 40).files("csv");
  assert.deepEqual(
    history.map((f) => [f.kind, f.count]),
    [
      ["earliest", 30],
      ["replace", 20],
      ["update", 10],
      ["delete", 10],
    ],
  );
  for (const name of WORKLOADS) {
    for (const format of FORMATS) {
      for (const spec of workload(name, 8).files(format)) {
        const rows = [...spec.rows()];
        assert.equal(rows.length, spec.count);
        for (const row of rows) assert.equal(row.length, spec.columns.length);
      }
    }
  }
});

test("profile: self time per function and file from samples and time deltas", () => {
  const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });
  const summary = summarise(
    {
      nodes: [
        { id: 1, callFrame: frame("(root)", "") },
        { id: 2, callFrame: frame("push", "file:///repo/src/batch/csv-parser.ts", 96) },
        { id: 3, callFrame: frame("(garbage collector)", "") },
        { id: 4, callFrame: frame("(idle)", "") },
      ],
      startTime: 0,
      endTime: 10_000,
      samples: [2, 2, 3, 4, 2],
      timeDeltas: [1000, 2000, 1000, 5000, 1000],
    },
    "/repo/",
  );
  assert.equal(summary.sampledMs, 5);
  assert.equal(summary.idleMs, 5);
  assert.deepEqual(summary.functions[0], {
    name: "push (src/batch/csv-parser.ts:97)",
    selfMs: 4,
    percent: 80,
  });
  assert.deepEqual(summary.files[1], { name: "(garbage collector)", selfMs: 1, percent: 20 });
  const windowed = summarise(
    {
      nodes: [{ id: 2, callFrame: frame("f", "") }],
      startTime: 100_000,
      endTime: 200_000,
      samples: [2, 2, 2],
      timeDeltas: [10_000, 20_000, 30_000],
    },
    "",
    25,
    { fromUs: 120_000, toUs: 140_000 },
  );
  assert.equal(windowed.functions[0]!.selfMs, 20, "only the sample taken at 130 ms");
});

function tinyResults(): Results {
  const run = (target: RunResult["target"], rowsPerSecond: number, error?: string): RunResult => ({
    workload: "narrow",
    format: "csv",
    target,
    rows: 1000,
    fileBytes: 1e5,
    csvBytes: 1.5e5,
    plainBytes: 1.5e5,
    seconds: 1000 / rowsPerSecond,
    rowsPerSecond,
    mbPerSecondCompressed: 1,
    mbPerSecondDecompressed: 2,
    cpuSeconds: 1,
    cpuSecondsPerMillionRows: 10,
    cores: 1,
    peakRssMB: 100,
    hwmMB: 100,
    loadAverage: 1,
    ratio: {},
    ...(error ? { error } : {}),
  });
  return {
    meta: {
      date: "2026-01-01T00:00:00.000Z",
      size: "small",
      args: [],
      commit: "abc & <def>",
      node: "v24",
      machine: { cpus: 2, model: "x", memoryGB: 1, loadAverageStart: [1] },
      cratedb: { version: "6.4.3", url: "http://x" },
    },
    runs: [run("sink", 600_000), run("simulator", 5_000), run("cratedb", 0, "rejected")],
    limits: [
      { kind: "decode", workload: "narrow", format: "csv", rows: 1000, seconds: 1, rowsPerSecond: 800_000 },
      { kind: "direct", workload: "narrow", rows: 1000, seconds: 1, rowsPerSecond: 40_000 },
    ],
    memory: [],
    scaling: [],
    targets: [],
  };
}

/** Tags open and close in order, and no `&` or `<` stands unescaped in text. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes another tag`);
    else if (!selfClosing) stack.push(name!);
  }
  assert.deepEqual(stack, [], "every tag is closed");
  const text = svg.replace(/<[^>]*>/g, "");
  assert.doesNotMatch(text, /&(?!amp;|lt;|gt;|quot;)/);
  assert.doesNotMatch(text, /</);
}

test("chart: valid SVG with a bar per successful run, failures and limits marked", () => {
  const svg = renderChart(tinyResults());
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.trimEnd().endsWith("</svg>"));
  assertWellFormed(svg);
  assert.equal((svg.match(/<rect [^>]*fill="#/g) ?? []).length, 3 + 2, "three legend boxes, two bars");
  assert.match(svg, /failed/);
  assert.match(svg, /class="decode"/);
  assert.match(svg, /class="direct"/);
  assert.match(svg, /abc &amp; &lt;def&gt;/);
  assert.equal(escapeXml(`a"b`), "a&quot;b");
  assert.deepEqual([shortNumber(1_000_000), shortNumber(53_786), shortNumber(426)], ["1M", "54k", "426"]);
});

test("targets: met, not met and not measured", () => {
  const results = tinyResults();
  results.runs[0] = { ...results.runs[0]!, ratio: { decode: 0.75 } };
  const checks = checkTargets(results);
  const of = (prefix: string) => checks.find((c) => c.target.startsWith(prefix))!;
  assert.equal(of("sink narrow upsert ≥ 500,000 rows/s (csv)").met, true);
  assert.equal(of("sink narrow upsert ≥ 70 %").met, true);
  assert.equal(of("sink wide").met, undefined);
  assert.equal(of("real CrateDB").met, false);
  assert.equal(of("peak RSS ≤ 256 MB").met, undefined);
});
