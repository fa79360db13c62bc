/**
 * The results as an SVG bar chart, written by hand (no chart library): one panel per format,
 * bars of rows/s per workload and target on a logarithmic axis, with the decode and read limits
 * of each workload drawn across its group and the engine limits (COPY FROM, direct bulk_args)
 * marked on the CrateDB bar.
 */
import type { LimitResult, Results, RunResult, TargetName } from "./results.ts";
import { FORMATS, WORKLOADS } from "./workloads.ts";

const TARGETS: readonly { readonly name: TargetName; readonly label: string; readonly color: string }[] = [
  { name: "sink", label: "sink (own ceiling)", color: "#2b6cb0" },
  { name: "simulator", label: "simulator", color: "#9f7aea" },
  { name: "cratedb", label: "CrateDB", color: "#dd6b20" },
];

const WIDTH = 960;
const LEFT = 70;
const RIGHT = 20;
const PANEL_HEIGHT = 260;
const PANEL_GAP = 70;
const TOP = 70;

export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** 1234567 → "1.2M", 53786 → "54k". */
export function shortNumber(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1).replace(/\.0$/, "")}M`;
  if (n >= 1e3) return `${Math.round(n / 1e3)}k`;
  return String(Math.round(n));
}

const round = (n: number) => Math.round(n * 10) / 10;

export function renderChart(results: Results): string {
  const formats = FORMATS.filter((f) => results.runs.some((r) => r.format === f));
  const workloads = WORKLOADS.filter((w) => results.runs.some((r) => r.workload === w));
  const targets = TARGETS.filter((t) => results.runs.some((r) => r.target === t.name));
  const values = [
    ...results.runs.filter((r) => r.error === undefined).map((r) => r.rowsPerSecond),
    ...results.limits.filter((l) => l.error === undefined).map((l) => l.rowsPerSecond),
  ].filter((v) => v > 0 && Number.isFinite(v));
  const low = 10 ** Math.floor(Math.log10(Math.min(...values, 1e3)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values, 1e4)));
  const height = TOP + formats.length * (PANEL_HEIGHT + PANEL_GAP);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const groupWidth = plotWidth / Math.max(1, workloads.length);
  const barWidth = Math.min(34, (groupWidth * 0.7) / Math.max(1, targets.length));
  const out: string[] = [];
  const text = (x: number, y: number, body: string, attrs = "") =>
    out.push(`<text x="${round(x)}" y="${round(y)}"${attrs ? ` ${attrs}` : ""}>${escapeXml(body)}</text>`);
  const line = (x1: number, y1: number, x2: number, y2: number, attrs: string) =>
    out.push(`<line x1="${round(x1)}" y1="${round(y1)}" x2="${round(x2)}" y2="${round(y2)}" ${attrs}/>`);

  const m = results.meta;
  text(
    LEFT,
    24,
    "Rows per second through the whole server (gRPC → batch files → /_sql), log scale",
    'class="title"',
  );
  text(
    LEFT,
    44,
    `${m.date.slice(0, 10)}, size ${m.size}, ${m.machine.cpus} cores, Node ${m.node}${m.cratedb ? `, CrateDB ${m.cratedb.version}` : ""}, commit ${m.commit}`,
    'class="sub"',
  );
  // Legend.
  let lx = LEFT;
  for (const t of targets) {
    out.push(`<rect x="${lx}" y="52" width="12" height="10" fill="${t.color}"/>`);
    text(lx + 16, 61, t.label, 'class="legend"');
    lx += 22 + t.label.length * 6.5;
  }
  line(lx, 57, lx + 22, 57, 'class="decode"');
  text(lx + 26, 61, "decode limit", 'class="legend"');
  lx += 110;
  line(lx, 57, lx + 22, 57, 'class="read"');
  text(lx + 26, 61, "read + convert", 'class="legend"');
  lx += 118;
  line(lx, 57, lx + 14, 57, 'class="direct"');
  text(lx + 18, 61, "direct bulk_args", 'class="legend"');
  lx += 118;
  line(lx, 57, lx + 14, 57, 'class="copy"');
  text(lx + 18, 61, "COPY FROM", 'class="legend"');

  const limitOf = (kind: LimitResult["kind"], workload: string, format?: string) =>
    results.limits.find(
      (l) =>
        l.kind === kind &&
        l.workload === workload &&
        (format === undefined || l.format === format) &&
        !l.error,
    )?.rowsPerSecond;

  formats.forEach((format, p) => {
    const top = TOP + 16 + p * (PANEL_HEIGHT + PANEL_GAP);
    const bottom = top + PANEL_HEIGHT;
    const y = (v: number) =>
      bottom - ((Math.log10(v) - Math.log10(low)) / Math.log10(high / low)) * PANEL_HEIGHT;
    text(LEFT, top - 6, format === "csv" ? "CSV files" : "Parquet files", 'class="panel"');
    for (let v = low; v <= high; v *= 10) {
      line(LEFT, y(v), WIDTH - RIGHT, y(v), 'class="grid"');
      text(LEFT - 6, y(v) + 4, shortNumber(v), 'class="axis" text-anchor="end"');
    }
    line(LEFT, bottom, WIDTH - RIGHT, bottom, 'class="base"');
    workloads.forEach((workload, g) => {
      const x0 = LEFT + g * groupWidth;
      const first = x0 + (groupWidth - barWidth * targets.length) / 2;
      text(x0 + groupWidth / 2, bottom + 16, workload, 'class="axis" text-anchor="middle"');
      for (const [kind, cls] of [
        ["decode", "decode"],
        ["read", "read"],
      ] as const) {
        const v = limitOf(kind, workload, format);
        if (v !== undefined) line(x0 + 6, y(v), x0 + groupWidth - 6, y(v), `class="${cls}"`);
      }
      targets.forEach((t, k) => {
        const x = first + k * barWidth;
        const run: RunResult | undefined = results.runs.find(
          (r) => r.workload === workload && r.format === format && r.target === t.name,
        );
        if (run === undefined) return;
        if (run.error !== undefined || run.rowsPerSecond <= 0) {
          text(x + barWidth / 2, bottom - 6, "✕", `class="failed" text-anchor="middle"`);
          text(x + barWidth / 2, bottom + 28, "failed", `class="failedLabel" text-anchor="middle"`);
        } else {
          const top = y(Math.max(run.rowsPerSecond, low));
          out.push(
            `<rect x="${round(x + 1)}" y="${round(top)}" width="${round(barWidth - 2)}" height="${round(bottom - top)}" fill="${t.color}"><title>${escapeXml(`${workload} ${format} ${t.name}: ${Math.round(run.rowsPerSecond)} rows/s`)}</title></rect>`,
          );
          text(
            x + barWidth / 2,
            top - 3,
            shortNumber(run.rowsPerSecond),
            'class="value" text-anchor="middle"',
          );
        }
        if (t.name === "cratedb") {
          for (const kind of ["direct", "copy"] as const) {
            const v = limitOf(kind, workload);
            if (v !== undefined) line(x - 3, y(v), x + barWidth + 3, y(v), `class="${kind}"`);
          }
        }
      });
    });
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" role="img" aria-labelledby="chart-title">`,
    '<title id="chart-title">cratedb-fivetran-destination: rows per second by workload and target</title>',
    "<style>",
    ".title{font-size:15px;font-weight:bold}.sub{font-size:11px;fill:#555}.legend{font-size:11px}",
    ".panel{font-size:13px;font-weight:bold}.axis{font-size:11px;fill:#333}.value{font-size:9px;fill:#222}",
    ".failed{font-size:14px;fill:#c53030}.failedLabel{font-size:10px;fill:#c53030}.grid{stroke:#e2e8f0}.base{stroke:#4a5568}",
    ".decode{stroke:#2f855a;stroke-width:2;stroke-dasharray:6 3}.read{stroke:#2f855a;stroke-width:1.5;stroke-dasharray:2 2}",
    ".direct{stroke:#1a202c;stroke-width:3}.copy{stroke:#c53030;stroke-width:2}",
    "</style>",
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    ...out,
    "</svg>",
    "",
  ].join("\n");
}
