/**
 * `npm run bench -- [options]`: the destination measured through its whole server, against the
 * limits around it (docs/benchmarks.md).
 *
 * Per workload and format, the server runs as a child process (`node src/main.ts --port 0`) and
 * is called over gRPC like Fivetran calls it: CreateTable, then one WriteBatch or
 * WriteHistoryBatch, against each target — the sink (our own ceiling), the simulator, and a real
 * CrateDB when CRATEDB_URL is set. Beside them, on the same files or rows: the decode limit (read,
 * decrypt, decompress, parse; no conversion), the reader with conversion, and with a real CrateDB
 * the engine limits (COPY FROM, a direct bulk_args client). Then memory (100 and 200 MB batches,
 * no NODE_OPTIONS), concurrent calls, and a CPU profile of the sink narrow upsert. Prints tables
 * and writes bench/results/<date>-<size>.json and bench/results/latest.json.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { qualified } from "../../src/cratedb/sql/ident.ts";
import { TYPE_RECORDS } from "../../src/cratedb/sql/type-metadata.ts";
import type { TableRef } from "../../src/table-def.ts";
import { destinationSeries } from "../../test/helpers/metrics.ts";
import type { DecodeResult, DecodeSpec } from "./decode.ts";
import {
  type Crate,
  copyFrom,
  crateFromEnv,
  crateVersion,
  createLikeDestination,
  type DirectClient,
  directClient,
  dropTable,
  sql,
  verify,
} from "./engine.ts";
import { FileCache, type FileSet, SENTINELS } from "./files.ts";
import {
  type Child,
  cpuSeconds,
  measureProcess,
  memoryMB,
  ROOT,
  serverCommand,
  startChild,
  startDestination,
  type Usage,
} from "./proc.ts";
import { type CpuProfile, summarise } from "./profile.ts";
import { checkTargets, fullReport } from "./report.ts";
import type { LimitResult, MemoryResult, Results, RunResult, ScalingResult, TargetName } from "./results.ts";
import { Destination } from "./rpc.ts";
import type { SinkStats } from "./sink.ts";
import {
  FORMATS,
  type Format,
  rowsFor,
  SIZES,
  type SizePreset,
  WORKLOADS,
  type Workload,
  type WorkloadName,
  workload,
} from "./workloads.ts";

const USAGE = `npm run bench -- [options]
  --size small|medium|full   rows per workload (default small; full = 1 M narrow, 100 k wide rows)
  --rows N                   narrow upsert rows; the other workloads scale with the preset's ratios
  --workloads a,b            of ${WORKLOADS.join(", ")} (default all)
  --formats csv,parquet      (default both)
  --targets sink,simulator,cratedb   (default all; cratedb needs CRATEDB_URL)
  --skip x,y                 sections to leave out: limits, memory, scaling, profile
  --repeat N                 measure each run N times, keep the fastest (default 1)
  --profile-workload W       narrow or wide: what the CPU profile runs (default narrow; CSV, sink)
  --server-entry FILE        the server's entry (default src/main.ts; dist/main.js after npm run build)
  --server-node-args="…"     Node flags for the server, e.g. "--max-semi-space-size=16" as the
                             executable and the container image run it (default none)
  --out DIR                  results directory (default bench/results)
  env CRATEDB_URL (+ CRATEDB_USER, CRATEDB_PASSWORD): also measure against that CrateDB`;

const { values: opts } = parseArgs({
  options: {
    size: { type: "string", default: "small" },
    rows: { type: "string" },
    workloads: { type: "string" },
    formats: { type: "string" },
    targets: { type: "string" },
    skip: { type: "string", default: "" },
    repeat: { type: "string", default: "1" },
    "profile-workload": { type: "string", default: "narrow" },
    "server-entry": { type: "string", default: "src/main.ts" },
    "server-node-args": { type: "string", default: "" },
    out: { type: "string", default: join(ROOT, "bench", "results") },
    help: { type: "boolean", short: "h" },
  },
});
if (opts.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const list = <T extends string>(text: string | undefined, all: readonly T[], what: string): T[] => {
  if (text === undefined) return [...all];
  const items = text.split(",").filter((s) => s !== "");
  for (const item of items) {
    if (!all.includes(item as T)) throw new Error(`unknown ${what} "${item}" (${all.join(", ")})`);
  }
  return items as T[];
};

function preset(): SizePreset {
  const base = SIZES[opts.size as keyof typeof SIZES];
  if (base === undefined) throw new Error(`--size must be small, medium or full`);
  if (opts.rows === undefined) return base;
  const narrow = Number(opts.rows);
  const scale = narrow / base.rows.narrow;
  const rows = Object.fromEntries(
    Object.entries(base.rows).map(([k, v]) => [k, Math.max(10, Math.round(v * scale))]),
  ) as Record<WorkloadName, number>;
  return { ...base, rows };
}

const size = preset();
serverCommand.entry = opts["server-entry"];
serverCommand.nodeArgs = opts["server-node-args"].split(" ").filter((a) => a !== "");
const workloads = list(opts.workloads, WORKLOADS, "workload");
const formats = list(opts.formats, FORMATS, "format");
const crateUrl = process.env["CRATEDB_URL"];
const targets = list<TargetName>(opts.targets, ["sink", "simulator", "cratedb"], "target").filter(
  (t) => t !== "cratedb" || crateUrl !== undefined,
);
const skip = new Set(opts.skip.split(","));
const repeat = Math.max(1, Number(opts.repeat));
const crate: Crate | undefined = crateUrl === undefined ? undefined : crateFromEnv(crateUrl);
const log = (text: string) => process.stderr.write(`${text}\n`);

const started = performance.now();
const date = new Date().toISOString();
const results: Results = {
  meta: {
    date,
    size: opts.rows === undefined ? opts.size : `rows-${opts.rows}`,
    args: process.argv.slice(2),
    commit: gitCommit(),
    node: process.version,
    machine: {
      cpus: os.availableParallelism(),
      model: os.cpus()[0]?.model ?? "?",
      memoryGB: Math.round(os.totalmem() / 2 ** 30),
      loadAverageStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
    ...(crate
      ? { cratedb: { version: await crateVersion(crate), url: crate.url, heap: await crateHeap(crate) } }
      : {}),
  },
  runs: [],
  limits: [],
  memory: [],
  scaling: [],
  targets: [],
};

function gitCommit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: ROOT,
      encoding: "utf8",
    }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    return dirty.trim() === "" ? head : `${head}+src-changes`;
  } catch {
    return "?";
  }
}

async function crateHeap(c: Crate): Promise<string | undefined> {
  try {
    const r = await sql(c, "SELECT heap['max'] FROM sys.nodes");
    return `${Math.round(Number(r.rows[0]?.[0]) / 2 ** 20)} MB`;
  } catch {
    return undefined;
  }
}

const dir = await mkdtemp(join(os.tmpdir(), "bench-files-"));
const cache = new FileCache(dir);
const children: Child[] = [];
type Peer = Child & { readonly match: string };
let counter = 0;
const schemaName = () => `bench_${process.pid}_${++counter}`;

async function main(): Promise<void> {
  log(
    `bench: size ${results.meta.size}, workloads ${workloads.join(",")}, formats ${formats.join(",")}, targets ${targets.join(",")}`,
  );
  // Every file first, so nothing is written while anything is measured.
  const runsWanted: { w: Workload; format: Format; target: TargetName }[] = [];
  for (const name of workloads) {
    for (const format of formats) {
      for (const target of targets)
        runsWanted.push({ w: workload(name, rowsFor(size, name, target)), format, target });
    }
  }
  log("writing batch files …");
  for (const { w, format } of runsWanted) {
    await cache.batch(w, format);
    await cache.batch(w, "csv"); // the CSV-equivalent size of Parquet runs
    await cache.preload(w);
  }

  const sink =
    targets.includes("sink") || !skip.has("memory") || !skip.has("scaling") || !skip.has("profile")
      ? await startChild(["bench/harness/sink-main.ts"], /^listening (\S+)/)
      : undefined;
  if (sink) children.push(sink);
  const simulator = targets.includes("simulator")
    ? await startChild(["test/simulator/main.ts", "--port", "0"], /listening on (http\S+)/)
    : undefined;
  if (simulator) children.push(simulator);

  // Workload by workload, its limits right before its runs: on a shared machine whose load
  // changes, a ratio then compares figures measured minutes apart, not half an hour.
  const direct = crate ? directClient(crate) : undefined;
  try {
    for (const name of workloads) {
      log(`${name} …`);
      if (!skip.has("limits")) await decodeLimits(name);
      if (crate && direct && !skip.has("limits")) await engineLimits(crate, direct, name);
      for (const { w, format, target } of runsWanted.filter((r) => r.w.name === name)) {
        const peer = target === "sink" ? sink! : target === "simulator" ? simulator! : undefined;
        const url = target === "cratedb" ? crate!.url : peer!.match;
        const run = await best(() => measuredRun(w, format, target, url, peer));
        results.runs.push(run);
        log(
          `  ${w.name}/${format}/${target}: ${run.error ? `failed: ${run.error}` : `${Math.round(run.rowsPerSecond)} rows/s, ${run.cpuSecondsPerMillionRows.toFixed(1)} CPU s/M rows, ${Math.round(run.hwmMB)} MB`}`,
        );
      }
    }
  } finally {
    await direct?.close();
  }
  addRatios();

  if (sink && !skip.has("memory")) await memoryRuns(sink);
  if (sink && !skip.has("scaling")) await scalingRuns(sink);
  if (sink && !skip.has("profile")) await profileRun(sink);
}

/** Runs `measure` `repeat` times and keeps the fastest success (or the last failure). */
async function best<T extends { seconds: number; error?: string }>(measure: () => Promise<T>): Promise<T> {
  let kept: T | undefined;
  for (let i = 0; i < repeat; i++) {
    const result = await measure();
    if (
      kept === undefined ||
      (result.error === undefined && (kept.error !== undefined || result.seconds < kept.seconds))
    )
      kept = result;
  }
  return kept!;
}

function decodeSpec(mode: DecodeSpec["mode"], w: Workload, format: Format, set: FileSet): DecodeSpec {
  return {
    mode,
    format,
    table: w.table,
    fileParams: { compression: "zstd", encryption: "aes", ...SENTINELS },
    files: set.files.map((f) => ({ kind: f.kind, path: f.path, keyHex: Buffer.from(f.key).toString("hex") })),
  };
}

/** One decode measurement in a fresh process, no NODE_OPTIONS, like the server. */
function runDecodeChild(spec: DecodeSpec): Promise<DecodeResult> {
  const env = { ...process.env };
  delete env["NODE_OPTIONS"];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bench/harness/decode-main.ts"], {
      cwd: ROOT,
      env,
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString("utf8");
    });
    child.once("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out) as DecodeResult)
        : reject(new Error(`decode child exited ${code}`)),
    );
    child.stdin.end(JSON.stringify(spec));
  });
}

async function decodeLimits(name: WorkloadName): Promise<void> {
  for (const format of formats) {
    const w = workload(name, size.rows[name]);
    const set = await cache.batch(w, format);
    for (const mode of ["decode", "read"] as const) {
      const r = await best(async () => {
        try {
          return await runDecodeChild(decodeSpec(mode, w, format, set));
        } catch (error) {
          return { rows: 0, seconds: 0, cpuSeconds: 0, peakRssMB: 0, error: String(error) };
        }
      });
      if (r.rows !== set.rows && !("error" in r))
        throw new Error(`${mode} read ${r.rows} of ${set.rows} rows`);
      results.limits.push({
        kind: mode,
        workload: name,
        format,
        rows: r.rows,
        seconds: r.seconds,
        rowsPerSecond: r.rows / r.seconds,
        cpuSeconds: r.cpuSeconds,
        peakRssMB: r.peakRssMB,
        ...("error" in r ? { error: String(r.error) } : {}),
      });
      log(`  ${mode} ${name}/${format}: ${Math.round(r.rows / r.seconds)} rows/s`);
    }
  }
}

async function engineLimits(c: Crate, direct: DirectClient, name: WorkloadName): Promise<void> {
  const w = workload(name, size.rows[name]);
  for (const kind of ["copy", "direct"] as const) {
    const r = await best(async () => {
      const ref = { schema: schemaName(), table: w.table.name };
      try {
        // Bodies first: between loading the table and the measured call, every run waits the same.
        const send = kind === "direct" ? await direct.prepare(w, ref) : undefined;
        await createLikeDestination(c, ref, w.table);
        if (send === undefined) return await copyFrom(c, ref, w);
        if (w.preload) await copyFrom(c, ref, w);
        await settle();
        const timed = await send();
        const wrong = await verify(c, ref, w);
        if (wrong !== undefined) throw new Error(`direct client left a wrong table: ${wrong}`);
        return timed;
      } catch (error) {
        return { rows: 0, seconds: 0, error: String(error) };
      } finally {
        await dropTable(c, ref).catch(() => undefined);
      }
    });
    results.limits.push({
      kind,
      workload: name,
      rows: r.rows,
      seconds: r.seconds,
      rowsPerSecond: r.rows / r.seconds,
      ...("error" in r && r.error !== undefined ? { error: r.error } : {}),
    });
    log(`  ${kind} ${name}: ${"error" in r ? r.error : `${Math.round(r.rows / r.seconds)} rows/s`}`);
  }
}

/**
 * A quiet moment before each measured call against CrateDB, the same for the direct client and
 * the destination: CrateDB keeps working in the background after CREATE TABLE and a bulk import
 * (shard start, translog, segment merges), which would otherwise fall on whichever call comes
 * right after it.
 */
const SETTLE_MS = 3_000;
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

/** The setup form's values for a target: defaults (4 requests in flight, 8 MiB bodies, gzip). */
const configuration = (url: string): Record<string, string> =>
  url === crateUrl
    ? {
        url,
        username: process.env["CRATEDB_USER"] ?? "crate",
        password: process.env["CRATEDB_PASSWORD"] ?? "",
      }
    : { url, username: "crate", password: "" };

async function sinkCall(sink: Peer, path: string): Promise<SinkStats> {
  return (await (await fetch(`${sink.match}${path}`)).json()) as SinkStats;
}

/** Drops what a run left in a CrateDB or the simulator: its table and its type records. */
async function cleanUp(url: string, ref: TableRef): Promise<void> {
  const c = url === crate?.url ? crate : crateFromEnv(url);
  await dropTable(c, ref).catch(() => undefined);
  await sql(c, `REFRESH TABLE ${qualified(TYPE_RECORDS)}`).catch(() => undefined);
  await sql(c, `DELETE FROM ${qualified(TYPE_RECORDS)} WHERE table_schema = ?`, [ref.schema]).catch(
    () => undefined,
  );
}

async function measuredRun(
  w: Workload,
  format: Format,
  target: TargetName,
  url: string,
  peer: Peer | undefined,
): Promise<RunResult> {
  const set = await cache.batch(w, format);
  const csv = await cache.batch(w, "csv");
  const schema = target === "sink" ? "bench" : schemaName();
  const ref = { schema, table: w.table.name };
  const call = { configuration: configuration(url), schema };
  const base = {
    workload: w.name,
    format,
    target,
    rows: set.rows,
    fileBytes: set.bytes,
    csvBytes: csv.plainBytes,
    plainBytes: set.plainBytes,
    loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
  };
  let server = undefined as Awaited<ReturnType<typeof startDestination>> | undefined;
  let rpc: Destination | undefined;
  try {
    let created = false;
    if (w.preload && target === "simulator") {
      // Written by a server of its own, so the measured one starts fresh.
      const preload = (await cache.preload(w))!;
      const loader = await startDestination("csv");
      const loaderRpc = new Destination(loader.port);
      try {
        await loaderRpc.createTable(call, w.table);
        await loaderRpc.write(call, w.table, preload.files, SENTINELS, w.history);
      } finally {
        loaderRpc.close();
        await loader.stop();
      }
      created = true;
    }
    server = await startDestination(format);
    rpc = new Destination(server.port);
    if (!created) await rpc.createTable(call, w.table);
    if (target === "cratedb") {
      if (w.preload) await copyFrom(crate!, ref, w);
      await settle();
    }
    if (target === "sink") await sinkCall(peer!, "/_bench/reset");
    const peerCpu = peer ? cpuSeconds(peer.pid) : 0;
    const threadsBefore = await threadCpu(server.port);
    const usage = measureProcess(server.pid);
    let u: Usage;
    try {
      await rpc.write(call, w.table, set.files, SENTINELS, w.history);
    } finally {
      u = usage.stop();
    }
    const threadsAfter = await threadCpu(server.port);
    const peerCpuSeconds = peer ? cpuSeconds(peer.pid) - peerCpu : undefined;
    const stats = target === "sink" ? await sinkCall(peer!, "/_bench/stats") : undefined;
    const wrong = target === "sink" ? undefined : await verify(crateFromEnv(url), ref, w);
    return {
      ...base,
      seconds: u.wallSeconds,
      rowsPerSecond: set.rows / u.wallSeconds,
      mbPerSecondCompressed: set.bytes / 1e6 / u.wallSeconds,
      mbPerSecondDecompressed: csv.plainBytes / 1e6 / u.wallSeconds,
      cpuSeconds: u.cpuSeconds,
      cpuSecondsPerMillionRows: (u.cpuSeconds / set.rows) * 1e6,
      cores: u.cpuSeconds / u.wallSeconds,
      peakRssMB: u.peakRssMB,
      hwmMB: u.hwmMB,
      threadCpuSeconds: {
        main: threadsAfter.main - threadsBefore.main,
        prepare: threadsAfter.prepare - threadsBefore.prepare,
      },
      ...(peerCpuSeconds === undefined ? {} : { peerCpuSeconds }),
      machineCores: u.machineCores,
      ratio: {},
      ...(target === "sink" ? {} : { verified: wrong ?? "ok" }),
      ...(wrong === undefined ? {} : { error: `wrong table afterwards: ${wrong}` }),
      ...(stats
        ? { sink: { requests: stats.requests, argSets: stats.argSets, jsonBytes: stats.jsonBytes } }
        : {}),
    };
  } catch (error) {
    return {
      ...base,
      seconds: 0,
      rowsPerSecond: 0,
      mbPerSecondCompressed: 0,
      mbPerSecondDecompressed: 0,
      cpuSeconds: 0,
      cpuSecondsPerMillionRows: 0,
      cores: 0,
      peakRssMB: 0,
      hwmMB: 0,
      ratio: {},
      error: describeFailure(error, server),
    };
  } finally {
    rpc?.close();
    await server?.stop();
    if (target !== "sink") await cleanUp(url, ref);
  }
}

/** A failed call's message, with the server's SEVERE log lines when it points there. */
function describeFailure(error: unknown, server: Child | undefined): string {
  const message = decodeURIComponent(String((error as Error).message ?? error));
  const severe = (server?.output ?? [])
    .filter((line) => line.includes('"level":"SEVERE"'))
    .map((line) => {
      try {
        return (JSON.parse(line) as { message: string }).message;
      } catch {
        return line;
      }
    });
  return [message, ...severe.map((s) => `server log: ${s}`)].join("\n").slice(0, 2000);
}

/** Each run's rows/s against its limits: same workload (and format, for decode and read). */
function addRatios(): void {
  const limit = (kind: LimitResult["kind"], w: WorkloadName, format?: Format) =>
    results.limits.find(
      (l) => l.kind === kind && l.workload === w && (format === undefined || l.format === format) && !l.error,
    )?.rowsPerSecond;
  for (const [i, run] of results.runs.entries()) {
    if (run.error !== undefined) continue;
    const ratio = (l: number | undefined) => (l === undefined ? undefined : run.rowsPerSecond / l);
    const r = {
      decode: ratio(limit("decode", run.workload, run.format)),
      read: ratio(limit("read", run.workload, run.format)),
      ...(run.target === "cratedb"
        ? { copy: ratio(limit("copy", run.workload)), direct: ratio(limit("direct", run.workload)) }
        : {}),
    };
    results.runs[i] = {
      ...run,
      ratio: Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as RunResult["ratio"],
    };
  }
}

/** Peak RSS of a fresh server writing one narrow batch of the given decompressed size to the sink. */
async function memoryRuns(sink: Peer): Promise<void> {
  log("memory …");
  const sample = await cache.batch(workload("narrow", size.rows.narrow), "csv");
  const bytesPerRow = sample.plainBytes / sample.rows;
  for (const mb of size.memoryMB) {
    for (const format of formats) {
      const w = workload("narrow", Math.round((mb * 1e6) / bytesPerRow));
      const set = await cache.batch(w, format);
      const csv = await cache.batch(w, "csv");
      const call = { configuration: configuration(sink.match), schema: "bench_memory" };
      const server = await startDestination(format);
      const rpc = new Destination(server.port);
      try {
        await rpc.createTable(call, w.table);
        const baselineRssMB = memoryMB(server.pid).rss;
        const usage = measureProcess(server.pid);
        let error: string | undefined;
        try {
          await rpc.write(call, w.table, set.files, SENTINELS, false);
        } catch (e) {
          error = describeFailure(e, server);
        }
        const u = usage.stop();
        const result: MemoryResult = {
          format,
          csvMB: csv.plainBytes / 1e6,
          plainMB: set.plainBytes / 1e6,
          rows: set.rows,
          seconds: u.wallSeconds,
          baselineRssMB,
          peakRssMB: u.peakRssMB,
          hwmMB: u.hwmMB,
          ...(error === undefined ? {} : { error }),
        };
        results.memory.push(result);
        log(`  ${mb} MB ${format}: peak RSS ${Math.round(u.hwmMB)} MB${error ? ` (failed: ${error})` : ""}`);
      } finally {
        rpc.close();
        await server.stop();
      }
    }
  }
}

/** 1, 2, 4 and 8 WriteBatch calls at once, each on its own table (narrow, CSV, sink). */
async function scalingRuns(sink: Peer): Promise<void> {
  log("concurrent calls …");
  const w = workload("narrow", size.concurrentRows);
  const set = await cache.batch(w, "csv");
  for (const calls of [1, 2, 4, 8]) {
    const server = await startDestination("csv");
    const rpc = new Destination(server.port);
    const call = { configuration: configuration(sink.match), schema: "bench_scaling" };
    const tables = Array.from({ length: calls }, (_, k) => ({ ...w.table, name: `narrow_${k}` }));
    try {
      for (const table of tables) await rpc.createTable(call, table);
      const sinkCpu = cpuSeconds(sink.pid);
      const threadsBefore = await threadCpu(server.port);
      const usage = measureProcess(server.pid);
      let error: string | undefined;
      try {
        await Promise.all(tables.map((table) => rpc.write(call, table, set.files, SENTINELS, false)));
      } catch (e) {
        error = describeFailure(e, server);
      }
      const u = usage.stop();
      const threadsAfter = await threadCpu(server.port);
      const result: ScalingResult = {
        calls,
        rowsPerCall: set.rows,
        seconds: u.wallSeconds,
        rowsPerSecond: (calls * set.rows) / u.wallSeconds,
        cpuSeconds: u.cpuSeconds,
        cores: u.cpuSeconds / u.wallSeconds,
        peakRssMB: u.peakRssMB,
        hwmMB: u.hwmMB,
        sinkCpuSeconds: cpuSeconds(sink.pid) - sinkCpu,
        machineCores: u.machineCores,
        threadCpuSeconds: {
          main: threadsAfter.main - threadsBefore.main,
          prepare: threadsAfter.prepare - threadsBefore.prepare,
        },
        ...(error === undefined ? {} : { error }),
      };
      results.scaling.push(result);
      log(
        `  ${calls} calls: ${Math.round(result.rowsPerSecond)} rows/s, ${result.cores.toFixed(2)} cores, ${Math.round(u.hwmMB)} MB`,
      );
    } finally {
      rpc.close();
      await server.stop();
    }
  }
}

/** A sink upsert (CSV; narrow unless --profile-workload) again, with `--cpu-prof` on the server; self time summarised. */
/** CPU seconds so far of the server's main thread and of its finished prepare threads (/metrics). */
async function threadCpu(port: number): Promise<{ main: number; prepare: number }> {
  return {
    main: await destinationSeries(port, "main_thread_cpu_seconds_total"),
    prepare: await destinationSeries(port, "prepare_threads_cpu_seconds_total"),
  };
}

async function profileRun(sink: Peer): Promise<void> {
  log("CPU profile …");
  // The workloads a call writes into an empty table.
  const [name] = list(opts["profile-workload"], ["narrow", "wide"] as const, "profile workload");
  const w = workload(name!, size.rows[name!]);
  const set = await cache.batch(w, "csv");
  const profDir = join(ROOT, "bench", "out", "profiles");
  await rm(profDir, { recursive: true, force: true });
  await mkdir(profDir, { recursive: true });
  const server = await startDestination("csv", { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profDir}`] });
  const rpc = new Destination(server.port);
  const call = { configuration: configuration(sink.match), schema: "bench_profile" };
  let seconds = 0;
  const window = { fromUs: 0, toUs: 0 };
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  try {
    await rpc.createTable(call, w.table);
    const usage = measureProcess(server.pid);
    window.fromUs = nowUs();
    try {
      await rpc.write(call, w.table, set.files, SENTINELS, false);
    } finally {
      window.toUs = nowUs();
      seconds = usage.stop().wallSeconds;
    }
  } finally {
    rpc.close();
    await server.stop();
  }
  const file = (await readdir(profDir)).find((f) => f.endsWith(".cpuprofile"));
  if (file === undefined) throw new Error("the server wrote no .cpuprofile");
  const profile = JSON.parse(await readFile(join(profDir, file), "utf8")) as CpuProfile;
  results.profile = {
    workload: `${name} upsert, CSV, sink, ${set.rows.toLocaleString("en-US")} rows (the WriteBatch call only)`,
    rowsPerSecond: set.rows / seconds,
    ...summarise(profile, ROOT, 25, window),
  };
  log(`  profile: bench/out/profiles/${file}`);
}

async function writeResults(): Promise<void> {
  results.meta.machine.loadAverageEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  results.meta.seconds = Math.round((performance.now() - started) / 1000);
  results.targets = checkTargets(results);
  await mkdir(opts.out, { recursive: true });
  const text = `${JSON.stringify(results, null, 1)}\n`;
  const name = `${date.slice(0, 10)}-${results.meta.size}.json`;
  await writeFile(join(opts.out, name), text);
  await writeFile(join(opts.out, "latest.json"), text);
  process.stdout.write(`\n${fullReport(results)}`);
  process.stdout.write(`\nwritten: ${join(opts.out, name)} and latest.json (${results.meta.seconds} s)\n`);
}

try {
  await main();
  await writeResults();
} finally {
  for (const child of children) await child.stop();
  await rm(dir, { recursive: true, force: true });
}
