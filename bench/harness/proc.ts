/**
 * Child processes of the benchmark (the destination server, the sink, the simulator) and what
 * Linux says about them: CPU time from /proc/<pid>/stat (all threads, so zlib/zstd work on the
 * thread pool counts), resident memory from /proc/<pid>/status, sampled while a call runs.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds of a process so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at state (field 3).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** CPU seconds all processes on the machine have used so far (busy time from /proc/stat). */
export function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const n = ticks.map(Number);
  // user nice system idle iowait irq softirq steal …: idle and iowait are not busy.
  const busy = n.slice(0, 8).reduce((a, b) => a + b, 0) - (n[3] ?? 0) - (n[4] ?? 0);
  return busy / CLOCK_TICKS;
}

/** VmRSS and VmHWM (peak over the process's life) in MB. */
export function memoryMB(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
}

/** Samples a process's RSS every `everyMs` until stopped; returns the peak seen, MB. */
export function rssSampler(pid: number, everyMs = 20): { stop(): number } {
  let peak = memoryMB(pid).rss;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, memoryMB(pid).rss);
    } catch {
      // The process ended; the peak so far stands.
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      try {
        peak = Math.max(peak, memoryMB(pid).rss);
      } catch {}
      return peak;
    },
  };
}

/** CPU, wall time and memory of one process over one stretch of work. */
export interface Usage {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMB: number;
  readonly hwmMB: number;
  /** CPU seconds per wall second of the whole machine (every process): near the core count, it was saturated. */
  readonly machineCores: number;
}

export function measureProcess(pid: number): { stop(): Usage } {
  const started = performance.now();
  const cpu = cpuSeconds(pid);
  const machine = machineBusySeconds();
  const sampler = rssSampler(pid);
  return {
    stop() {
      const wallSeconds = (performance.now() - started) / 1000;
      const peakRssMB = sampler.stop();
      return {
        wallSeconds,
        cpuSeconds: cpuSeconds(pid) - cpu,
        peakRssMB,
        hwmMB: memoryMB(pid).hwm,
        machineCores: (machineBusySeconds() - machine) / wallSeconds,
      };
    },
  };
}

export interface Child {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last lines the process printed (stdout and stderr), for error messages. */
  readonly output: string[];
  stop(): Promise<void>;
}

/**
 * Starts `node <args>` (the pinned Node this process runs on) and waits for a stdout line matching
 * `ready`, whose first group is returned. NODE_OPTIONS is dropped unless given in `env`, so the
 * child runs with Node's defaults.
 */
export async function startChild(
  args: readonly string[],
  ready: RegExp,
  env: Record<string, string> = {},
): Promise<Child & { readonly match: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv["NODE_OPTIONS"];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...childEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const match = await new Promise<string>((resolve, reject) => {
    let partial = "";
    const onData = (chunk: Buffer) => {
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        if (output.length > 50) output.shift();
        const m = ready.exec(line);
        if (m) resolve(m[1] ?? "");
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`${args.join(" ")} exited (${code}) before it was ready:\n${output.join("\n")}`)),
    );
  });
  return {
    child,
    pid: child.pid!,
    output,
    match,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface DestinationProcess extends Child {
  readonly port: number;
}

/** How the server is started: `--server-entry` and `--server-node-args` of `npm run bench`. */
export const serverCommand: { entry: string; nodeArgs: readonly string[] } = {
  entry: "src/main.ts",
  nodeArgs: [],
};

/** The destination server as Fivetran runs it: `node src/main.ts --port 0 …`, port from its log line. */
export async function startDestination(
  format: "csv" | "parquet",
  options: { nodeArgs?: readonly string[]; env?: Record<string, string> } = {},
): Promise<DestinationProcess> {
  const started = await startChild(
    [
      ...(options.nodeArgs ?? []),
      ...serverCommand.nodeArgs,
      serverCommand.entry,
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--batch-file-format",
      format,
    ],
    /"message":"listening on [^"]*:(\d+) /,
    options.env,
  );
  return { ...started, port: Number(started.match) };
}
