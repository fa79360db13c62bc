import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type CliCommand,
  type CliOptions,
  DEFAULTS,
  FLAGS,
  HEALTH_FLAGS,
  type HealthOptions,
  parseCli,
  UsageError,
  usage,
} from "../../src/cli/args.ts";

function run(argv: string[], env: Record<string, string> = {}): CliOptions {
  const command: CliCommand = parseCli(argv, env);
  assert.equal(command.kind, "run");
  return (command as { options: CliOptions }).options;
}

test("without flags or environment the defaults apply", () => {
  assert.deepEqual(run([]), {
    port: 50052,
    host: undefined,
    maxWorkers: DEFAULTS.maxWorkers,
    logLevel: "INFO",
    batchFileFormat: "csv",
    shutdownTimeoutMs: 30_000,
    metricsTableLabels: false,
  });
});

test("flags are accepted as --name value and as --name=value", () => {
  const spaced = run([
    "--port",
    "50100",
    "--host",
    "127.0.0.1",
    "--max-workers",
    "3",
    "--log-level",
    "warning",
    "--batch-file-format",
    "PARQUET",
    "--shutdown-timeout",
    "2.5",
    "--metrics-table-labels",
    "true",
  ]);
  const joined = run([
    "--port=50100",
    "--host=127.0.0.1",
    "--max-workers=3",
    "--log-level=Warning",
    "--batch-file-format=parquet",
    "--shutdown-timeout=2.5",
    "--metrics-table-labels=TRUE",
  ]);
  const expected: CliOptions = {
    port: 50100,
    host: "127.0.0.1",
    maxWorkers: 3,
    logLevel: "WARNING",
    batchFileFormat: "parquet",
    shutdownTimeoutMs: 2_500,
    metricsTableLabels: true,
  };
  assert.deepEqual(spaced, expected);
  assert.deepEqual(joined, expected);
});

test("every flag can come from its environment variable", () => {
  const options = run([], {
    CRATEDB_DESTINATION_PORT: "6000",
    CRATEDB_DESTINATION_HOST: "::1",
    CRATEDB_DESTINATION_MAX_WORKERS: "2",
    CRATEDB_DESTINATION_LOG_LEVEL: "severe",
    CRATEDB_DESTINATION_BATCH_FILE_FORMAT: "parquet",
    CRATEDB_DESTINATION_SHUTDOWN_TIMEOUT: "0",
    CRATEDB_DESTINATION_METRICS_TABLE_LABELS: "yes",
    CRATEDB_DESTINATION_PREPARE_THREADS: "3",
  });
  assert.deepEqual(options, {
    port: 6000,
    host: "::1",
    maxWorkers: 2,
    logLevel: "SEVERE",
    batchFileFormat: "parquet",
    shutdownTimeoutMs: 0,
    metricsTableLabels: true,
    prepareThreads: 3,
  });
  assert.deepEqual(Object.values(FLAGS).map((f) => f.env).length, 12);
});

test("a flag wins over its environment variable, and an empty variable counts as unset", () => {
  const options = run(["--port", "7000"], {
    CRATEDB_DESTINATION_PORT: "6000",
    CRATEDB_DESTINATION_LOG_LEVEL: "",
  });
  assert.equal(options.port, 7000);
  assert.equal(options.logLevel, "INFO");
});

test("--prepare-threads takes 0 (none) to 256; unset leaves the server's default", () => {
  assert.equal(run(["--prepare-threads", "0"]).prepareThreads, 0);
  assert.equal(run(["--prepare-threads=256"]).prepareThreads, 256);
  assert.equal(run([]).prepareThreads, undefined);
  for (const bad of ["-1", "257", "two"])
    assert.throws(
      () => parseCli([`--prepare-threads=${bad}`], {}),
      /invalid value "[^"]*" for --prepare-threads: expected an integer from 0 to 256/,
      bad,
    );
});

test("the last of a repeated flag wins", () => {
  assert.equal(run(["--port", "1", "--port=2"]).port, 2);
});

test("--help and --version are commands of their own", () => {
  assert.deepEqual(parseCli(["--help"], {}), { kind: "help" });
  assert.deepEqual(parseCli(["-h"], {}), { kind: "help" });
  assert.deepEqual(parseCli(["--port", "1", "--version"], {}), { kind: "version" });
  for (const [name, spec] of Object.entries(FLAGS)) {
    assert.ok(usage().includes(`--${name}`), name);
    assert.ok(usage().includes(spec.env), spec.env);
  }
});

function health(argv: string[], env: Record<string, string> = {}): HealthOptions {
  const command = parseCli(["health", ...argv], env);
  assert.equal(command.kind, "health");
  return (command as { options: HealthOptions }).options;
}

test("health checks the default port on loopback within 5 seconds", () => {
  assert.deepEqual(health([]), { port: 50052, host: "127.0.0.1", timeoutMs: 5_000 });
});

test("health reads the server's own port and host variables, so both agree in a container", () => {
  assert.deepEqual(health([], { CRATEDB_DESTINATION_PORT: "6000", CRATEDB_DESTINATION_HOST: "10.1.2.3" }), {
    port: 6000,
    host: "10.1.2.3",
    timeoutMs: 5_000,
  });
  assert.deepEqual(
    health(["--port=7000", "--host", "::1", "--timeout", "0.5"], { CRATEDB_DESTINATION_PORT: "6000" }),
    { port: 7000, host: "::1", timeoutMs: 500 },
  );
  assert.equal(health([], { CRATEDB_DESTINATION_HEALTH_TIMEOUT: "30" }).timeoutMs, 30_000);
});

test("health reaches a server listening on all interfaces over loopback", () => {
  for (const host of ["::", "0.0.0.0", " "]) assert.equal(health(["--host", host]).host, "127.0.0.1", host);
  assert.equal(health([], { CRATEDB_DESTINATION_HOST: "::" }).host, "127.0.0.1");
});

test("health takes only its own flags, and --help and --version still work after it", () => {
  assert.throws(
    () => parseCli(["health", "--max-workers", "2"], {}),
    /^UsageError: unknown option --max-workers/,
  );
  assert.throws(
    () => parseCli(["health", "--port", "0"], {}),
    /for --port: expected an integer from 1 to 65535$/,
  );
  assert.throws(() => parseCli(["health", "--timeout", "0"], {}), /for --timeout: expected more than 0/);
  assert.throws(() => parseCli(["health", "now"], {}), /unexpected argument "now"/);
  assert.deepEqual(parseCli(["health", "--help"], {}), { kind: "help" });
  assert.deepEqual(parseCli(["health", "-V"], {}), { kind: "version" });
  for (const [name, spec] of Object.entries(HEALTH_FLAGS)) {
    assert.ok(usage().includes(`--${name}`), name);
    assert.ok(usage().includes(spec.env), spec.env);
  }
  assert.ok(usage().includes("cratedb-fivetran-destination health [options]"));
});

const bad: [string[], Record<string, string>, RegExp][] = [
  [["--prot", "1"], {}, /^unknown option --prot \(see --help\)$/],
  [["-p", "1"], {}, /^unexpected argument "-p"/],
  [["serve"], {}, /^unexpected argument "serve"/],
  [["--port"], {}, /^--port needs a value <port>$/],
  [["--port", "--host", "x"], {}, /^--port needs a value/],
  [["--port", "70000"], {}, /^invalid value "70000" for --port: expected an integer from 0 to 65535$/],
  [["--port=5e4"], {}, /^invalid value "5e4" for --port/],
  [["--port="], {}, /^invalid value "" for --port/],
  [["--max-workers", "0"], {}, /^invalid value "0" for --max-workers/],
  [["--log-level", "debug"], {}, /^invalid value "debug" for --log-level: expected INFO, WARNING or SEVERE$/],
  [
    ["--batch-file-format", "json"],
    {},
    /^invalid value "json" for --batch-file-format: expected csv or parquet$/,
  ],
  [["--shutdown-timeout", "-1"], {}, /^invalid value "-1" for --shutdown-timeout/],
  [["--shutdown-timeout", "soon"], {}, /^invalid value "soon" for --shutdown-timeout/],
  [
    ["--metrics-table-labels", "maybe"],
    {},
    /^invalid value "maybe" for --metrics-table-labels: expected true or false$/,
  ],
  [[], { CRATEDB_DESTINATION_PORT: "http" }, /^invalid value "http" for CRATEDB_DESTINATION_PORT/],
  [[], { CRATEDB_DESTINATION_MAX_WORKERS: "-3" }, /^invalid value "-3" for CRATEDB_DESTINATION_MAX_WORKERS/],
];
for (const [argv, env, message] of bad) {
  test(`${JSON.stringify(argv)} ${JSON.stringify(env)} is refused with a one-line reason`, () => {
    assert.throws(
      () => parseCli(argv, env),
      (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.match(err.message, message);
        assert.ok(!err.message.includes("\n"));
        return true;
      },
    );
  });
}
