/**
 * Plain undici requests to `/_sql` for the conformance suite (deliberately not the destination's
 * own client): every test sees the exact status, headers and body text.
 */
import { Agent, request } from "undici";
import { endpoint } from "../helpers/cratedb.ts";

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary JSON
  readonly json: any;
}

const dispatcher = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

export interface PostOptions {
  readonly query?: string;
  readonly headers?: Record<string, string>;
  readonly user?: string;
  readonly password?: string;
  readonly url?: string;
}

/** POSTs a raw body to `/_sql`. */
export async function postRaw(body: string | Buffer, opts: PostOptions = {}): Promise<Reply> {
  const ep = endpoint();
  const user = opts.user ?? ep.username;
  const password = opts.password ?? ep.password;
  const res = await request(`${opts.url ?? ep.url}/_sql${opts.query ?? ""}`, {
    method: "POST",
    dispatcher,
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      authorization: basic(user, password),
      ...opts.headers,
    },
    body,
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

export function sql(stmt: string, args?: unknown[], opts: PostOptions = {}): Promise<Reply> {
  return postRaw(JSON.stringify(args === undefined ? { stmt } : { stmt, args }), opts);
}

export function bulk(stmt: string, bulkArgs: unknown[][], opts: PostOptions = {}): Promise<Reply> {
  return postRaw(JSON.stringify({ stmt, bulk_args: bulkArgs }), opts);
}

/** Runs a statement that must succeed and returns its body. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary JSON
export async function ok(stmt: string, args?: unknown[], opts: PostOptions = {}): Promise<any> {
  const r = await sql(stmt, args, opts);
  if (r.status !== 200) throw new Error(`${stmt} → ${r.status} ${r.text}`);
  return r.json;
}

/** Rows of a query (after an explicit REFRESH where the test needs one). */
export async function rows(stmt: string, args?: unknown[], opts: PostOptions = {}): Promise<unknown[][]> {
  return (await ok(stmt, args, opts)).rows as unknown[][];
}

/** The error of a statement that must fail: status, code and message. */
export async function fails(stmt: string, args?: unknown[], opts: PostOptions = {}) {
  const r = await sql(stmt, args, opts);
  if (r.status === 200) throw new Error(`${stmt} unexpectedly succeeded: ${r.text}`);
  return {
    status: r.status,
    code: r.json?.error?.code as number,
    message: r.json?.error?.message as string,
    reply: r,
  };
}

export const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
