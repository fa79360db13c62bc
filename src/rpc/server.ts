/**
 * The destination's server: gRPC (h2c prior knowledge), Connect (JSON and binary, HTTP/1.1 and
 * HTTP/2) and gRPC-Web on one port, plus health and reflection, with a graceful shutdown.
 */
import type http from "node:http";
import type http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { BatchFileLimits, BatchFormat } from "../batch/index.ts";
import { METRICS_CONTENT_TYPE, metricsText, registerServerGauges } from "../metrics.ts";
import { defaultPrepareThreads, PrepareThreads } from "../ops/write/prepare-thread.ts";
import { HealthState } from "./health.ts";
import { OnePortServer } from "./one-port.ts";
import { type DestinationImpl, HEALTH_SERVICES, routes } from "./routes.ts";
import { WorkerLimit } from "./worker-limit.ts";

/** Fivetran's limit for gRPC messages in both directions (fivetran-protocol.md §1). */
export const MAX_GRPC_MESSAGE_BYTES = 128 * 1024 * 1024;
/**
 * Idle HTTP/2 connections (Fivetran keeps its channel open between syncs) are closed after this;
 * the client reconnects for its next call. Long enough that a sync's calls reuse one connection.
 */
export const H2_IDLE_TIMEOUT_MS = 5 * 60_000;
/** After the shutdown deadline aborts the handlers, how long they get to answer before sockets close. */
const ABORT_GRACE_MS = 2_000;

export interface ServerOptions {
  readonly port: number;
  /** Unset: all interfaces, IPv6 and IPv4 (`::` dual-stack), or IPv4 only where IPv6 is unavailable. */
  readonly host?: string | undefined;
  readonly maxWorkers: number;
  readonly batchFileFormat: BatchFormat;
  /** What batch file reads are allowed (`--batch-file-*` flags); absent fields take defaults. */
  readonly batchFiles?: BatchFileLimits;
  /** Threads preparing large WriteBatch steps (ops/write/prepare-thread.ts); unset: cores − 2. */
  readonly prepareThreads?: number | undefined;
  /** How long in-flight calls may run after shutdown begins before their signals are aborted. */
  readonly shutdownTimeoutMs: number;
  /** A connection that has sent no request bytes after this long is closed. Default 10 s. */
  readonly sniffTimeoutMs?: number;
  /** An HTTP/2 connection with no call in progress for this long is closed. Default 5 minutes. */
  readonly h2IdleTimeoutMs?: number;
  readonly handlers?: Partial<DestinationImpl> | undefined;
}

export interface ShutdownResult {
  /** True when calls were still running at the deadline and had to be aborted. */
  readonly aborted: boolean;
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  readonly health: HealthState;
  readonly workerLimit: WorkerLimit;
  /** Prepare threads at most, as configured or defaulted. */
  readonly prepareThreads: number;
  /** Number of HTTP requests (RPCs) in progress, health and reflection included. */
  readonly inFlight: number;
  /** Idempotent: every call returns the same promise. */
  shutdown(): Promise<ShutdownResult>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const health = new HealthState(HEALTH_SERVICES);
  const workerLimit = new WorkerLimit(options.maxWorkers);
  const prepareThreads = options.prepareThreads ?? defaultPrepareThreads();
  const threads = new PrepareThreads({ threads: prepareThreads });
  const shutdownController = new AbortController();
  const adapter = connectNodeAdapter({
    routes: routes({
      batchFileFormat: options.batchFileFormat,
      batchFiles: options.batchFiles,
      prepareThreads: threads,
      workerLimit,
      health,
      handlers: options.handlers,
    }),
    readMaxBytes: MAX_GRPC_MESSAGE_BYTES,
    writeMaxBytes: MAX_GRPC_MESSAGE_BYTES,
    shutdownSignal: shutdownController.signal,
  });

  let inFlight = 0;
  let draining = false;
  let onSettled: (() => void) | undefined;
  registerServerGauges({
    running: () => workerLimit.running,
    waiting: () => workerLimit.waiting,
    inFlight: () => inFlight,
    prepareThreadsRunning: () => threads.running,
    prepareThreadsStarted: () => threads.started,
    prepareThreadsCpuSeconds: () => threads.cpuSeconds,
  });
  const handler = (
    req: http.IncomingMessage | http2.Http2ServerRequest,
    res: http.ServerResponse | http2.Http2ServerResponse,
  ) => {
    // Prometheus scrapes over HTTP/1.1 like anything else on this port; not an RPC, never queued.
    if (req.method === "GET" && (req.url === "/metrics" || req.url?.startsWith("/metrics?"))) {
      void serveMetrics(res);
      return;
    }
    inFlight++;
    // While draining, HTTP/1.1 keep-alive connections close after their current response.
    if (draining && req.httpVersionMajor === 1) res.setHeader("Connection", "close");
    res.once("close", () => {
      inFlight--;
      if (draining) setImmediate(() => ports.closeIdle());
      if (inFlight === 0) onSettled?.();
    });
    adapter(req as http.IncomingMessage, res as http.ServerResponse);
  };
  const ports = new OnePortServer(handler, {
    sniffTimeoutMs: options.sniffTimeoutMs ?? 10_000,
    h2IdleTimeoutMs: options.h2IdleTimeoutMs ?? H2_IDLE_TIMEOUT_MS,
  });
  const address = await listen(ports, options.port, options.host);

  const settled = (timeoutMs: number): Promise<boolean> => {
    if (inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      onSettled = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  };

  let shuttingDown: Promise<ShutdownResult> | undefined;
  const shutdown = async (): Promise<ShutdownResult> => {
    draining = true;
    health.setNotServing();
    const closed = ports.stopAccepting();
    ports.closeIdle();
    let aborted = false;
    if (!(await settled(options.shutdownTimeoutMs))) {
      aborted = true;
      shutdownController.abort(new ConnectError("the destination is shutting down", Code.Unavailable));
      await settled(ABORT_GRACE_MS);
    }
    ports.closeAll();
    // Destroyed sockets close within a tick or two; never let one stuck socket hold up the exit.
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    return { aborted };
  };

  return {
    host: address.address,
    port: address.port,
    health,
    workerLimit,
    prepareThreads,
    get inFlight() {
      return inFlight;
    },
    shutdown() {
      shuttingDown ??= shutdown();
      return shuttingDown;
    },
  };
}

async function listen(ports: OnePortServer, port: number, host: string | undefined): Promise<AddressInfo> {
  const attempt = (h: string) =>
    new Promise<AddressInfo>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      ports.tcp.once("error", onError);
      // ipv6Only false: on `::` the socket accepts IPv4 too (mapped addresses).
      ports.tcp.listen({ port, host: h, ipv6Only: false }, () => {
        ports.tcp.off("error", onError);
        resolve(ports.tcp.address() as AddressInfo);
      });
    });
  if (host !== undefined) return attempt(host);
  try {
    return await attempt("::");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EAFNOSUPPORT" && code !== "EADDRNOTAVAIL") throw err;
    return attempt("0.0.0.0");
  }
}

async function serveMetrics(res: http.ServerResponse | http2.Http2ServerResponse): Promise<void> {
  try {
    const text = await metricsText();
    res.statusCode = 200;
    res.setHeader("content-type", METRICS_CONTENT_TYPE);
    res.end(text);
  } catch {
    res.statusCode = 500;
    res.end();
  }
}
