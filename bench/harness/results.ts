/** The shape of `bench/results/*.json`: what one `npm run bench` measured. */
import type { ProfileSummary } from "./profile.ts";
import type { Format, WorkloadName } from "./workloads.ts";

export type TargetName = "sink" | "simulator" | "cratedb";

export interface Meta {
  readonly date: string;
  readonly size: string;
  readonly args: readonly string[];
  readonly commit: string;
  readonly node: string;
  readonly machine: {
    readonly cpus: number;
    readonly model: string;
    readonly memoryGB: number;
    readonly loadAverageStart: readonly number[];
    loadAverageEnd?: readonly number[];
  };
  readonly cratedb?: { readonly version: string; readonly url: string; readonly heap?: string | undefined };
  seconds?: number;
}

/** One measured WriteBatch / WriteHistoryBatch call, through the whole server. */
export interface RunResult {
  readonly workload: WorkloadName;
  readonly format: Format;
  readonly target: TargetName;
  readonly rows: number;
  /** Encrypted, compressed bytes of the call's files. */
  readonly fileBytes: number;
  /** Decompressed bytes of the same rows written as CSV (for Parquet too, to compare). */
  readonly csvBytes: number;
  /** Decompressed bytes of the files themselves (the Parquet file for Parquet). */
  readonly plainBytes: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly mbPerSecondCompressed: number;
  readonly mbPerSecondDecompressed: number;
  readonly cpuSeconds: number;
  readonly cpuSecondsPerMillionRows: number;
  /** Server CPU seconds per wall second: how many cores the call kept busy. */
  readonly cores: number;
  readonly peakRssMB: number;
  readonly hwmMB: number;
  /**
   * The server's CPU by thread (its /metrics): the thread all calls share, and prepare threads.
   * The call can go no faster than its busiest thread allows, given a core for each.
   */
  readonly threadCpuSeconds?: { readonly main: number; readonly prepare: number };
  /** CPU the sink (or simulator) process used meanwhile. */
  readonly peerCpuSeconds?: number;
  /** Busy CPU seconds of the whole machine per wall second (CrateDB, the sink, other work included). */
  readonly machineCores?: number;
  readonly loadAverage: number;
  readonly ratio: { decode?: number; read?: number; copy?: number; direct?: number };
  readonly verified?: string;
  readonly error?: string;
  readonly sink?: { readonly requests: number; readonly argSets: number; readonly jsonBytes: number };
}

/** A limit measured on the same files or rows. */
export interface LimitResult {
  readonly kind: "decode" | "read" | "copy" | "direct";
  readonly workload: WorkloadName;
  /** Absent for engine limits, which don't depend on the file format. */
  readonly format?: Format;
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly cpuSeconds?: number;
  readonly peakRssMB?: number;
  readonly error?: string;
}

export interface MemoryResult {
  readonly format: Format;
  /** Decompressed CSV size of the batch, MB. */
  readonly csvMB: number;
  readonly plainMB: number;
  readonly rows: number;
  readonly seconds: number;
  /** RSS of the idle server right before the call. */
  readonly baselineRssMB: number;
  readonly peakRssMB: number;
  readonly hwmMB: number;
  readonly error?: string;
}

export interface ScalingResult {
  readonly calls: number;
  readonly rowsPerCall: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly cpuSeconds: number;
  readonly cores: number;
  readonly peakRssMB: number;
  readonly hwmMB: number;
  /** CPU the sink used meanwhile (on two cores it competes with the server). */
  readonly sinkCpuSeconds?: number;
  readonly machineCores?: number;
  /** As RunResult's: the main thread's CPU bounds what any number of calls can reach. */
  readonly threadCpuSeconds?: { readonly main: number; readonly prepare: number };
  readonly error?: string;
}

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  /** undefined when not measured in this run. */
  readonly met?: boolean;
}

export interface Results {
  readonly meta: Meta;
  readonly runs: RunResult[];
  readonly limits: LimitResult[];
  readonly memory: MemoryResult[];
  readonly scaling: ScalingResult[];
  profile?: ProfileSummary & { readonly workload: string; readonly rowsPerSecond: number };
  targets: TargetCheck[];
}
