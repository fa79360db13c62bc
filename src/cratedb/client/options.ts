/**
 * Everything that shapes one CrateDB client. src/rpc/config.ts builds it from the setup form;
 * the registry caches one client per distinct value (password included).
 */

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  /** Backoff before retry n is a random delay in [0, min(maxDelayMs, baseDelayMs·2^(n−1))]. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** No new attempt starts once this much time has passed since the first one. */
  readonly totalMs: number;
}

export interface CrateClientOptions {
  /** Node base URLs (`https://host:4200`, optionally with a path prefix), without credentials. */
  readonly urls: readonly string[];
  readonly username: string;
  /** Empty for users without a password. */
  readonly password: string;
  /** Verify server certificates on https URLs. */
  readonly verifyTls: boolean;
  /** Extra trusted CA certificate(s), PEM. */
  readonly caPem?: string;
  /** Largest serialized body of one bulk request. */
  readonly requestBytes: number;
  /** Connections per node and bulk requests in flight per call. */
  readonly concurrency: number;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Gzip request bodies of 8 KiB and more (default true). */
  readonly compressRequests?: boolean;
  readonly retry?: Partial<RetryPolicy>;
  /** How long a node that failed to connect is skipped. */
  readonly nodeCooldownMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  totalMs: 60_000,
};

export const DEFAULT_NODE_COOLDOWN_MS = 30_000;

export const CLIENT_DEFAULTS = {
  username: "crate",
  password: "",
  verifyTls: true,
  requestBytes: 8 * 1024 * 1024,
  concurrency: 4,
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 600_000,
} as const;
