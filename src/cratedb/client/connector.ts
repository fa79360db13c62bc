/**
 * Connection setup for the node pools: connect timeout, TLS verification and extra CA.
 * With verification off, every new connection logs a WARNING, so the risk stays visible in the
 * sync logs for as long as it lasts.
 */
import { rootCertificates } from "node:tls";
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
