/**
 * An HTTP proxy in front of CrateDB (or the simulator) that can hold chosen requests — the
 * network delaying a request past the client's timeout — and release them later, forwarding the
 * original bytes unchanged. Everything else passes straight through.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { request } from "undici";

export interface HeldRequest {
  /** The statement text (decompressed body's `stmt`). */
  readonly stmt: string;
  /** Forwards the request now; resolves with CrateDB's answer, which nobody else reads. */
  release(): Promise<{ status: number; text: string }>;
}

export interface FaultProxy {
  readonly url: string;
  /** Requests held so far. */
  readonly held: HeldRequest[];
  /** Decides per request (by its statement) whether to hold it. */
  hold: (stmt: string) => boolean;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const held: HeldRequest[] = [];
  const forward = async (req: IncomingMessage, body: Buffer) => {
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.connection;
    const res = await request(`${target}${req.url ?? "/"}`, {
      method: (req.method ?? "GET") as "GET" | "POST",
      headers: headers as Record<string, string>,
      body: body.length > 0 ? body : null,
    });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  };
  const proxy: FaultProxy = {
    url: "",
    held,
    hold: () => false,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      let stmt = "";
      try {
        const plain = req.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body;
        stmt = String((JSON.parse(plain.toString()) as { stmt?: unknown }).stmt ?? "");
      } catch {
        stmt = "";
      }
      if (proxy.hold(stmt)) {
        // The client gives up on it; the request itself waits here until released.
        held.push({ stmt, release: () => forward(req, body).then(({ status, text }) => ({ status, text })) });
        return;
      }
      forward(req, body).then(
        ({ status, headers, text }) => {
          res.writeHead(status, {
            "content-type": String(headers["content-type"] ?? "application/json"),
            "content-length": Buffer.byteLength(text),
          });
          res.end(text);
        },
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, { url: `http://127.0.0.1:${port}` });
}
