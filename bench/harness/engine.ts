/**
 * The engine limits, against a real CrateDB: how fast CrateDB itself takes the same rows.
 *
 * - COPY FROM: the rows a workload starts from (its preload, or for pure inserts its rows), as a
 *   JSON-lines file CrateDB reads from disk, then REFRESH — CrateDB's bulk import path.
 * - Direct bulk_args: a minimal client (undici, 4 requests in flight, gzip'd bodies of ~1 MiB of
 *   rows, as the destination's chunks are) sending the very statements the destination sends
 *   (fence included) with the rows already converted and the bodies already built and compressed;
 *   only sending is timed. For history mode it runs the destination's step order with its
 *   REFRESHes, completing update rows from the preloaded versions it knows instead of reading them.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { Pool } from "undici";
import { textConverter } from "../../src/batch/convert/converters.ts";
import { UNMODIFIED } from "../../src/batch/values.ts";
import { stringifyRow } from "../../src/cratedb/client/exact-json.ts";
import { createTableDdl } from "../../src/cratedb/sql/ddl.ts";
import { keyCastFor, renderDeadline } from "../../src/cratedb/sql/fence.ts";
import { type BulkSql, qualified } from "../../src/cratedb/sql/ident.ts";
import { deleteByKey, updateByKey, upsertRows } from "../../src/cratedb/sql/write.ts";
import type { SqlValue } from "../../src/cratedb/sql-client.ts";
import { physicalColumns } from "../../src/ops/table/create.ts";
import type { ColumnDef, TableDef, TableRef } from "../../src/table-def.ts";
import type { Cell } from "../../test/helpers/batch-writer.ts";
import { HISTORY, historyGroup, historyRow, NARROW, narrowRow, T0, T1, type Workload } from "./workloads.ts";

const gzipAsync = promisify(gzip);

export interface Crate {
  readonly url: string;
  readonly headers: Record<string, string>;
}

export function crateFromEnv(url: string): Crate {
  const user = process.env["CRATEDB_USER"] ?? "crate";
  const password = process.env["CRATEDB_PASSWORD"] ?? "";
  return {
    url: url.replace(/\/+$/, ""),
    headers: {
      "content-type": "application/json",
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
    },
  };
}

export async function sql(
  crate: Crate,
  stmt: string,
  args: readonly unknown[] = [],
): Promise<{ rows: unknown[][]; rowcount: number }> {
  const res = await fetch(`${crate.url}/_sql`, {
    method: "POST",
    headers: crate.headers,
    body: JSON.stringify({ stmt, args }),
  });
  const body = (await res.json()) as { rows: unknown[][]; rowcount: number; error?: { message: string } };
  if (!res.ok) throw new Error(`CrateDB: ${body.error?.message ?? res.status} (${stmt.slice(0, 80)})`);
  return body;
}

export async function crateVersion(crate: Crate): Promise<string> {
  const res = await fetch(`${crate.url}/`, { headers: crate.headers });
  return ((await res.json()) as { version: { number: string } }).version.number;
}

/** Creates the table exactly as CreateTable does (same DDL builder, default settings). */
export async function createLikeDestination(crate: Crate, ref: TableRef, table: TableDef): Promise<void> {
  await sql(crate, createTableDdl(ref, physicalColumns(table.columns)).stmt);
}

export async function dropTable(crate: Crate, ref: TableRef): Promise<void> {
  await sql(crate, `DROP TABLE IF EXISTS ${qualified(ref)}`);
}

/** A file's text cells as the values the destination sends (its own converters); UNMODIFIED stays. */
function typed(columns: readonly ColumnDef[]): (row: readonly Cell[]) => (SqlValue | typeof UNMODIFIED)[] {
  const converters = columns.map(textConverter);
  return (row) =>
    row.map((cell, k) =>
      cell === null || cell === UNMODIFIED ? cell : (converters[k]!(cell) as SqlValue | typeof UNMODIFIED),
    );
}

/** The rows COPY FROM imports: the preload, or the workload's own rows for pure inserts. */
function copyRows(w: Workload): { columns: readonly ColumnDef[]; rows: () => Iterable<Cell[]> } {
  const spec = w.preload ?? w.files("csv")[0]!;
  return { columns: spec.columns, rows: spec.rows };
}

export interface Timed {
  readonly rows: number;
  readonly seconds: number;
}

/**
 * COPY FROM of the workload's starting rows into `ref` (which must exist and be empty), then REFRESH.
 * The table is left loaded: the direct client's update, delete and history runs start from it.
 */
export async function copyFrom(crate: Crate, ref: TableRef, w: Workload): Promise<Timed> {
  const { columns, rows } = copyRows(w);
  // CrateDB runs as another OS user: the directory and file must be readable by it.
  const dir = await mkdtemp(join(tmpdir(), "bench-copy-"));
  await chmod(dir, 0o755);
  const path = join(dir, "rows.json");
  try {
    const out = createWriteStream(path, { mode: 0o644 });
    const convert = typed(columns);
    let count = 0;
    let text = "";
    for (const row of rows()) {
      const values = convert(row);
      const object: Record<string, unknown> = {};
      columns.forEach((c, k) => {
        object[c.name] = values[k];
      });
      text += `${JSON.stringify(object)}\n`;
      count++;
      if (text.length > 1 << 20) {
        if (!out.write(text)) await once(out, "drain");
        text = "";
      }
    }
    out.end(text);
    await once(out, "finish");
    await chmod(path, 0o644);
    const started = performance.now();
    const summary = await sql(crate, `COPY ${qualified(ref)} FROM 'file://${path}' RETURN SUMMARY`);
    await sql(crate, `REFRESH TABLE ${qualified(ref)}`);
    const seconds = (performance.now() - started) / 1000;
    const imported = summary.rows.reduce((n, r) => n + Number(r[2] ?? 0), 0);
    const errors = summary.rows.reduce((n, r) => n + Number(r[3] ?? 0), 0);
    if (errors > 0 || imported !== count) {
      throw new Error(`COPY FROM imported ${imported} of ${count} rows: ${JSON.stringify(summary.rows)}`);
    }
    return { rows: count, seconds };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One step of the direct client: a plain statement, or one statement over many arg sets. */
type Phase = { readonly sql: string } | { readonly bulk: string; readonly args: () => Iterable<SqlValue[]> };

/** The statements the destination sends for a workload, with their args, in its order. */
function plan(w: Workload, ref: TableRef): Phase[] {
  const deadline = Date.now() + 3_600_000;
  const fenced = (s: BulkSql) => renderDeadline(s.bulk, deadline);
  const refresh = { sql: `REFRESH TABLE ${qualified(ref)}` };
  const n = w.keys;
  const keyCast = keyCastFor(w.table.columns, "id");
  const names = (columns: readonly ColumnDef[]) => columns.map((c) => c.name);
  const drop = (values: readonly (SqlValue | typeof UNMODIFIED)[]) => values as SqlValue[];
  switch (w.name) {
    case "narrow":
    case "wide": {
      const spec = w.files("csv")[0]!;
      const convert = typed(spec.columns);
      const stmt = fenced(upsertRows(ref, names(spec.columns), ["id"], keyCast));
      return [{ bulk: stmt, args: () => mapRows(spec.rows(), (r) => drop(convert(r))) }, refresh];
    }
    case "update": {
      const spec = w.files("csv")[0]!;
      const convert = typed(spec.columns);
      const all = [...spec.rows()];
      // One UPDATE per set of modified columns, as the destination groups them.
      const groups = new Map<string, number[]>();
      all.forEach((cells, i) => {
        const mask = cells.flatMap((c, k) => (k > 0 && c !== UNMODIFIED ? [k] : [])).join(",");
        let keys = groups.get(mask);
        if (keys === undefined) {
          keys = [];
          groups.set(mask, keys);
        }
        keys.push(i);
      });
      return [
        ...[...groups.entries()].map(([mask, keys]): Phase => {
          const set = mask.split(",").map(Number);
          const stmt = fenced(
            updateByKey(
              ref,
              set.map((k) => spec.columns[k]!.name),
              ["id"],
              keyCast,
            ),
          );
          return {
            bulk: stmt,
            args: () =>
              mapRows(keys, (i) => {
                const values = convert(all[i]!);
                return [...set.map((k) => values[k] as SqlValue), values[0] as SqlValue];
              }),
          };
        }),
        refresh,
      ];
    }
    case "delete":
      return [
        { bulk: fenced(deleteByKey(ref, ["id"], keyCast)), args: () => mapRows(range(n), (i) => [i]) },
        refresh,
      ];
    case "soft-delete": {
      const convert = typed(NARROW.columns);
      const stmt = fenced(updateByKey(ref, ["_fivetran_synced", "_fivetran_deleted"], ["id"], keyCast));
      return [
        {
          bulk: stmt,
          args: () =>
            mapRows(range(n), (i) => {
              const v = convert(narrowRow(i, 1));
              return [v[8] as SqlValue, true, i];
            }),
        },
        refresh,
      ];
    }
    case "history": {
      const convert = typed(HISTORY.columns);
      const t1 = Date.parse(T1);
      const changed = (i: number) => historyGroup(i) !== "delete";
      const pk = ["id", "_fivetran_start"];
      const upsert = fenced(upsertRows(ref, names(HISTORY.columns), pk, keyCast));
      const update = w.files("csv").find((f) => f.kind === "update")!;
      const updates = [...update.rows()];
      // Versions are closed by full primary key, as the destination does once it has read them;
      // this client knows them already (every key has one active version starting at T0).
      const close = fenced(updateByKey(ref, ["_fivetran_end", "_fivetran_active"], pk, keyCast));
      const t0 = Date.parse(T0);
      return [
        refresh,
        {
          bulk: close,
          args: () => mapRows(filter(range(n), changed), (i) => [t1 - 1, false, i, t0]),
        },
        {
          bulk: upsert,
          args: () =>
            mapRows(
              filter(range(n), (i) => historyGroup(i) === "replace"),
              (i) => drop(convert(historyRow(i, 1))),
            ),
        },
        refresh,
        {
          bulk: upsert,
          args: () => {
            let u = 0;
            return mapRows(
              filter(range(n), (i) => historyGroup(i) === "update"),
              (i) => {
                // Unmodified fields come from the preloaded version (start T0), as the destination's lookup finds.
                const base = historyRow(i, 0);
                const row = updates[u++]!.map((cell, k) => (cell === UNMODIFIED ? base[k]! : cell));
                return drop(convert(row));
              },
            );
          },
        },
        refresh,
        {
          bulk: close,
          args: () =>
            mapRows(
              filter(range(n), (i) => historyGroup(i) === "delete"),
              (i) => [t1 - 1, false, i, t0],
            ),
        },
        refresh,
      ];
    }
  }
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}
function* filter<T>(items: Iterable<T>, keep: (item: T) => boolean): Generator<T> {
  for (const item of items) if (keep(item)) yield item;
}
function* mapRows<T>(items: Iterable<T>, make: (item: T) => SqlValue[]): Generator<SqlValue[]> {
  for (const item of items) yield make(item);
}

/** Request bodies of about the destination's chunk size (1 MiB of rows), gzip'd (level 1, as it does). */
const BODY_ROWS_BYTES = 1 << 20;

type Prepared = { readonly sql: string } | { readonly bodies: Buffer[]; readonly argSets: number };

async function prepare(phases: readonly Phase[]): Promise<Prepared[]> {
  const out: Prepared[] = [];
  for (const phase of phases) {
    if ("sql" in phase) {
      out.push(phase);
      continue;
    }
    const head = `{"stmt":${JSON.stringify(phase.bulk)},"bulk_args":[`;
    const bodies: Buffer[] = [];
    let parts: string[] = [];
    let bytes = 0;
    let argSets = 0;
    const flush = async () => {
      if (parts.length === 0) return;
      bodies.push(await gzipAsync(Buffer.from(`${head}${parts.join(",")}]}`), { level: 1 }));
      parts = [];
      bytes = 0;
    };
    for (const args of phase.args()) {
      const row = stringifyRow(args);
      parts.push(row);
      bytes += row.length + 1;
      argSets++;
      if (bytes >= BODY_ROWS_BYTES) await flush();
    }
    await flush();
    out.push({ bodies, argSets });
  }
  return out;
}

export interface DirectClient {
  /** Prepares the workload's requests for `ref` (not timed). */
  prepare(w: Workload, ref: TableRef): Promise<() => Promise<Timed>>;
  close(): Promise<void>;
}

export function directClient(crate: Crate, concurrency = 4): DirectClient {
  const pool = new Pool(crate.url, { connections: concurrency, pipelining: 1 });
  const gzipHeaders = { ...crate.headers, "content-encoding": "gzip" };
  const post = async (body: Buffer, gzipped: boolean): Promise<unknown> => {
    const { statusCode, body: response } = await pool.request({
      method: "POST",
      path: "/_sql",
      headers: gzipped ? gzipHeaders : crate.headers,
      body,
    });
    const text = await response.text();
    if (statusCode !== 200) throw new Error(`CrateDB answered ${statusCode}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  return {
    async prepare(w, ref) {
      const prepared = await prepare(plan(w, ref));
      const rows = w.files("csv").reduce((n, f) => n + f.count, 0);
      return async () => {
        const started = performance.now();
        for (const step of prepared) {
          if ("sql" in step) {
            await post(Buffer.from(JSON.stringify({ stmt: step.sql })), false);
            continue;
          }
          let next = 0;
          let failed = 0;
          const worker = async () => {
            while (next < step.bodies.length) {
              const body = step.bodies[next++]!;
              const answer = (await post(body, true)) as { results: { rowcount: number }[] };
              for (const r of answer.results) if (r.rowcount < 0) failed++;
            }
          };
          await Promise.all(Array.from({ length: concurrency }, worker));
          if (failed > 0) throw new Error(`direct client: ${failed} of ${step.argSets} bulk items failed`);
        }
        return { rows, seconds: (performance.now() - started) / 1000 };
      };
    },
    close: () => pool.close(),
  };
}

/** What the table must hold after the workload, checked after every run against CrateDB. */
export async function verify(crate: Crate, ref: TableRef, w: Workload): Promise<string | undefined> {
  await sql(crate, `REFRESH TABLE ${qualified(ref)}`);
  const n = w.keys;
  const q = qualified(ref);
  const one = async (stmt: string) => Number((await sql(crate, stmt)).rows[0]?.[0]);
  const expect = (what: string, got: number, want: number) =>
    got === want ? undefined : `${what}: ${got}, expected ${want}`;
  switch (w.name) {
    case "narrow":
    case "wide":
    case "update":
      return expect("rows", await one(`SELECT count(*) FROM ${q}`), n);
    case "delete":
      return expect("rows", await one(`SELECT count(*) FROM ${q}`), 0);
    case "soft-delete":
      return expect("soft-deleted rows", await one(`SELECT count(*) FROM ${q} WHERE "_fivetran_deleted"`), n);
    case "history": {
      let changed = 0;
      for (let i = 0; i < n; i++) if (historyGroup(i) !== "delete") changed++;
      return (
        expect("versions", await one(`SELECT count(*) FROM ${q}`), n + changed) ??
        expect("active versions", await one(`SELECT count(*) FROM ${q} WHERE "_fivetran_active"`), changed)
      );
    }
  }
}
