/** Shared pieces of the table-operation integration tests: a real client and row readers. */
import { CrateClient } from "../../src/cratedb/client/crate-client.ts";
import type { CrateClientOptions } from "../../src/cratedb/client/options.ts";
import { ident, qualified } from "../../src/cratedb/sql/ident.ts";
import { TYPE_RECORDS } from "../../src/cratedb/sql/type-metadata.ts";
import type { SqlClient, SqlValue } from "../../src/cratedb/sql-client.ts";
import { type CallContext, callContext } from "../../src/ops/context.ts";
import { createTable } from "../../src/ops/table/create.ts";
import type { ColumnDef, FivetranType, TableDef, TableRef } from "../../src/table-def.ts";
import { endpoint, uniqueSchema } from "./cratedb.ts";

export function testClient(overrides: Partial<CrateClientOptions> = {}): CrateClient {
  const e = endpoint();
  return new CrateClient({
    urls: [e.url],
    username: e.username,
    password: e.password,
    verifyTls: true,
    requestBytes: 1 << 20,
    concurrency: 2,
    connectTimeoutMs: 5_000,
    requestTimeoutMs: 120_000,
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 },
    ...overrides,
  });
}

/** The configuration map Fivetran would send for the test endpoint. */
export function testConfiguration(): Record<string, string> {
  const e = endpoint();
  return { url: e.url, username: e.username, password: e.password };
}

export const col = (
  name: string,
  type: FivetranType,
  primaryKey = false,
  extra: Partial<ColumnDef> = {},
): ColumnDef => ({ name, type, primaryKey, ...extra });

export async function insertRows(
  client: CrateClient,
  ref: TableRef,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
): Promise<void> {
  const stmt = `INSERT INTO ${qualified(ref)} (${columns.map(ident).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
  await client.bulk(stmt, rows);
}

/** Every row (after a refresh), ordered by the given columns. */
export async function selectRows(
  client: CrateClient,
  ref: TableRef,
  columns: readonly string[],
  orderBy: readonly string[] = columns.slice(0, 1),
): Promise<unknown[][]> {
  await client.sql(`REFRESH TABLE ${qualified(ref)}`);
  const result = await client.sql(
    `SELECT ${columns.map(ident).join(", ")} FROM ${qualified(ref)} ORDER BY ${orderBy.map(ident).join(", ")}`,
  );
  return result.rows.map((r) => [...r]);
}

export async function tableNames(client: CrateClient, schema: string): Promise<string[]> {
  const result = await client.sql(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name",
    [schema],
  );
  return result.rows.map((r) => String(r[0]));
}

/** Drops every table of the schema (write blocks lifted first) and its type records. */
export async function dropSchema(client: CrateClient, schema: string): Promise<void> {
  for (const table of await tableNames(client, schema)) {
    const ref = { schema, table };
    await client.sql(`ALTER TABLE ${qualified(ref)} RESET ("blocks.write")`).catch(() => undefined);
    await client.sql(`DROP TABLE IF EXISTS ${qualified(ref)}`);
  }
  await client.sql(`REFRESH TABLE ${qualified(TYPE_RECORDS)}`).catch(() => undefined);
  await client
    .sql(`DELETE FROM ${qualified(TYPE_RECORDS)} WHERE table_schema = ?`, [schema])
    .catch(() => undefined);
}

/** A client that records every statement, e.g. to assert that a no-op sends no DDL. */
export function recording(client: CrateClient): { client: CrateClient; statements: string[] } {
  const statements: string[] = [];
  const proxy = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "sql" || prop === "bulk") {
        return (stmt: string, ...rest: unknown[]) => {
          statements.push(stmt);
          return (target[prop] as (...a: unknown[]) => unknown).call(target, stmt, ...rest);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return { client: proxy, statements };
}

/** A call context for running ops directly; `onStep` stops or interleaves after named steps. */
export const call = (client: SqlClient, onStep?: CallContext["onStep"]): CallContext =>
  callContext(client, { onStep });

/** Numbered tables in one fresh schema, created as Fivetran would and filled. */
export class TableSeeder {
  readonly schema: string;
  readonly #client: CrateClient;
  #counter = 0;

  constructor(client: CrateClient, prefix: string) {
    this.#client = client;
    this.schema = uniqueSchema(prefix);
  }

  nextRef(prefix = "t"): TableRef {
    this.#counter += 1;
    return { schema: this.schema, table: `${prefix}${this.#counter}` };
  }

  async seeded(
    def: TableDef,
    names: readonly string[],
    rows: readonly unknown[][],
    table?: string,
  ): Promise<TableRef> {
    const ref = table === undefined ? this.nextRef() : { schema: this.schema, table };
    await createTable(call(this.#client), ref, { ...def, name: ref.table }, {});
    if (rows.length > 0) await insertRows(this.#client, ref, names, rows as never);
    return ref;
  }
}
