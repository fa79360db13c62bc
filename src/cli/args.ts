/**
 * Command-line and environment parsing, kept pure: (argv, env) in, options or a usage error out.
 * Every flag has an environment variable; a flag given on the command line wins over it.
 * Two commands: the server (no subcommand) and `health`, a gRPC health check of a running server
 * for container health checks, which reads the server's own port and host variables so that both
 * agree without being told twice.
 */
import { isAbsolute, resolve } from "node:path";
import type { BatchFileLimits, BatchFormat } from "../batch/index.ts";
import { type LogLevel, parseLogLevel } from "../log.ts";
import {
  DEFAULTS,
  FLAGS,
  type FlagSpec,
  GiB,
  HEALTH_FLAGS,
  KiB,
  MAX_FIELD_LIMIT,
  MAX_ROW_LIMIT,
  MiB,
} from "./flags.ts";

export { DEFAULTS, FLAGS, HEALTH_FLAGS, usage } from "./flags.ts";

export interface CliOptions {
  readonly port: number;
  /** Unset: all interfaces, IPv6 and IPv4. */
  readonly host: string | undefined;
  readonly maxWorkers: number;
  readonly logLevel: LogLevel;
  readonly batchFileFormat: BatchFormat;
  readonly shutdownTimeoutMs: number;
  /** Whether /metrics series carry schema and table labels. */
  readonly metricsTableLabels: boolean;
  /** Prepare threads (`--prepare-threads`); unset: the server's default for this machine. */
  readonly prepareThreads?: number;
  /** Only the `--batch-file-*` settings given; the batch reader's defaults apply to the rest. */
  readonly batchFiles?: BatchFileLimits;
}

export interface HealthOptions {
  readonly port: number;
  /** Where to connect: the server's listen address, or loopback when it listens on all interfaces. */
  readonly host: string;
  readonly timeoutMs: number;
}

export type CliCommand =
  | { readonly kind: "run"; readonly options: CliOptions }
  | { readonly kind: "health"; readonly options: HealthOptions }
  | { readonly kind: "help" }
  | { readonly kind: "version" };

/** A bad flag or value; the message is one line for stderr, and the process exits with status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

interface RawValue {
  readonly text: string;
  /** The flag or variable it came from, for error messages. */
  readonly from: string;
}

type FlagValues<F> =
  | { readonly kind: "help" | "version" }
  | { readonly kind: "flags"; readonly raw: (name: keyof F & string) => RawValue | undefined };

/** Reads `--name value` and `--name=value` flags of one command; the last of a repeated flag wins. */
function readFlags<F extends Record<string, FlagSpec>>(
  argv: readonly string[],
  flags: F,
  env: Readonly<Record<string, string | undefined>>,
): FlagValues<F> {
  const isFlag = (name: string): name is keyof F & string => Object.hasOwn(flags, name);
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    if (arg === "--version" || arg === "-V") return { kind: "version" };
    if (!arg.startsWith("--"))
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (see --help)`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (!isFlag(name)) throw new UsageError(`unknown option --${name} (see --help)`);
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith("--"))
        throw new UsageError(`--${name} needs a value ${flags[name]!.value}`);
      i++;
    }
    given.set(name, value);
  }

  // Flags win over the environment; an empty environment variable counts as unset.
  return {
    kind: "flags",
    raw: (name) => {
      const flag = given.get(name);
      if (flag !== undefined) return { text: flag, from: `--${name}` };
      const variable = flags[name]!.env;
      const fromEnv = env[variable];
      return fromEnv === undefined || fromEnv === "" ? undefined : { text: fromEnv, from: variable };
    },
  };
}

export function parseCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliCommand {
  if (argv[0] === "health") {
    const read = readFlags(argv.slice(1), HEALTH_FLAGS, env);
    if (read.kind !== "flags") return { kind: read.kind };
    const { raw } = read;
    return {
      kind: "health",
      options: {
        port: parseOr(raw("port"), DEFAULTS.port, (t) => integerIn(t, 1, 65_535)),
        host: parseOr(raw("host"), "127.0.0.1", (t) => {
          const host = t.trim();
          // A server listening on every interface is reached over loopback (IPv4 works for both).
          return host === "" || host === "::" || host === "0.0.0.0" ? "127.0.0.1" : host;
        }),
        timeoutMs: parseOr(raw("timeout"), DEFAULTS.healthTimeoutSeconds * 1000, (t) => {
          if (!/^\s*\d+(\.\d+)?\s*$/.test(t)) throw new Error("expected a number of seconds > 0");
          const ms = Math.round(Number(t) * 1000);
          if (ms < 1 || ms > 3_600_000) throw new Error("expected more than 0 and at most 3600 seconds");
          return ms;
        }),
      },
    };
  }

  const read = readFlags(argv, FLAGS, env);
  if (read.kind !== "flags") return { kind: read.kind };
  const { raw } = read;
  const batchFiles: BatchFileLimits = {
    ...optional("allowedDirs", parseOr(raw("batch-file-dirs"), undefined, directoryList)),
    ...optional("stallTimeoutMs", parseOr(raw("batch-file-stall-timeout"), undefined, positiveSeconds)),
    ...optional(
      "maxFieldBytes",
      parseOr(raw("max-field-bytes"), undefined, (t) => byteSize(t, KiB, MAX_FIELD_LIMIT)),
    ),
    ...optional(
      "maxRowBytes",
      parseOr(raw("max-row-bytes"), undefined, (t) => byteSize(t, KiB, MAX_ROW_LIMIT)),
    ),
  };
  return {
    kind: "run",
    options: {
      port: parseOr(raw("port"), DEFAULTS.port, (t) => integerIn(t, 0, 65_535)),
      host: parseOr(raw("host"), undefined, (t) => (t.trim() === "" ? undefined : t.trim())),
      maxWorkers: parseOr(raw("max-workers"), DEFAULTS.maxWorkers, (t) => integerIn(t, 1, 1_024)),
      logLevel: parseOr(raw("log-level"), DEFAULTS.logLevel, (t) => {
        const level = parseLogLevel(t);
        if (level === undefined) throw new Error("expected INFO, WARNING or SEVERE");
        return level;
      }),
      batchFileFormat: parseOr(raw("batch-file-format"), DEFAULTS.batchFileFormat, (t) => {
        const format = t.trim().toLowerCase();
        if (format !== "csv" && format !== "parquet") throw new Error("expected csv or parquet");
        return format;
      }),
      shutdownTimeoutMs: parseOr(raw("shutdown-timeout"), DEFAULTS.shutdownTimeoutSeconds * 1000, (t) => {
        if (!/^\s*\d+(\.\d+)?\s*$/.test(t)) throw new Error("expected a number of seconds ≥ 0");
        const ms = Math.round(Number(t) * 1000);
        if (ms > 86_400_000) throw new Error("expected at most 86400 seconds");
        return ms;
      }),
      metricsTableLabels: parseOr(raw("metrics-table-labels"), DEFAULTS.metricsTableLabels, (t) => {
        const value = t.trim().toLowerCase();
        if (value === "true" || value === "1" || value === "yes") return true;
        if (value === "false" || value === "0" || value === "no") return false;
        throw new Error("expected true or false");
      }),
      ...optional(
        "prepareThreads",
        parseOr(raw("prepare-threads"), undefined, (t) => integerIn(t, 0, 256)),
      ),
      ...(Object.keys(batchFiles).length > 0 ? { batchFiles } : {}),
    },
  };
}

/** `{ [key]: value }`, or nothing when the value is undefined (the option was not given). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Bytes as `<n>`, `<n>KiB`, `<n>MiB` or `<n>GiB` (case-insensitive), from `min` to `max`. */
function byteSize(text: string, min: number, max: number): number {
  const match = /^\s*(\d+)\s*(kib|mib|gib)?\s*$/i.exec(text);
  const unit = { kib: KiB, mib: MiB, gib: GiB }[match?.[2]?.toLowerCase() as "kib" | "mib" | "gib"] ?? 1;
  const bytes = match ? Number(match[1]) * unit : Number.NaN;
  if (!(bytes >= min && bytes <= max)) {
    throw new Error(
      `expected a size from ${min / KiB}KiB to ${max / MiB}MiB, as bytes or with KiB, MiB or GiB`,
    );
  }
  return bytes;
}

/** Seconds > 0 (fractions allowed) up to a day, as milliseconds. */
function positiveSeconds(text: string): number {
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text)) throw new Error("expected a number of seconds > 0");
  const ms = Math.round(Number(text) * 1000);
  if (ms < 1) throw new Error("expected a number of seconds > 0");
  if (ms > 86_400_000) throw new Error("expected at most 86400 seconds");
  return ms;
}

/** Comma-separated absolute directories, normalised (`..` and trailing slashes resolved as text). */
function directoryList(text: string): string[] {
  const dirs = text.split(",").map((d) => d.trim());
  if (dirs.some((d) => d === "" || !isAbsolute(d) || d.includes("\0"))) {
    throw new Error("expected absolute directory paths separated by commas");
  }
  return dirs.map((d) => resolve(d));
}

function parseOr<T>(raw: RawValue | undefined, fallback: T, parse: (text: string) => T): T {
  if (raw === undefined) return fallback;
  try {
    return parse(raw.text);
  } catch (err) {
    throw new UsageError(
      `invalid value ${JSON.stringify(raw.text)} for ${raw.from}: ${(err as Error).message}`,
    );
  }
}

function integerIn(text: string, min: number, max: number): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new Error(`expected an integer from ${min} to ${max}`);
  const n = Number(text);
  if (n < min || n > max) throw new Error(`expected an integer from ${min} to ${max}`);
  return n;
}
