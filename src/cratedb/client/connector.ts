/**
 * Connection setup for the node pools: connect timeout, TLS verification and extra CA.
 * With verification off, every new connection logs a WARNING, so the risk stays visible in the
 * sync logs for as long as it lasts.
 */
import { isIP } from "node:net";
import { rootCertificates, connect as tlsConnect } from "node:tls";
import { buildConnector } from "undici";
import { warning } from "../../log.ts";

export interface ConnectorOptions {
  readonly connectTimeoutMs: number;
  readonly verifyTls: boolean;
  readonly caPem?: string;
}

export function createConnector(options: ConnectorOptions): buildConnector.connector {
  const connect = buildConnector({
    timeout: options.connectTimeoutMs,
    rejectUnauthorized: options.verifyTls,
    // A custom CA is added to the public roots, not put in their place (a Node `ca` replaces them).
    ...(options.caPem === undefined ? {} : { ca: [...rootCertificates, options.caPem] }),
  });
  if (options.verifyTls) return connect;
  return (opts, callback) => {
    if (opts.protocol === "https:") {
      warning(
        `TLS certificate verification is off: the connection to ${opts.hostname}:${opts.port} is encrypted but the server is not authenticated`,
      );
    }
    return connect(opts, callback);
  };
}

/**
 * Whether the server at `origin` (an http:// origin) answers a TLS handshake: the one sign that an
 * http:// URL should have been https://. A completed handshake, or a TLS alert from the server,
 * means it speaks TLS; a reset, a refusal, a timeout or plain-HTTP bytes mean it does not. The
 * certificate is not checked: nothing is sent over this connection.
 */
export function speaksTls(origin: string, timeoutMs: number): Promise<boolean> {
  const url = new URL(origin);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(url.port || 80);
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host,
      port,
      ...(isIP(host) === 0 ? { servername: host } : {}),
      rejectUnauthorized: false,
    });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("secureConnect", () => done(true));
    socket.once("error", (error: NodeJS.ErrnoException) => done(/_ALERT_/.test(error.code ?? "")));
    socket.once("close", () => done(false));
  });
}
