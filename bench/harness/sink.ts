/**
 * The sink: a `/_sql` endpoint that does all a fast CrateDB must do with a request short of storing
 * it — read the body, gunzip it, parse its JSON — and answers as CrateDB would, so the
 * destination runs at its own ceiling. Runs in a process of its own (sink-main.ts) so its CPU is
 * not the destination's; `GET /_bench/stats` tells what it received.
 *
 * Answers (what the destination reads during CreateTable, WriteBatch and WriteHistoryBatch):
 * - bulk requests: one `{rowcount: 1}` per arg set;
 * - `SELECT CURRENT_TIMESTAMP` (the fence clock): the local time;
 * - information_schema, sys.jobs and the type records: no rows (the table does not exist yet, no
 *   job is running, nothing is recorded), so CreateTable creates;
 * - the history lookup `SELECT <columns> FROM t WHERE "<key>" = ANY(?)`: for every key asked, one
 *   active version starting at 1 ms after the epoch with the key set and NULL elsewhere, so every
 *   update row finds a base version and is written, as against a loaded table;
 * - everything else (DDL, REFRESH, single writes, KILL): an empty result with rowcount 1.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";

const gunzipAsync = promisify(gunzip);

export interface SqlBody {
  readonly stmt: string;
  readonly args?: readonly unknown[];
  readonly bulk_args?: readonly (readonly unknown[])[];
}

export interface SinkStats {
  requests: number;
  bulkRequests: number;
  argSets: number;
  /** Bytes as received (gzip-compressed when the client compressed). */
  bodyBytes: number;
  /** Bytes of JSON after gunzip. */
  jsonBytes: number;
  /** Statement kinds (first keyword after the leading comment) and how often they came. */
  statements: Record<string, number>;
}

export const emptyStats = (): SinkStats => ({
  requests: 0,
  bulkRequests: 0,
  argSets: 0,
  bodyBytes: 0,
  jsonBytes: 0,
  statements: {},
});

/** The statement without the destination's leading `/* fivetran:… *\/ ` comment. */
export function withoutComment(stmt: string): string {
  let s = stmt.trimStart();
  while (s.startsWith("/*")) {
    const end = s.indexOf("*/");
    if (end < 0) break;
    s = s.slice(end + 2).trimStart();
  }
  return s;
}

const HISTORY_LOOKUP = /^SELECT (.+) FROM .+ WHERE ("(?:[^"]|"")*") = ANY\(\?\)$/s;

/** `"a", "b""c"` → `["a", 'b"c']` */
function identifiers(list: string): string[] {
  const names: string[] = [];
  const re = /"((?:[^"]|"")*)"/g;
  for (let m = re.exec(list); m !== null; m = re.exec(list)) names.push(m[1]!.replaceAll('""', '"'));
  return names;
}

const result = (cols: string[], rows: unknown[][], rowcount = rows.length) => ({
  cols,
  rows,
  rowcount,
  duration: 0.1,
});

/** CrateDB's answer to one `/_sql` body. */
export function answer(body: SqlBody): object {
  if (body.bulk_args !== undefined) {
    return { cols: [], duration: 0.1, results: body.bulk_args.map(() => ({ rowcount: 1 })) };
  }
  const stmt = withoutComment(body.stmt);
  const upper = stmt.slice(0, 40).toUpperCase();
  if (upper.startsWith("SELECT CURRENT_TIMESTAMP")) return result(["current_timestamp"], [[Date.now()]]);
  if (upper.startsWith("SELECT")) {
    const lookup = HISTORY_LOOKUP.exec(stmt);
    if (lookup !== null && !stmt.includes(" information_schema.") && !stmt.includes(" sys.")) {
      const columns = identifiers(lookup[1]!);
      const key = columns.indexOf(identifiers(lookup[2]!)[0]!);
      const keys = Array.isArray(body.args?.[0]) ? (body.args[0] as unknown[]) : [];
      if (key >= 0) {
        const rows = keys.map((k) =>
          columns.map((name, i) =>
            i === key
              ? k
              : name === "_fivetran_start"
                ? 1
                : name === "_fivetran_end"
                  ? 253_402_300_799_999
                  : name === "_fivetran_active"
                    ? true
                    : null,
          ),
        );
        return result(columns, rows);
      }
    }
    return result([], []);
  }
  if (upper.startsWith("SHOW CREATE TABLE")) return result(["SHOW CREATE TABLE"], [[""]]);
  return result([], [], 1);
}

function statementKind(stmt: string): string {
  return /^\s*(\w+)/.exec(withoutComment(stmt))?.[1]?.toUpperCase() ?? "?";
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

export interface Sink {
  readonly url: string;
  close(): Promise<void>;
}

export async function startSink(port = 0, host = "127.0.0.1"): Promise<Sink> {
  let stats = emptyStats();
  const server: Server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const send = (status: number, value: object) => {
        const text = JSON.stringify(value);
        res.writeHead(status, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(text),
        });
        res.end(text);
      };
      if (req.url === "/_bench/stats") return send(200, stats);
      if (req.url === "/_bench/reset") {
        const before = stats;
        stats = emptyStats();
        return send(200, before);
      }
      if (req.method === "GET" && req.url === "/") {
        return send(200, { ok: true, status: 200, name: "sink", version: { number: "6.4.3" } });
      }
      if (req.method !== "POST" || !req.url?.startsWith("/_sql")) {
        return send(404, { error: { message: "not found", code: 4040 } });
      }
      const json = req.headers["content-encoding"] === "gzip" ? await gunzipAsync(raw) : raw;
      let body: SqlBody;
      try {
        body = JSON.parse(json.toString("utf8")) as SqlBody;
      } catch {
        return send(400, { error: { message: "SQLParseException[Failed to parse source]", code: 4000 } });
      }
      stats.requests++;
      stats.bodyBytes += raw.length;
      stats.jsonBytes += json.length;
      const kind = statementKind(body.stmt);
      stats.statements[kind] = (stats.statements[kind] ?? 0) + 1;
      if (body.bulk_args !== undefined) {
        stats.bulkRequests++;
        stats.argSets += body.bulk_args.length;
      }
      send(200, answer(body));
    })().catch((error: unknown) => {
      res.destroy(error as Error);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
