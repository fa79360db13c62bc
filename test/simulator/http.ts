/**
 * The HTTP face of the simulator: `POST /_sql` with CrateDB's envelope (cratedb.md §1.3–1.7),
 * `GET /` (§1.11), Basic auth failing like CrateDB (plain-text 401 + close, §1.7/§6), and one
 * session per TCP connection whose first `Default-Schema` wins (§1.10).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { gunzipSync, inflateSync } from "node:zlib";
import type { Session, VersionRules } from "./context.ts";
import type { Engine, Outcome } from "./engine.ts";
import { httpStatusForCode, parseError, SimError } from "./errors.ts";
import { JsonNumber, type JsonValue, parseJson } from "./json.ts";

export interface HttpOptions {
  readonly maxContentLength: number;
  readonly nodeName: string;
}

const sessions = new WeakMap<Socket, Session>();

/** `?types`, `?types=` and `?types=true` are on; anything else is off (§1.3). */
function flag(params: URLSearchParams, name: string): boolean {
  if (!params.has(name)) return false;
  const v = params.get(name);
  return v === "" || v === "true";
}

export function createHandler(engine: Engine, options: HttpOptions) {
  return (req: IncomingMessage, res: ServerResponse) => {
    handle(engine, options, req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "text/plain; charset=UTF-8", Connection: "close" });
        res.end(String(e instanceof Error ? e.message : e));
      } else res.destroy();
    });
  };
}

async function handle(
  engine: Engine,
  options: HttpOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://x");
  const user = authenticate(engine, req, res);
  if (user === undefined) return;
  if (url.pathname === "/" && (req.method === "GET" || req.method === "HEAD")) {
    req.resume();
    const body = `${JSON.stringify(
      {
        ok: true,
        status: 200,
        name: options.nodeName,
        cluster_name: "crate-simulator",
        version: {
          number: engine.version.number,
          build_hash: "0000000000000000000000000000000000000000",
          build_timestamp: "2026-01-01T00:00:00Z",
          build_snapshot: false,
          lucene_version: "10.2.2",
        },
      },
      null,
      2,
    )}\n`;
    res.writeHead(200, {
      "Content-Type": "application/json; charset=UTF-8",
      "Content-Length": Buffer.byteLength(body),
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return;
  }
  if (!url.pathname.startsWith("/_sql")) {
    req.resume();
    res.writeHead(404, { "Content-Type": "text/plain; charset=UTF-8" });
    res.end(`No handler found for uri [${url.pathname}] and method [${req.method}]`);
    return;
  }
  const types = flag(url.searchParams, "types");
  const errorTrace = flag(url.searchParams, "error_trace");
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > options.maxContentLength) {
    req.resume();
    res.writeHead(413, { "Content-Length": 0, Connection: "close" });
    res.end();
    return;
  }
  const raw = await readBody(req, options.maxContentLength);
  if (raw === undefined) {
    res.writeHead(413, { "Content-Length": 0, Connection: "close" });
    res.end();
    return;
  }
  const session = sessionFor(req, user);
  const started = performance.now();
  try {
    const body = decode(raw, req.headers["content-encoding"], options.maxContentLength);
    if (body === undefined) {
      res.writeHead(413, { "Content-Length": 0, Connection: "close" });
      res.end();
      return;
    }
    const request = parseRequest(body);
    const outcome = await engine.execute(
      request.stmt,
      request.args,
      request.bulkArgs,
      session,
      versionOverride(req),
    );
    send(res, 200, envelope(outcome, types, performance.now() - started));
  } catch (e) {
    const err =
      e instanceof SimError
        ? e
        : new SimError(5000, "SQLException", e instanceof Error ? e.message : String(e));
    const trace = errorTrace ? `,"error_trace":${JSON.stringify(`${err.message}\n\tat simulator`)}` : "";
    send(
      res,
      httpStatusForCode(err.code),
      `{"error":{"message":${JSON.stringify(err.message)},"code":${err.code}}${trace}}`,
    );
  }
}

/** Simulator-only: `x-simulator-version: 6.1.0` applies that version's rules to one request. */
function versionOverride(req: IncomingMessage): VersionRules | undefined {
  const v = req.headers["x-simulator-version"];
  if (typeof v !== "string" || !/^\d+\.\d+/.test(v)) return undefined;
  const [a = 0, b = 0] = v.split(".").map(Number);
  return { number: v, legacyUnderscoreRule: a < 6 || (a === 6 && b < 2) };
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "Content-Type": "application/json; charset=UTF-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** Returns the user name, or undefined after answering 401 like CrateDB's authenticator. */
function authenticate(engine: Engine, req: IncomingMessage, res: ServerResponse): string | undefined {
  const header = req.headers.authorization;
  let name = "crate";
  let password: string | undefined;
  if (header !== undefined) {
    const m = /^basic\s+(.*)$/i.exec(header.trim());
    if (m) {
      const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      name = colon < 0 ? decoded : decoded.slice(0, colon);
      password = colon < 0 ? undefined : decoded.slice(colon + 1);
    } else {
      return reject(res, req, "Authentication method not supported by the simulator");
    }
  }
  const user = engine.privileges.users.get(name);
  // Same answer for unknown users and wrong passwords: the server never reveals which (§6).
  if (user === undefined || (user.password !== undefined && user.password !== password)) {
    return reject(res, req, `password authentication failed for user "${name}"`);
  }
  return name;
}

/**
 * CrateDB's 401: a plain-text line with only `content-length` and `www-authenticate` headers (no
 * content type, no `Connection` header), after which the server closes the connection (checked on
 * CrateDB 6.4.3). Node would add `Connection` and `Date` headers, so the answer is written raw.
 */
function reject(res: ServerResponse, req: IncomingMessage, message: string): undefined {
  req.resume();
  const body = `${message}\n`;
  const head =
    `HTTP/1.1 401 Unauthorized\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `www-authenticate: Basic realm="CrateDB Authenticator"\r\n\r\n`;
  res.socket?.end(head + body);
  return undefined;
}

function sessionFor(req: IncomingMessage, user: string): Session {
  const existing = sessions.get(req.socket);
  if (existing && existing.user === user) return existing;
  const header = req.headers["default-schema"];
  const schema = typeof header === "string" && header !== "" ? header : "doc";
  const s: Session = { user, schema };
  sessions.set(req.socket, s);
  return s;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let n = 0;
  let over = false;
  for await (const c of req) {
    const b = c as Buffer;
    n += b.length;
    if (n > limit) over = true;
    if (!over) chunks.push(b);
  }
  return over ? undefined : Buffer.concat(chunks, n);
}

/** Request bodies may be gzip/deflate compressed; the limit applies after decompression (§1.2, §1.7). */
function decode(raw: Buffer, encoding: string | undefined, limit: number): string | undefined {
  try {
    if (encoding === "gzip") return gunzipSync(raw, { maxOutputLength: limit }).toString("utf8");
    if (encoding === "deflate") return inflateSync(raw, { maxOutputLength: limit }).toString("utf8");
  } catch (e) {
    if (e instanceof RangeError || (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") return undefined;
    throw parseError("Failed to decompress the request body");
  }
  return raw.toString("utf8");
}

interface SqlRequest {
  stmt: string;
  args?: JsonValue[];
  bulkArgs?: JsonValue[][];
}

/**
 * CrateDB's `SQLRequestParser`: keys are read in order; an unknown key or malformed JSON is a 4000
 * "Can't parse", while a missing or malformed `stmt`, `args` or `bulk_args` is a
 * `SQLParseSourceException`, which CrateDB does not map to a code: HTTP 500, code 5000 (§1.4).
 */
export function parseRequest(body: string): SqlRequest {
  if (body.length === 0) throw parseError("Missing request body");
  const shape = () =>
    parseError(
      `Can't parse [${body}]. Expecting payload with \`stmt\` string and \`args\` or \`bulk_args\` arrays`,
    );
  const source = (text: string) => new SimError(5000, "SQLParseSourceException", text);
  let v: JsonValue;
  try {
    v = parseJson(body);
  } catch {
    throw shape();
  }
  let stmt: string | undefined;
  let args: JsonValue[] | undefined;
  let bulk: JsonValue[][] | undefined;
  // A top-level value that is not an object has no fields at all.
  const fields =
    v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof JsonNumber) ? v : {};
  for (const [k, x] of Object.entries(fields)) {
    if (k === "stmt") {
      if (x === null || (typeof x === "object" && !(x instanceof JsonNumber))) {
        throw source("Field [stmt] has an invalid value");
      }
      // Numbers and booleans are taken as their text (and then fail to parse as SQL).
      const text = x instanceof JsonNumber ? x.text : String(x);
      if (text === "") throw source("Field [stmt] has no value");
      stmt = text;
    } else if (k === "args") {
      if (!Array.isArray(x)) throw source(`\`args\` must start with an array, not \`${tokenName(x)}\``);
      args = x;
    } else if (k === "bulk_args") {
      if (!Array.isArray(x)) throw source("Field [bulk_args] has an invalid value");
      for (const item of x) {
        if (!Array.isArray(item)) {
          throw source(
            `\`bulk_args\` must contain a list of \`args\` (values list). Got unexpected: ${tokenName(item)}`,
          );
        }
      }
      bulk = x as JsonValue[][];
    } else throw shape();
  }
  if (stmt === undefined) throw source("Field [stmt] is missing");
  if (args !== undefined && args.length > 0 && bulk !== undefined && bulk.length > 0) {
    throw parseError("request body contains args and bulk_args. It's forbidden to provide both");
  }
  // Quirk (§1.4): any `args`, even `[]`, makes a simple request and `bulk_args` is ignored.
  if (args !== undefined) return { stmt, args };
  if (bulk !== undefined) return { stmt, bulkArgs: bulk };
  return { stmt };
}

/** The token name CrateDB's request parser reports for a value (`XContentParser.Token`). */
function tokenName(v: JsonValue): string {
  if (v === null) return "VALUE_NULL";
  if (typeof v === "string") return "VALUE_STRING";
  if (typeof v === "boolean") return "VALUE_BOOLEAN";
  if (v instanceof JsonNumber) return "VALUE_NUMBER";
  return Array.isArray(v) ? "START_ARRAY" : "START_OBJECT";
}

function envelope(o: Outcome, types: boolean, ms: number): string {
  const duration = ms.toFixed(3);
  if (o.kind === "bulk") {
    const results = o.results
      .map((r) =>
        r.error
          ? `{"rowcount":${r.rowcount},"error":{"code":${r.error.code},"message":${JSON.stringify(r.error.message)}}}`
          : `{"rowcount":${r.rowcount}}`,
      )
      .join(",");
    return `{"cols":[],${types ? '"col_types":[],' : ""}"duration":${duration},"results":[${results}]}`;
  }
  if (o.kind === "count") {
    return `{"cols":[],${types ? '"col_types":[],' : ""}"rows":[[]],"rowcount":${o.rowcount},"duration":${duration}}`;
  }
  const cols = JSON.stringify(o.cols);
  const colTypes = types ? `"col_types":${JSON.stringify(o.colTypes)},` : "";
  const rows = o.rows.map((r) => `[${r.join(",")}]`).join(",");
  return `{"cols":${cols},${colTypes}"rows":[${rows}],"rowcount":${o.rows.length},"duration":${duration}}`;
}
