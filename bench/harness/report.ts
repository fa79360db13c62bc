/** The benchmark's printed tables and the targets, checked against a run's results. */
import type { LimitResult, Results, RunResult, TargetCheck } from "./results.ts";
import type { WorkloadName } from "./workloads.ts";

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const fixed = (n: number | undefined, digits = 1) => (n === undefined ? "–" : n.toFixed(digits));
const pct = (r: number | undefined) => (r === undefined ? "–" : `${Math.round(r * 100)}%`);

/** A table, its first `text` columns left-aligned, the rest (numbers) right-aligned: plain text or Markdown. */
export function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  markdown = false,
  text = 3,
): string {
  if (markdown) {
    const cell = (c: string) => c.replaceAll("|", "\\|");
    const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
    const rule = `|${head.map((_, i) => (i < text ? "---" : "---:")).join("|")}|`;
    return [line(head), rule, ...rows.map(line)].join("\n");
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const last = head.length - 1;
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i < text ? (i === last ? c : c.padEnd(widths[i]!)) : c.padStart(widths[i]!)))
      .join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function runsTable(runs: readonly RunResult[], markdown = false): string {
  const failures = runs
    .filter((r) => r.error !== undefined)
    .map((r) => `failed: ${r.workload}/${r.format}/${r.target}: ${r.error}`);
  const text = table(
    [
      "workload",
      "format",
      "target",
      "rows",
      "s",
      "rows/s",
      "MB/s file",
      "MB/s CSV",
      "CPU s/M rows",
      "cores",
      "main/prep CPU s/M",
      "1-call ceiling",
      "peak RSS MB",
      "peer CPU s",
      "machine cores",
      "×decode",
      "×read",
      "×COPY",
      "×direct",
    ],
    runs.map((r) =>
      r.error !== undefined
        ? [r.workload, r.format, r.target, int(r.rows), "–", "failed"]
        : [
            r.workload,
            r.format,
            r.target,
            int(r.rows),
            fixed(r.seconds, 2),
            int(r.rowsPerSecond),
            fixed(r.mbPerSecondCompressed),
            fixed(r.mbPerSecondDecompressed),
            fixed(r.cpuSecondsPerMillionRows),
            fixed(r.cores, 2),
            threadSplit(r),
            r.threadCpuSeconds === undefined ? "–" : int(ceiling(r)),
            int(r.hwmMB),
            fixed(r.peerCpuSeconds),
            fixed(r.machineCores, 2),
            pct(r.ratio.decode),
            pct(r.ratio.read),
            pct(r.ratio.copy),
            pct(r.ratio.direct),
          ],
    ),
    markdown,
  );
  const listed = markdown ? failures.map((f) => `- ${f}`) : failures;
  return failures.length === 0 ? text : `${text}\n\n${listed.join("\n")}`;
}

export function limitsTable(limits: readonly LimitResult[], markdown = false): string {
  return table(
    ["limit", "workload", "format", "rows", "s", "rows/s", "CPU s", "peak RSS MB"],
    limits.map((l) => [
      l.kind,
      l.workload,
      l.format ?? "–",
      int(l.rows),
      l.error === undefined ? fixed(l.seconds, 2) : "–",
      l.error === undefined ? int(l.rowsPerSecond) : "failed",
      fixed(l.cpuSeconds, 2),
      l.peakRssMB === undefined ? "–" : int(l.peakRssMB),
    ]),
    markdown,
  );
}

export function memoryTable(results: Results, markdown = false): string {
  return table(
    ["format", "CSV MB", "file plaintext MB", "rows", "s", "idle RSS MB", "peak RSS MB (VmHWM)"],
    results.memory.map((m) => [
      m.format,
      fixed(m.csvMB, 0),
      fixed(m.plainMB, 0),
      int(m.rows),
      m.error === undefined ? fixed(m.seconds, 1) : "failed",
      int(m.baselineRssMB),
      int(m.hwmMB),
    ]),
    markdown,
    1,
  );
}

export function scalingTable(results: Results, markdown = false): string {
  return table(
    [
      "calls",
      "rows/call",
      "s",
      "rows/s (all calls)",
      "CPU s",
      "cores",
      "main/prep CPU s",
      "peak RSS MB (VmHWM)",
      "sink CPU s",
      "machine cores",
    ],
    results.scaling.map((s) => [
      String(s.calls),
      int(s.rowsPerCall),
      s.error === undefined ? fixed(s.seconds, 1) : "failed",
      int(s.rowsPerSecond),
      fixed(s.cpuSeconds, 1),
      fixed(s.cores, 2),
      s.threadCpuSeconds === undefined
        ? "–"
        : `${fixed(s.threadCpuSeconds.main)}/${fixed(s.threadCpuSeconds.prepare)}`,
      int(s.hwmMB),
      fixed(s.sinkCpuSeconds),
      fixed(s.machineCores, 2),
    ]),
    markdown,
    1,
  );
}

export function profileText(results: Results, markdown = false): string {
  const p = results.profile;
  if (p === undefined) return "";
  if (markdown) {
    const entries = (list: typeof p.functions, n: number) =>
      table(
        ["self time", "", "function (file:line)"],
        list.slice(0, n).map((f) => [`${fixed(f.percent)} %`, `${fixed(f.selfMs, 0)} ms`, f.name]),
        true,
      );
    return [
      `${p.workload}: ${int(p.rowsPerSecond)} rows/s; ${int(p.sampledMs)} ms sampled (idle ${int(p.idleMs)} ms).`,
      "",
      entries(p.functions, 20),
      "",
      "By file:",
      "",
      entries(p.files, 12).replace("function (file:line)", "file"),
    ].join("\n");
  }
  const lines = [
    `CPU profile of the server, ${p.workload} (${int(p.rowsPerSecond)} rows/s; ${int(p.sampledMs)} ms sampled, idle ${int(p.idleMs)} ms)`,
    "top self time by function:",
    ...p.functions
      .slice(0, 20)
      .map((f) => `  ${fixed(f.percent).padStart(5)}%  ${fixed(f.selfMs, 0).padStart(6)} ms  ${f.name}`),
    "by file:",
    ...p.files
      .slice(0, 12)
      .map((f) => `  ${fixed(f.percent).padStart(5)}%  ${fixed(f.selfMs, 0).padStart(6)} ms  ${f.name}`),
  ];
  return lines.join("\n");
}

const find = (runs: readonly RunResult[], workload: WorkloadName, format: string, target: string) =>
  runs.find(
    (r) => r.workload === workload && r.format === format && r.target === target && r.error === undefined,
  );

/** The targets, each with what this run measured; `met` is undefined when not measured. */
export function checkTargets(results: Results): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const { runs } = results;
  for (const format of ["csv", "parquet"]) {
    const narrow = find(runs, "narrow", format, "sink");
    checks.push({
      target: `sink narrow upsert ≥ 500,000 rows/s (${format})`,
      measured: narrow ? `${int(narrow.rowsPerSecond)} rows/s` : "not measured",
      ...(narrow ? { met: narrow.rowsPerSecond >= 500_000 } : {}),
    });
    const decode = narrow?.ratio.decode;
    checks.push({
      target: `sink narrow upsert ≥ 70 % of the decode limit (${format})`,
      measured: decode === undefined ? "not measured" : pct(decode),
      ...(decode === undefined ? {} : { met: decode >= 0.7 }),
    });
    const wide = find(runs, "wide", format, "sink");
    checks.push({
      target: `sink wide ≥ 80 MB/s decompressed (${format}; CSV-equivalent MB)`,
      measured: wide ? `${fixed(wide.mbPerSecondDecompressed)} MB/s` : "not measured",
      ...(wide ? { met: wide.mbPerSecondDecompressed >= 80 } : {}),
    });
    for (const w of ["update", "delete", "soft-delete", "history"] as const) {
      const run = find(runs, w, format, "sink");
      const failed = runs.find(
        (r) => r.workload === w && r.format === format && r.target === "sink" && r.error,
      );
      checks.push({
        target: `sink ${w} within 2× of narrow upsert rows/s (${format})`,
        measured: failed
          ? "failed"
          : run && narrow
            ? `${int(run.rowsPerSecond)} vs ${int(narrow.rowsPerSecond)} rows/s (${fixed(narrow.rowsPerSecond / run.rowsPerSecond, 2)}×)`
            : "not measured",
        ...(failed
          ? { met: false }
          : run && narrow
            ? { met: run.rowsPerSecond * 2 >= narrow.rowsPerSecond }
            : {}),
      });
    }
  }
  const crate = runs.filter((r) => r.target === "cratedb");
  if (crate.length > 0) {
    const parts = crate.map((r) =>
      r.error !== undefined
        ? `${r.workload}/${r.format} failed`
        : `${r.workload}/${r.format} ${pct(r.ratio.direct)}`,
    );
    const met = crate.every((r) => r.error === undefined && (r.ratio.direct ?? 0) >= 0.95);
    checks.push({
      target: "real CrateDB ≥ 95 % of the direct bulk_args client, every workload",
      measured: parts.join(", "),
      met,
    });
  } else {
    checks.push({
      target: "real CrateDB ≥ 95 % of the direct bulk_args client, every workload",
      measured: "not measured (no CRATEDB_URL)",
    });
  }
  const csvMemory = results.memory.filter((m) => m.format === "csv" && m.error === undefined);
  const m100 = csvMemory.find((m) => Math.round(m.csvMB / 50) === 2);
  const m200 = csvMemory.find((m) => Math.round(m.csvMB / 50) === 4);
  checks.push({
    target: "peak RSS ≤ 256 MB for a 100 MB batch (CSV), no NODE_OPTIONS",
    measured: m100 ? `${int(m100.hwmMB)} MB` : "not measured",
    ...(m100 ? { met: m100.hwmMB <= 256 } : {}),
  });
  checks.push({
    target: "peak RSS flat as the batch doubles to 200 MB (within 10 %)",
    measured: m100 && m200 ? `${int(m100.hwmMB)} → ${int(m200.hwmMB)} MB` : "not measured",
    ...(m100 && m200 ? { met: m200.hwmMB <= m100.hwmMB * 1.1 } : {}),
  });
  const eight = results.scaling.find((s) => s.calls === 8 && s.error === undefined);
  checks.push({
    target: "8 concurrent WriteBatch calls: peak RSS ≤ 512 MB",
    measured: eight ? `${int(eight.hwmMB)} MB` : "not measured",
    ...(eight ? { met: eight.hwmMB <= 512 } : {}),
  });
  return checks;
}

export function targetsText(checks: readonly TargetCheck[], markdown = false): string {
  return table(
    ["", "target", "measured"],
    checks.map((c) => [c.met === undefined ? "?" : c.met ? "met" : "NOT met", c.target, c.measured]),
    markdown,
  );
}

/** Every section of a run, as the benchmark prints it (plain text) or for docs/benchmarks.md (Markdown). */
export function fullReport(results: Results, markdown = false): string {
  const sections: [string, string][] = [
    ["Runs (through the whole server over gRPC)", runsTable(results.runs, markdown)],
    ["Limits", limitsTable(results.limits, markdown)],
  ];
  if (results.memory.length > 0)
    sections.push(["Memory (fresh server, no NODE_OPTIONS, sink)", memoryTable(results, markdown)]);
  if (results.scaling.length > 0)
    sections.push(["Concurrent calls (narrow, CSV, sink)", scalingTable(results, markdown)]);
  if (results.profile !== undefined) sections.push(["Profile", profileText(results, markdown)]);
  sections.push(["Targets", targetsText(results.targets, markdown)]);
  return sections.map(([title, body]) => `## ${title}\n\n${body}\n`).join("\n");
}

/** CPU seconds per million rows of the main thread and of prepare threads: "1.9/6.3". */
function threadSplit(r: RunResult): string {
  if (r.threadCpuSeconds === undefined) return "–";
  const perM = (s: number) => fixed((s / r.rows) * 1e6);
  return `${perM(r.threadCpuSeconds.main)}/${perM(r.threadCpuSeconds.prepare)}`;
}

/**
 * Rows/s one call could reach with a free core for each of its threads: its busiest thread's
 * CPU per row decides (zlib, zstd and GC run on threads of their own and are left out).
 */
export function ceiling(r: RunResult): number {
  const busiest = Math.max(r.threadCpuSeconds?.main ?? 0, r.threadCpuSeconds?.prepare ?? 0);
  return busiest > 0 ? r.rows / busiest : 0;
}
