/**
 * A loopback HTTP server standing in for one CrateDB node, misbehaving on purpose: each test
 * decides per request what it answers (or how it fails).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: { stmt?: string; args?: unknown[]; bulk_args?: unknown[][] } | undefined;
  /** The body as sent, decompressed. */
  readonly raw: string;
  /**
   * The statement's leading comment (`/* fivetran… q=<id> *\/ `), which `body.stmt` is given
   * without, so tests compare statements as written.
   */
  readonly comment: string | undefined;
  /** Bytes on the wire. */
  readonly wireBytes: number;
}

export type Handler = (request: SeenRequest, res: ServerResponse, index: number) => void | Promise<void>;

export interface FakeNode {
  readonly url: string;
  readonly requests: SeenRequest[];
  /**
   * The client's settle checks after an unknown outcome (CrateDB's clock, sys.jobs, KILL): the
   * node answers them itself, as an idle CrateDB would, unless a test sets `answerSettles` false.
   */
  readonly settles: SeenRequest[];
  answerSettles: boolean;
  handler: Handler;
  /** Stops listening and drops every open connection: the node is gone. */
  kill(): Promise<void>;
}

/** Statements of the client's settle checks (src/cratedb/client/settle.ts). */
const SETTLE = /^(SELECT CURRENT_TIMESTAMP|SELECT id FROM sys\.jobs WHERE stmt LIKE \?|KILL \?)$/;

export async function startFakeNode(handler: Handler): Promise<FakeNode> {
  const requests: SeenRequest[] = [];
  const settles: SeenRequest[] = [];
  const server: Server = createServer({ keepAliveTimeout: 10 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const bytes = Buffer.concat(chunks);
      const raw = (req.headers["content-encoding"] === "gzip" ? gunzipSync(bytes) : bytes).toString();
      let body: SeenRequest["body"];
      try {
        body = raw === "" ? undefined : JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const comment =
        typeof body?.stmt === "string" ? /^\/\* fivetran[^*]* \*\/ /.exec(body.stmt)?.[0] : undefined;
      if (body !== undefined && comment !== undefined && typeof body.stmt === "string")
        body.stmt = body.stmt.slice(comment.length);
      const seen = {
        comment,
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body,
        raw,
        wireBytes: bytes.length,
      };
      if (node.answerSettles && SETTLE.test(body?.stmt ?? "")) {
        settles.push(seen);
        if (body?.stmt === "SELECT CURRENT_TIMESTAMP")
          json(res, 200, { cols: ["t"], rows: [[Date.now()]], rowcount: 1 });
        else json(res, 200, { cols: ["id"], rows: [], rowcount: 0 });
        return;
      }
      requests.push(seen);
      void node.handler(seen, res, requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const node: FakeNode = {
    url: `http://127.0.0.1:${port}`,
    requests,
    settles,
    answerSettles: true,
    handler,
    kill: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return node;
}

/** A loopback URL nobody listens on. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export const rowcountOk = (res: ServerResponse, rowcount = 1): void =>
  json(res, 200, { cols: [], rows: [[]], rowcount, duration: 0.5 });

/** Answers a bulk request with rowcount 1 per arg set. */
export const bulkOk = (request: SeenRequest, res: ServerResponse): void =>
  json(res, 200, {
    cols: [],
    duration: 1,
    results: (request.body?.bulk_args ?? []).map(() => ({ rowcount: 1 })),
  });

export const crateError = (res: ServerResponse, status: number, code: number, message: string): void =>
  json(res, status, { error: { code, message } });
