/**
 * The setup form's values (all strings, keys from form.ts `FIELD`) → a validated, typed config.
 * Absent or empty keys mean defaults. Errors name the field and the allowed values, and never
 * repeat a secret (password, URL credentials, certificate).
 */
import { X509Certificate } from "node:crypto";
import { CLIENT_DEFAULTS, type CrateClientOptions } from "../cratedb/client/options.ts";
import {
  isValidReplicas,
  REFRESH_INTERVAL_RANGE,
  SHARDS_RANGE,
  type TableSettings,
} from "../cratedb/table-settings.ts";
import { DestinationError } from "../errors.ts";
import { registerCredentials } from "../secrets.ts";
import { FIELD } from "./form.ts";

export interface DestinationConfig {
  readonly client: CrateClientOptions;
  readonly tables: TableSettings;
}

const LABEL: Record<string, string> = {
  [FIELD.url]: "CrateDB URL",
  [FIELD.username]: "Username",
  [FIELD.verifyTls]: "Verify TLS certificate",
  [FIELD.advanced]: "Advanced settings",
  [FIELD.caCertificate]: "CA certificate",
  [FIELD.requestBytes]: "Request size (bytes)",
  [FIELD.concurrency]: "Parallel requests",
  [FIELD.connectTimeout]: "Connect timeout (seconds)",
  [FIELD.requestTimeout]: "Request timeout (seconds)",
  [FIELD.compressRequests]: "Compress requests",
  [FIELD.shards]: "Shards per new table",
  [FIELD.replicas]: "Replicas per new table",
  [FIELD.refreshInterval]: "Refresh interval (ms)",
};

export const RANGES = {
  requestBytes: { min: 65_536, max: 67_108_864 },
  concurrency: { min: 1, max: 64 },
  connectTimeoutSeconds: { min: 1, max: 300 },
  requestTimeoutSeconds: { min: 5, max: 86_400 },
} as const;

export function parseConfiguration(configuration: Record<string, string>): DestinationConfig {
  const value = (key: string): string | undefined => {
    const v = configuration[key]?.trim();
    return v === undefined || v === "" ? undefined : v;
  };
  const endpoint = parseUrls(value(FIELD.url));
  // The separate fields win over credentials embedded in the URL.
  const username = value(FIELD.username) ?? endpoint.username ?? CLIENT_DEFAULTS.username;
  const password = configuration[FIELD.password] || endpoint.password || CLIENT_DEFAULTS.password;
  // From here on, no log line or message repeats the password, whatever text brings it back; a
  // URL's password counts too (in the spelling it was typed in), even when the field wins.
  registerCredentials(username, password);
  if (endpoint.username !== undefined) {
    registerCredentials(endpoint.username, endpoint.password ?? "", endpoint.passwordWritten);
  }
  const verifyTls = parseBool(FIELD.verifyTls, value(FIELD.verifyTls), CLIENT_DEFAULTS.verifyTls);
  const caText = value(FIELD.caCertificate);

  // Advanced values count while the advanced section is on, or when the toggle is not sent at all
  // (hand-written configurations); switching the section off restores the defaults.
  const advancedOn = parseBool(FIELD.advanced, value(FIELD.advanced), true);
  const advanced = (key: string): string | undefined => (advancedOn ? value(key) : undefined);
  const int = (key: string, range: { min: number; max: number }, fallback?: number) =>
    parseInteger(key, advanced(key), range, fallback);

  const client: CrateClientOptions = {
    urls: endpoint.urls,
    username,
    password,
    verifyTls,
    ...(caText === undefined ? {} : { caPem: parseCaCertificate(caText) }),
    requestBytes: int(FIELD.requestBytes, RANGES.requestBytes, CLIENT_DEFAULTS.requestBytes)!,
    concurrency: int(FIELD.concurrency, RANGES.concurrency, CLIENT_DEFAULTS.concurrency)!,
    connectTimeoutMs:
      int(FIELD.connectTimeout, RANGES.connectTimeoutSeconds, CLIENT_DEFAULTS.connectTimeoutMs / 1000)! *
      1000,
    requestTimeoutMs:
      int(FIELD.requestTimeout, RANGES.requestTimeoutSeconds, CLIENT_DEFAULTS.requestTimeoutMs / 1000)! *
      1000,
    compressRequests: parseBool(FIELD.compressRequests, advanced(FIELD.compressRequests), true),
  };

  const shards = int(FIELD.shards, SHARDS_RANGE);
  const refreshIntervalMs = int(FIELD.refreshInterval, REFRESH_INTERVAL_RANGE);
  const replicas = advanced(FIELD.replicas);
  if (replicas !== undefined && !isValidReplicas(replicas)) {
    throw invalid(
      FIELD.replicas,
      `must be a number of replicas (e.g. 1) or a range such as 0-1 or 1-all; got "${replicas}"`,
    );
  }
  const tables: TableSettings = {
    // Only what was set: the settings are compared and logged as they are.
    ...(shards === undefined ? {} : { shards }),
    ...(replicas === undefined ? {} : { replicas }),
    ...(refreshIntervalMs === undefined ? {} : { refreshIntervalMs }),
  };
  return { client, tables };
}

interface Endpoint {
  readonly urls: string[];
  readonly username?: string;
  readonly password?: string;
  /** The password as written in the URL(s), before percent-decoding. */
  readonly passwordWritten?: string[];
}

/**
 * `https://h1:4200,https://h2:4200`, `h1:4200` (no scheme: https, port 4200), or the Python
 * adapter's SQLAlchemy form `crate://user:password@h1:4200,h2:4200?ssl=true` (http unless
 * ssl=true). Credentials in a URL are taken out of it; the URLs kept never carry them.
 */
export function parseUrls(text: string | undefined): Endpoint {
  if (text === undefined) throw invalid(FIELD.url, "is required, e.g. https://my-cluster.cratedb.net:4200");
  if (/^crate:\/\//i.test(text)) return parseSqlAlchemyUrl(text.slice("crate://".length));
  const urls: string[] = [];
  let username: string | undefined;
  let password: string | undefined;
  const passwordWritten: string[] = [];
  for (const part of text.split(",")) {
    const entry = part.trim();
    if (entry === "") continue;
    const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry);
    const url = parseOneUrl(hasScheme ? entry : `https://${entry}`);
    if (!hasScheme && url.port === "") url.port = "4200";
    if (url.username !== "") {
      const user = decodeCredential(url.username);
      const pass = decodeCredential(url.password);
      if (username !== undefined && (user !== username || pass !== password)) {
        throw invalid(
          FIELD.url,
          "holds different credentials for different nodes; use the Username and Password fields",
        );
      }
      username = user;
      password = pass;
      passwordWritten.push(url.password);
    }
    urls.push(baseUrl(url));
  }
  if (urls.length === 0) throw invalid(FIELD.url, "is required, e.g. https://my-cluster.cratedb.net:4200");
  return {
    urls,
    ...(username === undefined ? {} : { username, password: password ?? "", passwordWritten }),
  };
}

function parseSqlAlchemyUrl(rest: string): Endpoint {
  const queryAt = rest.indexOf("?");
  const query = new URLSearchParams(queryAt < 0 ? "" : rest.slice(queryAt + 1));
  let authority = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const pathAt = authority.indexOf("/");
  if (pathAt >= 0) authority = authority.slice(0, pathAt);
  const at = authority.lastIndexOf("@");
  const userinfo = at < 0 ? undefined : authority.slice(0, at);
  const hosts = (at < 0 ? authority : authority.slice(at + 1)).split(",").filter((h) => h.trim() !== "");
  const ssl = query.get("ssl")?.toLowerCase();
  const scheme = ssl === "true" || ssl === "1" || ssl === "yes" ? "https" : "http";
  if (hosts.length === 0)
    throw invalid(FIELD.url, "names no host, e.g. crate://user:password@host:4200?ssl=true");
  const urls = hosts.map((host) => {
    const url = parseOneUrl(`${scheme}://${host.trim()}`);
    if (url.port === "") url.port = "4200";
    return baseUrl(url);
  });
  if (userinfo === undefined) return { urls };
  const colon = userinfo.indexOf(":");
  const username = decodeCredential(colon < 0 ? userinfo : userinfo.slice(0, colon));
  const written = colon < 0 ? "" : userinfo.slice(colon + 1);
  return { urls, username, password: decodeCredential(written), passwordWritten: [written] };
}

/** A user or password from a URL; a broken %-escape is the user's to fix, named without the text. */
function decodeCredential(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalid(
      FIELD.url,
      "holds a user or password with an invalid %-escape; percent-encode it (e.g. %25 for %) or use the Username and Password fields",
    );
  }
}

function parseOneUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The text may hold credentials: say what is wrong, not what was typed.
    throw invalid(
      FIELD.url,
      "is not a valid URL; use the form https://host:4200 (several separated by commas), and percent-encode characters such as / ? # , @ in a user or password inside the URL, or use the Username and Password fields",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(FIELD.url, `must use http:// or https:// (or crate://), not ${url.protocol}//`);
  }
  if (url.hostname === "") throw invalid(FIELD.url, "names no host");
  return url;
}

/** `scheme://host:port[/prefix]`, without credentials, query or trailing slash. */
function baseUrl(url: URL): string {
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.protocol}//${url.host}${path}`;
}

/** Upload fields arrive base64-encoded; PEM pasted as text and DER files are accepted too. */
export function parseCaCertificate(text: string): string {
  let pem: string | undefined;
  if (text.includes("-----BEGIN")) pem = text;
  else {
    const bytes = Buffer.from(text.replace(/\s+/g, ""), "base64");
    const decoded = bytes.toString("latin1");
    if (decoded.includes("-----BEGIN")) pem = decoded;
    else if (bytes[0] === 0x30) {
      const lines = bytes.toString("base64").match(/.{1,64}/g) ?? [];
      pem = `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
    }
  }
  if (pem !== undefined) {
    try {
      new X509Certificate(pem);
      return pem;
    } catch {
      // Falls through to the error below.
    }
  }
  throw invalid(FIELD.caCertificate, "is not a PEM (or DER) certificate; upload the CA's .pem or .crt file");
}

function parseBool(key: string, text: string | undefined, fallback: boolean): boolean {
  if (text === undefined) return fallback;
  const lower = text.toLowerCase();
  if (["true", "1", "yes", "on"].includes(lower)) return true;
  if (["false", "0", "no", "off"].includes(lower)) return false;
  throw invalid(key, `must be true or false; got "${text}"`);
}

function parseInteger(
  key: string,
  text: string | undefined,
  range: { min: number; max: number },
  fallback?: number,
): number | undefined {
  if (text === undefined) return fallback;
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw invalid(key, `must be a whole number from ${range.min} to ${range.max}; got "${text}"`);
  }
  return n;
}

function invalid(key: string, problem: string): DestinationError {
  const label = LABEL[key];
  const name = label === undefined ? key : `${label} (${key})`;
  return new DestinationError("CONFIG_INVALID", `Configuration: ${name} ${problem}.`);
}
