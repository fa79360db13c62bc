/**
 * One TCP port for every client: Fivetran's grpc-java speaks gRPC over cleartext HTTP/2 with prior
 * knowledge, while curl and Connect/gRPC-Web clients often use HTTP/1.1. Node's cleartext http2
 * server cannot fall back to HTTP/1.1 (`allowHTTP1` needs TLS/ALPN), so each new connection's
 * first bytes are compared with the HTTP/2 client preface and the socket is handed to the
 * matching server.
 */
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

export type RequestHandler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

export interface OnePortOptions {
  /** A connection that sends nothing recognisable within this time is closed. */
  readonly sniffTimeoutMs: number;
  /** An HTTP/2 connection without an open stream for this long is closed (GOAWAY). */
  readonly h2IdleTimeoutMs: number;
}

export class OnePortServer {
  readonly tcp: net.Server;
  readonly h1: http.Server;
  readonly h2: http2.Http2Server;
  /** Connections whose protocol is not known yet. */
  readonly #sniffing = new Set<net.Socket>();
  readonly #sessions = new Set<http2.ServerHttp2Session>();

  constructor(handler: RequestHandler, options: OnePortOptions) {
    this.h2 = http2.createServer({}, handler);
    this.h1 = http.createServer({}, handler);
    // h1 never listens itself; this starts its connection tracking, without which
    // closeIdleConnections() does nothing and headers/request timeouts are not enforced.
    this.h1.emit("listening");
    this.h2.on("session", (session) => {
      this.#sessions.add(session);
      const stopIdleTimer = closeWhenIdle(session, options.h2IdleTimeoutMs);
      session.once("close", () => {
        stopIdleTimer();
        this.#sessions.delete(session);
      });
    });
    this.tcp = net.createServer((socket) => this.#sniff(socket, options.sniffTimeoutMs));
  }

  #sniff(socket: net.Socket, timeoutMs: number): void {
    this.#sniffing.add(socket);
    let seen = Buffer.alloc(0);
    const stop = () => {
      this.#sniffing.delete(socket);
      socket.off("readable", onReadable);
      socket.off("end", onEnd);
      socket.setTimeout(0);
    };
    const onReadable = () => {
      for (let chunk = socket.read(); chunk !== null; chunk = socket.read())
        seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, PREFACE.length);
      if (n === 0) return;
      const isH2 = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (isH2 && n < PREFACE.length) return; // a prefix of the preface so far: wait for more bytes
      stop();
      socket.unshift(seen);
      // Anything that is not HTTP/2 goes to the HTTP/1.1 parser, which answers garbage with 400.
      (isH2 ? this.h2 : this.h1).emit("connection", socket);
    };
    const onEnd = () => {
      stop();
      socket.destroy();
    };
    socket.setTimeout(timeoutMs, () => {
      stop();
      socket.destroy();
    });
    socket.on("readable", onReadable);
    socket.on("end", onEnd);
    socket.on("error", () => socket.destroy());
  }

  /** Stops accepting connections; resolves when every accepted connection has closed. */
  stopAccepting(): Promise<void> {
    return new Promise((resolve) => this.tcp.close(() => resolve()));
  }

  /** Lets connections finish their current calls, then close (GOAWAY for HTTP/2). */
  closeIdle(): void {
    for (const socket of this.#sniffing) socket.destroy();
    this.#sniffing.clear();
    this.h1.closeIdleConnections();
    for (const session of this.#sessions) if (!session.closed) session.close();
  }

  /** Closes every connection now, calls in progress included. */
  closeAll(): void {
    this.closeIdle();
    this.h1.closeAllConnections();
    for (const session of this.#sessions) session.destroy();
    // Clears h1's connection-tracking interval; it reports "not running" because it never listened.
    this.h1.close(() => {});
    this.h2.close();
  }
}

/**
 * Closes `session` gracefully (GOAWAY, so the client opens a new connection for its next call)
 * once it has had no open stream for `idleMs`. Node's own session timeout counts socket
 * inactivity instead, and would destroy a call that works quietly for longer than that; open
 * streams (running calls, health Watch streams) keep the session. Returns a function that stops
 * the timer.
 */
function closeWhenIdle(session: http2.ServerHttp2Session, idleMs: number): () => void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(() => {
      if (open === 0 && !session.closed && !session.destroyed) session.close();
    }, idleMs);
    timer.unref();
  };
  session.on("stream", (stream: http2.ServerHttp2Stream) => {
    open++;
    clearTimeout(timer);
    stream.once("close", () => {
      if (--open === 0) arm();
    });
  });
  arm();
  return () => clearTimeout(timer);
}
