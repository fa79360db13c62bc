/**
 * Prometheus metrics, served at `GET /metrics` on the server's port (docs/running.md, "Metrics").
 * Labels are fixed vocabularies — RPC names, outcomes, operations, error codes — never table
 * values or secrets. Schema and table names appear only when the operator asks for them
 * (`--metrics-table-labels`), since a destination syncing thousands of tables would otherwise
 * make thousands of series.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const PREFIX = "cratedb_fivetran_destination_";
const SECONDS = [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10, 30, 60, 300, 1800];

let tableLabels = false;

/** Whether RPC and row series carry `schema` and `table` labels (off by default: cardinality). */
export function setTableLabels(on: boolean): void {
  tableLabels = on;
}

const rpcs = new Counter({
  name: `${PREFIX}rpcs_total`,
  help: "Destination RPCs answered, by method and outcome (success, task, warning, error status).",
  labelNames: ["method", "outcome", "schema", "table"],
  registers: [registry],
});
const rpcSeconds = new Histogram({
  name: `${PREFIX}rpc_duration_seconds`,
  help: "Time from receiving a destination RPC to answering it, waits for its table and a worker included.",
  labelNames: ["method", "outcome"],
  buckets: SECONDS,
  registers: [registry],
});
const rows = new Counter({
  name: `${PREFIX}rows_written_total`,
  help: "Batch file rows applied, by operation (replace, update, delete, earliest_start).",
  labelNames: ["method", "operation", "schema", "table"],
  registers: [registry],
});
const requestBytes = new Counter({
  name: `${PREFIX}cratedb_request_bytes_total`,
  help: "Bytes of request bodies sent to CrateDB (as sent, gzip'd or not), by RPC.",
  labelNames: ["method"],
  registers: [registry],
});
const requests = new Histogram({
  name: `${PREFIX}cratedb_request_duration_seconds`,
  help: "Time of one request to CrateDB, by kind (sql, bulk) and outcome (ok, error).",
  labelNames: ["kind", "outcome"],
  buckets: SECONDS,
  registers: [registry],
});
const retries = new Counter({
  name: `${PREFIX}cratedb_retries_total`,
  help: "Requests to CrateDB sent again, by the code of the failure that caused it.",
  labelNames: ["code"],
  registers: [registry],
});
const errors = new Counter({
  name: `${PREFIX}cratedb_errors_total`,
  help: "Requests to CrateDB that failed for good, by error code (docs/errors.md).",
  labelNames: ["code"],
  registers: [registry],
});
const buildInfo = new Gauge({
  name: `${PREFIX}build_info`,
  help: "Always 1; the labels say which build runs.",
  labelNames: ["version", "commit", "node"],
  registers: [registry],
});

/** Gauges read when scraped, from the server's own counts. */
export function registerServerGauges(read: {
  readonly running: () => number;
  readonly waiting: () => number;
  readonly inFlight: () => number;
  readonly prepareThreadsRunning: () => number;
  readonly prepareThreadsStarted: () => number;
  readonly prepareThreadsCpuSeconds: () => number;
}): void {
  for (const [name, help, value] of [
    ["rpcs_running", "Destination RPCs holding a worker slot.", read.running],
    ["rpcs_waiting", "Destination RPCs waiting for a worker slot or their table.", read.waiting],
    ["http_requests_in_flight", "HTTP requests in progress: RPCs, health and reflection.", read.inFlight],
    ["prepare_threads_running", "Threads preparing a WriteBatch step's files.", read.prepareThreadsRunning],
  ] as const) {
    registry.removeSingleMetric(`${PREFIX}${name}`);
    new Gauge({
      name: `${PREFIX}${name}`,
      help,
      registers: [registry],
      collect() {
        this.set(value());
      },
    });
  }
  for (const [name, help, value] of [
    [
      "prepare_threads_started_total",
      "Prepare threads started; the other steps were prepared on their call's thread.",
      read.prepareThreadsStarted,
    ],
    [
      "prepare_threads_cpu_seconds_total",
      "CPU time of prepare threads, counted when each finishes its step.",
      read.prepareThreadsCpuSeconds,
    ],
    [
      "main_thread_cpu_seconds_total",
      "CPU time of the thread every call shares: RPCs, ordering, HTTP, and steps prepared there.",
      mainThreadCpuSeconds,
    ],
  ] as const) {
    registry.removeSingleMetric(`${PREFIX}${name}`);
    let counted = 0;
    new Counter({
      name: `${PREFIX}${name}`,
      help,
      registers: [registry],
      collect() {
        const now = value();
        this.inc(now - counted);
        counted = now;
      },
    });
  }
}

/** Called on the main thread only: the registry is collected there. */
function mainThreadCpuSeconds(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1e6;
}

export function setBuildInfo(version: string, commit: string): void {
  buildInfo.set({ version, commit, node: process.version }, 1);
}

const where = (schema: string | undefined, table: string | undefined) =>
  tableLabels ? { schema: schema ?? "", table: table ?? "" } : { schema: "", table: "" };

export function observeRpc(
  method: string,
  outcome: string,
  seconds: number,
  target: { schema?: string | undefined; table?: string | undefined } = {},
): void {
  rpcs.inc({ method, outcome, ...where(target.schema, target.table) });
  rpcSeconds.observe({ method, outcome }, seconds);
}

export function countRows(
  method: string,
  operation: string,
  n: number,
  target: { schema: string; table: string },
): void {
  if (n > 0) rows.inc({ method, operation, ...where(target.schema, target.table) }, n);
}

export function observeRequest(
  method: string,
  kind: "sql" | "bulk",
  ok: boolean,
  seconds: number,
  bytes: number,
): void {
  requests.observe({ kind, outcome: ok ? "ok" : "error" }, seconds);
  requestBytes.inc({ method }, bytes);
}

export const countRetry = (code: string): void => retries.inc({ code });
export const countError = (code: string): void => errors.inc({ code });

/** The text a scrape gets. */
export const metricsText = (): Promise<string> => registry.metrics();
export const METRICS_CONTENT_TYPE = registry.contentType;
