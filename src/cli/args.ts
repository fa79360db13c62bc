/**
 * Command-line and environment parsing, kept pure: (argv, env) in, options or a usage error out.
 * Every flag has an environment variable; a flag given on the command line wins over it.
 * Two commands: the server (no subcommand) and `health`, a gRPC health check of a running server
 * for container health checks, which reads the server's own port and host variables so that both
 * agree without being told twice.
 */
import { isAbsolute, resolve } from "node:path";
import type { BatchFormat } from "../batch/index.ts";
import {
  type BatchFileLimits,
  DEFAULT_MAX_FIELD_BYTES,
  DEFAULT_MAX_ROW_BYTES,
  DEFAULT_STALL_TIMEOUT_MS,
} from "../batch/index.ts";
import { type LogLevel, parseLogLevel } from "../log.ts";

export interface CliOptions {
  readonly port: number;
  /** Unset: all interfaces, IPv6 and IPv4. */
  readonly host: string | undefined;
  readonly maxWorkers: number;
  readonly logLevel: LogLevel;
  readonly batchFileFormat: BatchFormat;
  readonly shutdownTimeoutMs: number;
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

export const DEFAULTS = {
  port: 50052,
  maxWorkers: 8,
  logLevel: "INFO",
  batchFileFormat: "csv",
  shutdownTimeoutSeconds: 30,
  batchFileStallTimeoutSeconds: DEFAULT_STALL_TIMEOUT_MS / 1000,
  maxFieldBytes: DEFAULT_MAX_FIELD_BYTES,
  maxRowBytes: DEFAULT_MAX_ROW_BYTES,
  healthTimeoutSeconds: 5,
} as const;

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
/** V8's longest string is just under 512 Mi characters; a field must stay well below it. */
const MAX_FIELD_LIMIT = 256 * MiB;
const MAX_ROW_LIMIT = GiB;

interface FlagSpec {
  readonly env: string;
  readonly value: string;
  readonly help: string;
}

/** Value flags, their environment variables and help lines (the README's table mirrors this). */
export const FLAGS = {
  port: {
    env: "CRATEDB_DESTINATION_PORT",
    value: "<port>",
    help: `TCP port to listen on, 0 for any free port (default ${DEFAULTS.port})`,
  },
  host: {
    env: "CRATEDB_DESTINATION_HOST",
    value: "<address>",
    help: "address to listen on (default: all interfaces, IPv6 and IPv4)",
  },
  "max-workers": {
    env: "CRATEDB_DESTINATION_MAX_WORKERS",
    value: "<n>",
    help: `RPCs processed at once; further calls wait in arrival order (default ${DEFAULTS.maxWorkers})`,
  },
  "log-level": {
    env: "CRATEDB_DESTINATION_LOG_LEVEL",
    value: "<level>",
    help: `lowest level logged: INFO, WARNING or SEVERE (default ${DEFAULTS.logLevel})`,
  },
  "batch-file-format": {
    env: "CRATEDB_DESTINATION_BATCH_FILE_FORMAT",
    value: "<csv|parquet>",
    help: `batch file format requested from Fivetran (default ${DEFAULTS.batchFileFormat})`,
  },
  "shutdown-timeout": {
    env: "CRATEDB_DESTINATION_SHUTDOWN_TIMEOUT",
    value: "<seconds>",
    help: `on SIGTERM/SIGINT, how long running calls may finish before they are aborted (default ${DEFAULTS.shutdownTimeoutSeconds})`,
  },
  "batch-file-dirs": {
    env: "CRATEDB_DESTINATION_BATCH_FILE_DIRS",
    value: "<dir>[,<dir>…]",
    help: "read batch files only inside these absolute directories, after resolving symbolic links and .. (default: anywhere)",
  },
  "batch-file-stall-timeout": {
    env: "CRATEDB_DESTINATION_BATCH_FILE_STALL_TIMEOUT",
    value: "<seconds>",
    help: `fail a batch file whose opening or reading makes no progress this long (default ${DEFAULTS.batchFileStallTimeoutSeconds})`,
  },
  "max-field-bytes": {
    env: "CRATEDB_DESTINATION_MAX_FIELD_BYTES",
    value: "<bytes>",
    help: `largest value one batch file field may hold, e.g. 64MiB (default ${DEFAULTS.maxFieldBytes / MiB}MiB)`,
  },
  "max-row-bytes": {
    env: "CRATEDB_DESTINATION_MAX_ROW_BYTES",
    value: "<bytes>",
    help: `largest row of a batch file, e.g. 128MiB (default ${DEFAULTS.maxRowBytes / MiB}MiB)`,
  },
} as const satisfies Record<string, FlagSpec>;

/** Flags of `health`: the server's port and host (same variables), and how long to wait for an answer. */
export const HEALTH_FLAGS = {
  port: {
    env: FLAGS.port.env,
    value: "<port>",
    help: `port the server listens on (default ${DEFAULTS.port})`,
  },
  host: {
    env: FLAGS.host.env,
    value: "<address>",
    help: "address the server listens on (default, and for :: or 0.0.0.0: 127.0.0.1)",
  },
  timeout: {
    env: "CRATEDB_DESTINATION_HEALTH_TIMEOUT",
    value: "<seconds>",
    help: `how long to wait for the answer (default ${DEFAULTS.healthTimeoutSeconds})`,
  },
} as const satisfies Record<string, FlagSpec>;

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

export function usage(): string {
  const lines = [
    "Usage: cratedb-fivetran-destination [options]",
    "       cratedb-fivetran-destination health [options]",
    "",
    "Fivetran destination for CrateDB: serves fivetran_sdk.v2.DestinationConnector over gRPC, Connect and gRPC-Web on one port.",
    "",
    "Options (each also read from the environment variable shown; the flag wins):",
  ];
  const describe = (flags: Record<string, FlagSpec>) => {
    for (const [name, spec] of Object.entries(flags)) {
      lines.push(`  --${name} ${spec.value}`.padEnd(40) + spec.help);
      lines.push(`${"".padEnd(40)}env ${spec.env}`);
    }
  };
  describe(FLAGS);
  lines.push(`  --help, -h`.padEnd(40) + "print this help and exit");
  lines.push(`  --version, -V`.padEnd(40) + "print the version, git commit and Node.js version and exit");
  lines.push(
    "",
    "health: asks a running server for its gRPC health (grpc.health.v1.Health/Check); prints the status",
    "and exits 0 when it is SERVING, 1 otherwise. For container and service-manager health checks.",
  );
  describe(HEALTH_FLAGS);
  return `${lines.join("\n")}\n`;
}
