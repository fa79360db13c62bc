/**
 * Shared by the hostile-input tests: the real server on a loopback port, a small table, the
 * checks every hostile test makes (the answer, the table afterwards, health still SERVING, no
 * directory or file content in answers and logs) and a fault-free retry.
 */

import assert from "node:assert/strict";
import type * as grpc from "@grpc/grpc-js";
import { DataType } from "../../gen/fivetran_sdk/v2/common_pb.ts";
import {
  Compression,
  DestinationConnector,
  Encryption,
  type WriteBatchResponse,
} from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.ts";
import { closeAllClients } from "../../src/cratedb/client/registry.ts";
import { ERROR_CODES } from "../../src/error-codes.ts";
import type { ServerOptions } from "../../src/rpc/server.ts";
import { batchDir, type WrittenBatchFile, writeBatchFile } from "../helpers/batch-writer.ts";
import { uniqueSchema } from "../helpers/cratedb.ts";
import { col, dropSchema, selectRows, testClient, testConfiguration } from "../helpers/ops.ts";
import { grpcClient, grpcUnary, startTestServer, type TestServer } from "../rpc/server-fixture.ts";

export const m = DestinationConnector.method;
export const SYNCED = "2024-01-01T00:00:00Z";

/** The table every hostile WriteBatch targets, as the request sends it. */
export const TABLE_COLUMNS = [
  { name: "id", type: DataType.INT, primaryKey: true },
  { name: "note", type: DataType.STRING },
  { name: "_fivetran_synced", type: DataType.UTC_DATETIME },
];
/** The same columns for the batch file writer. */
export const FILE_COLUMNS = [
  col("id", "INT", true),
  col("note", "STRING"),
  col("_fivetran_synced", "UTC_DATETIME"),
];

export interface RequestFileParams {
  readonly compression: Compression;
  readonly encryption: Encryption;
  readonly nullString: string;
  readonly unmodifiedString: string;
}

export const PLAIN_PARAMS: RequestFileParams = {
  compression: Compression.OFF,
  encryption: Encryption.NONE,
  nullString: "",
  unmodifiedString: "",
};

/** FileParams as the request sends them for a file from the writer. */
export function packedParams(file: WrittenBatchFile): RequestFileParams {
  return {
    compression: file.fileParams.compression === "zstd" ? Compression.ZSTD : Compression.OFF,
    encryption: file.fileParams.encryption === "aes" ? Encryption.AES : Encryption.NONE,
    nullString: file.fileParams.nullString,
    unmodifiedString: file.fileParams.unmodifiedString,
  };
}

export interface Hostile {
  readonly server: TestServer;
  readonly rpc: grpc.Client;
  /** A fresh temporary directory for this file's batch files. */
  readonly dir: string;
  readonly schema: string;
  readonly configuration: Record<string, string>;
  close(): Promise<void>;
}

/** `options` may depend on the file's batch directory (e.g. directories below it to allow). */
export async function startHostile(
  prefix: string,
  options: Partial<ServerOptions> | ((dir: string) => Partial<ServerOptions>) = {},
): Promise<Hostile> {
  const { dir, cleanup } = await batchDir();
  const server = await startTestServer(typeof options === "function" ? options(dir) : options);
  const rpc = grpcClient(server.port);
  const schema = uniqueSchema(prefix);
  return {
    server,
    rpc,
    dir,
    schema,
    configuration: testConfiguration(),
    async close() {
      rpc.close();
      await server.close();
      const client = testClient();
      await dropSchema(client, schema);
      await client.close();
      await closeAllClients();
      await cleanup();
    },
  };
}

/** Creates `name` with TABLE_COLUMNS through the server. */
export async function createTable(h: Hostile, name: string): Promise<void> {
  const res = await grpcUnary(h.rpc, m.createTable, {
    configuration: h.configuration,
    schemaName: h.schema,
    table: { name, columns: TABLE_COLUMNS },
  });
  assert.equal(res.response.case, "success");
}

export interface WriteCall {
  readonly table?: string;
  readonly columns?: typeof TABLE_COLUMNS;
  readonly replaceFiles: readonly string[];
  readonly keys?: Record<string, Uint8Array>;
  readonly fileParams?: RequestFileParams;
}

export function writeBatch(h: Hostile, call: WriteCall): Promise<WriteBatchResponse> {
  return grpcUnary(h.rpc, m.writeBatch, {
    configuration: h.configuration,
    schemaName: h.schema,
    table: { name: call.table ?? "t", columns: call.columns ?? TABLE_COLUMNS },
    keys: call.keys ?? {},
    replaceFiles: [...call.replaceFiles],
    fileParams: call.fileParams ?? PLAIN_PARAMS,
  });
}

/** The Task's message; fails unless the response is a Task. */
export function taskMessage(res: { response: { case: string | undefined; value?: unknown } }): string {
  assert.equal(res.response.case, "task", `expected a Task, got ${JSON.stringify(res.response.case)}`);
  return (res.response.value as { message: string }).message;
}

const HINTS = Object.values(ERROR_CODES).flatMap((info) => ("hint" in info ? [` ${info.hint}`] : []));

/**
 * What the Task says went wrong: its message without the what-to-do hint that ends every Task
 * (src/error-codes.ts); fails when the message has no hint.
 */
export function taskSummary(res: { response: { case: string | undefined; value?: unknown } }): string {
  const message = taskMessage(res);
  const hint = HINTS.find((h) => message.endsWith(h));
  assert.ok(hint !== undefined, `the Task ends without a what-to-do hint: ${message}`);
  return message.slice(0, -hint.length).replace(/\.$/, "");
}

/** The answer and every log line: no directory of the batch files, none of `secrets`. */
export function assertNothingLeaked(h: Hostile, answer: string, secrets: readonly string[] = []): void {
  for (const text of [answer, ...h.server.logs.map((l) => l.message)]) {
    assert.ok(!text.includes(h.dir), `a directory is shown: ${text}`);
    for (const secret of secrets) assert.ok(!text.includes(secret), `file content is shown: ${text}`);
  }
  assert.deepEqual(
    h.server.logs.filter((l) => l.level === "SEVERE"),
    [],
    "no internal error was logged",
  );
}

/** The server still reports SERVING for itself and the destination service. */
export async function assertServing(h: Hostile): Promise<void> {
  for (const service of ["", DestinationConnector.typeName]) {
    const res = await grpcUnary(h.rpc, Health.method.check, { service });
    assert.equal(res.status, HealthCheckResponse_ServingStatus.SERVING);
  }
}

/** `id, note` of every row, by id. */
export async function rowsOf(h: Hostile, table: string): Promise<unknown[][]> {
  const client = testClient();
  try {
    return await selectRows(client, { schema: h.schema, table }, ["id", "note"]);
  } finally {
    await client.close();
  }
}

/** A well-formed packed (zstd + AES) file of the given rows for TABLE_COLUMNS. */
export function goodFile(h: Hostile, rows: [string, string][]): Promise<WrittenBatchFile> {
  return writeBatchFile({
    dir: h.dir,
    columns: FILE_COLUMNS,
    rows: rows.map(([id, note]) => [id, note, SYNCED]),
  });
}

/** Sends `file` as the fault-free retry and checks that the table then holds exactly `expected`. */
export async function assertRetryConverges(
  h: Hostile,
  table: string,
  file: WrittenBatchFile,
  expected: unknown[][],
): Promise<void> {
  const res = await writeBatch(h, {
    table,
    replaceFiles: [file.path],
    keys: file.keys,
    fileParams: packedParams(file),
  });
  assert.equal(res.response.case, "success", JSON.stringify(res.response));
  assert.deepEqual(await rowsOf(h, table), expected);
}
