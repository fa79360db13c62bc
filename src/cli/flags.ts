/**
 * Every flag of the two commands, its environment variable, default and help line, as data: the
 * parser (args.ts), `--help` and the README's table follow it.
 */
import { DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_ROW_BYTES, DEFAULT_STALL_TIMEOUT_MS } from "../batch/index.ts";

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
  metricsTableLabels: false,
} as const;

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
/** V8's longest string is just under 512 Mi characters; a field must stay well below it. */
export const MAX_FIELD_LIMIT = 256 * MiB;
export const MAX_ROW_LIMIT = GiB;

export interface FlagSpec {
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
  "prepare-threads": {
    env: "CRATEDB_DESTINATION_PREPARE_THREADS",
    value: "<n>",
    help: "threads that read and prepare large WriteBatch files beside the calls' own thread, 0 for none (default: CPU cores − 2)",
  },
  "metrics-table-labels": {
    env: "CRATEDB_DESTINATION_METRICS_TABLE_LABELS",
    value: "<true|false>",
    help: "label the /metrics RPC and row series with schema and table (default false: one series per table can be many)",
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
