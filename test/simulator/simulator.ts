/**
 * Programmatic entry of the CrateDB simulator: one PGlite behind an HTTP (and optionally an
 * HTTPS) listener on loopback. Test infrastructure only; see docs/simulator.md.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "./engine.ts";
import { createHandler } from "./http.ts";

export interface SimulatorOptions {
  /** Port of the HTTP listener (0 = random, the default). */
  readonly port?: number;
  readonly host?: string;
  /** Users and passwords; `crate` (superuser) always exists, without password unless given here. */
  readonly users?: Readonly<Record<string, string | undefined>>;
  /** Also serve HTTPS on a second random port with a self-signed certificate. */
  readonly tls?: boolean;
  /** Refresh every table with pending writes this often (ms); off by default, like an explicit-REFRESH-only cluster. */
  readonly autoRefreshMs?: number;
  /** Version reported by `GET /`, `version()` and `sys.nodes` (default 6.4.3, whose behaviour the simulator follows). */
  readonly version?: string;
  /** Emulate pre-6.2 rules (`_` name pattern, no CREATE SCHEMA); defaults to version < 6.2. */
  readonly legacyNames?: boolean;
  /** `http.max_content_length` in bytes (default 100 MB). */
  readonly maxContentLength?: number;
}

export interface Simulator {
  readonly url: string;
  readonly httpsUrl?: string;
  /** PEM of the self-signed certificate (it is its own CA). */
  readonly caPem?: string;
  readonly engine: Engine;
  /** Refreshes every table now (what a periodic refresh would do). */
  refreshAll(): Promise<void>;
  close(): Promise<void>;
}

function below62(v: string): boolean {
  const [a = 0, b = 0] = v.split(".").map(Number);
  return a < 6 || (a === 6 && b < 2);
}

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "cratedb-sim-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    return {
      key: readFileSync(join(dir, "key.pem"), "utf8"),
      cert: readFileSync(join(dir, "cert.pem"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** TLS needs the `openssl` binary to make its certificate; test runs without it skip TLS. */
export function opensslAvailable(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function listen(server: Server | NetServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function shut(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const number = options.version ?? "6.4.3";
  const engine = await Engine.start({
    users: options.users ?? {},
    version: { number, legacyUnderscoreRule: options.legacyNames ?? below62(number) },
  });
  const host = options.host ?? "127.0.0.1";
  const handler = createHandler(engine, {
    maxContentLength: options.maxContentLength ?? 100 * 1024 * 1024,
    nodeName: "simulator",
  });
  const http = createServer({ keepAliveTimeout: 5000 }, handler);
  const port = await listen(http, options.port ?? 0, host);
  let https: Server | undefined;
  let tlsPort: NetServer | undefined;
  const tlsSockets = new Set<Socket>();
  let httpsUrl: string | undefined;
  let caPem: string | undefined;
  if (options.tls) {
    const { key, cert } = selfSignedCertificate();
    https = createTlsServer({ key, cert, keepAliveTimeout: 5000 }, handler);
    const tlsServer = https;
    // Like CrateDB's TLS-enabled HTTP port: a TLS handshake goes to HTTPS, plain HTTP gets an
    // empty 400 and a closed connection (cratedb.md §1.7).
    tlsPort = createNetServer((socket) => {
      tlsSockets.add(socket);
      socket.on("close", () => tlsSockets.delete(socket));
      socket.once("data", (first) => {
        socket.pause();
        socket.unshift(first);
        if (first[0] === 0x16) tlsServer.emit("connection", socket);
        else socket.end("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
      });
      socket.on("error", () => socket.destroy());
    });
    httpsUrl = `https://localhost:${await listen(tlsPort, 0, host)}`;
    caPem = cert;
  }
  const timer =
    options.autoRefreshMs !== undefined && options.autoRefreshMs > 0
      ? setInterval(() => void engine.refreshAll().catch(() => undefined), options.autoRefreshMs)
      : undefined;
  timer?.unref();
  return {
    url: `http://${host}:${port}`,
    ...(httpsUrl !== undefined ? { httpsUrl } : {}),
    ...(caPem !== undefined ? { caPem } : {}),
    engine,
    refreshAll: () => engine.refreshAll(),
    async close() {
      if (timer) clearInterval(timer);
      tlsPort?.close();
      for (const socket of tlsSockets) socket.destroy();
      await Promise.all([shut(http), ...(https ? [shut(https)] : [])]);
      await engine.close();
    },
  };
}
