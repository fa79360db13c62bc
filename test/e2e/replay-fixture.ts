/**
 * Shared pieces of the end-to-end replay tests: one server and gRPC client per test file, a replay
 * of input files into a fresh schema, and the actual tables read back for comparison with the
 * reference model.
 */
import type * as grpc from "@grpc/grpc-js";
import { closeAllClients } from "../../src/cratedb/client/registry.ts";
import { ident, qualified } from "../../src/cratedb/sql/ident.ts";
import type { ColumnDef, TableDef } from "../../src/table-def.ts";
import { batchDir } from "../helpers/batch-writer.ts";
import { uniqueSchema } from "../helpers/cratedb.ts";
import { dropSchema, tableNames, testClient, testConfiguration } from "../helpers/ops.ts";
import { grpcClient, startTestServer, type TestServer } from "../rpc/server-fixture.ts";
import { expectedState, type Model, type ModelTable } from "./expected-state.ts";
import { normalise } from "./normalise.ts";
import type { TesterCall } from "./tester-calls.ts";
import type { TesterInput } from "./tester-input.ts";
import { type ReplayOptions, runSetup, TesterReplay } from "./tester-replay.ts";

export interface ReplayEnv {
  readonly server: TestServer;
  readonly rpc: grpc.Client;
  readonly configuration: Record<string, string>;
  readonly setupTests: readonly string[];
  /** The batch file format the server asked for through Capabilities. */
  readonly format: "csv" | "parquet";
  close(): Promise<void>;
}

export async function startReplayEnv(batchFileFormat: "csv" | "parquet" = "csv"): Promise<ReplayEnv> {
  const server = await startTestServer({ batchFileFormat });
  const rpc = grpcClient(server.port);
  const configuration = testConfiguration();
  const { tests: setupTests, format } = await runSetup(rpc, configuration);
  return {
    server,
    rpc,
    configuration,
    setupTests,
    format,
    async close() {
      rpc.close();
      await server.close();
      await closeAllClients();
    },
  };
}

/** Column shape as compared: name, type, key flag and DECIMAL params, sorted by name. */
export type ColumnShape = [string, string, boolean, string];

export function shape(columns: readonly ColumnDef[]): ColumnShape[] {
  return columns
    .map(
      (c): ColumnShape => [
        c.name,
        c.type,
        c.primaryKey,
        c.decimal ? `${c.decimal.precision},${c.decimal.scale}` : "",
      ],
    )
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export interface ReplayOutcome {
  readonly schema: string;
  /** The RPCs the replay sent, in order. */
  readonly calls: readonly TesterCall[];
  readonly model: Model;
  /** DescribeTable of every table the model or the inputs name (undefined = not_found). */
  readonly described: Map<string, TableDef | undefined>;
  /** Tables that exist in the schema afterwards. */
  readonly tables: string[];
  cleanup(): Promise<void>;
}

/** Replays the input files in order into a fresh schema and computes the model's expectation. */
export async function replay(
  env: Pick<ReplayEnv, "rpc" | "configuration" | "format">,
  prefix: string,
  files: readonly (readonly [string, TesterInput])[],
  options: Pick<ReplayOptions, "deferTruncates" | "repeatCalls" | "olderTester" | "plainText"> = {},
): Promise<ReplayOutcome> {
  const schema = uniqueSchema(`e2e_${prefix}`);
  const { dir, cleanup } = await batchDir();
  const run = new TesterReplay({
    rpc: env.rpc,
    configuration: env.configuration,
    schema,
    dir,
    format: env.format,
    ...options,
  });
  for (const [name, input] of files) await run.runFile(name, input);
  const model = expectedState(run.calls);
  const named = new Set([...model.keys(), ...files.flatMap(([, input]) => input.describe_table ?? [])]);
  for (const table of named) await run.describe(table);
  const client = testClient();
  const tables = await tableNames(client, schema);
  await client.close();
  return {
    schema,
    calls: run.calls,
    model,
    described: run.described,
    tables,
    async cleanup() {
      const c = testClient();
      await dropSchema(c, schema);
      await c.close();
      await cleanup();
    },
  };
}

/** Every row of a table, each value normalised by its model column, sorted. */
export async function actualRows(schema: string, name: string, table: ModelTable): Promise<string[]> {
  const client = testClient();
  try {
    const ref = { schema, table: name };
    await client.sql(`REFRESH TABLE ${qualified(ref)}`);
    const result = await client.sql(
      `SELECT ${table.columns.map((c) => ident(c.name)).join(", ")} FROM ${qualified(ref)}`,
    );
    return result.rows
      .map((row) => JSON.stringify(table.columns.map((c, i) => [c.name, normalise(c, row[i])])))
      .sort();
  } finally {
    await client.close();
  }
}

export function expectedRows(table: ModelTable): string[] {
  return table.rows
    .map((row) => JSON.stringify(table.columns.map((c) => [c.name, row[c.name] ?? null])))
    .sort();
}
