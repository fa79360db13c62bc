/**
 * The process around the server: start listening, log where, and shut down gracefully on
 * SIGTERM/SIGINT (a second signal exits at once).
 */
import { constants } from "node:os";
import { closeAllClients } from "../cratedb/client/registry.ts";
import { info, setLogLevel, severe, warning } from "../log.ts";
import { setBuildInfo, setTableLabels } from "../metrics.ts";
import { describeCause } from "../rpc/responses.ts";
import { startServer } from "../rpc/server.ts";
import type { CliOptions } from "./args.ts";
import { gitCommit, VERSION, versionFields } from "./version.ts";

/** A repeat of the first shutdown signal sooner than this is the same request, passed on by a wrapper. */
const DUPLICATE_SIGNAL_MS = 250;

export async function serve(options: CliOptions): Promise<void> {
  setLogLevel(options.logLevel);
  setTableLabels(options.metricsTableLabels);
  setBuildInfo(VERSION, gitCommit());
  process.on("uncaughtException", (err) => {
    severe(`uncaught exception, exiting: ${describeCause(err)}`);
    process.exit(1);
  });
  process.on("unhandledRejection", (reason) => {
    severe(`unhandled promise rejection, exiting: ${describeCause(reason)}`);
    process.exit(1);
  });

  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const where = `${options.host ?? "all interfaces"} port ${options.port}`;
    severe(
      code === "EADDRINUSE"
        ? `cannot listen on ${where}: the port is in use by another process`
        : `cannot listen on ${where}: ${describeCause(err)}`,
    );
    process.exitCode = 1;
    return;
  }
  let stopping: { signal: NodeJS.Signals; at: number } | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      // npm and npx pass on to the server the signal that a terminal's Ctrl-C or a group kill
      // already sent it, so the same signal again within a moment is that one request, not a second.
      if (signal === stopping.signal && performance.now() - stopping.at < DUPLICATE_SIGNAL_MS) return;
      warning(`${signal} received again during shutdown; exiting now`);
      process.exit(128 + constants.signals[signal]);
    }
    stopping = { signal, at: performance.now() };
    info(
      `${signal} received; shutting down: no new connections, waiting up to ${options.shutdownTimeoutMs} ms` +
        ` for ${server.inFlight} running call(s)`,
    );
    server
      .shutdown()
      .then(async (result) => {
        await closeAllClients();
        return result;
      })
      .then(
        ({ aborted }) => {
          if (aborted) warning("shutdown deadline passed; running calls were aborted");
          info("shutdown complete");
          process.exit(0);
        },
        (err: unknown) => {
          severe(`shutdown failed: ${describeCause(err)}`);
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  // Announced only once a signal would shut it down gracefully: supervisors and tests act on it.
  const shown = server.host.includes(":") ? `[${server.host}]` : server.host;
  info(
    `listening on ${shown}:${server.port}` +
      (server.host === "::" ? " (IPv6 and IPv4)" : "") +
      ` ${versionFields()} max_workers=${options.maxWorkers} prepare_threads=${server.prepareThreads}` +
      ` batch_file_format=${options.batchFileFormat}` +
      // The operator's own setting, shown so a deployment can check it took effect.
      (options.batchFiles?.allowedDirs ? ` batch_file_dirs=${options.batchFiles.allowedDirs.join(",")}` : ""),
  );
}
