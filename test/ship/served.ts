/**
 * What the shipped artefacts must do once started, checked over gRPC as Fivetran calls: the setup
 * form, health, every connection test against the test CrateDB, and one tester input replayed
 * with its tables compared with the reference model. The bundling is what these tests are
 * about: a module or asset the bundle lost shows here, not in the tests of the sources.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { DestinationConnector } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { Health } from "../../gen/grpc/health/v1/health_pb.ts";
import { closeAllClients } from "../../src/cratedb/client/registry.ts";
import { tableDefToProto } from "../../src/rpc/table-def-from-proto.ts";
import type { TableDef } from "../../src/table-def.ts";
import { actualRows, expectedRows, replay, shape } from "../e2e/replay-fixture.ts";
import { testerFileParams } from "../e2e/tester-files.ts";
import { loadInput } from "../e2e/tester-input.ts";
import { runSetup } from "../e2e/tester-replay.ts";
import { batchDir, type Cell, writeBatchFile } from "../helpers/batch-writer.ts";
import { uniqueSchema } from "../helpers/cratedb.ts";
import { destinationSeries } from "../helpers/metrics.ts";
import { col, dropSchema, testClient, testConfiguration } from "../helpers/ops.ts";
import { grpcClient, grpcUnary } from "../rpc/server-fixture.ts";

/** ConfigurationForm and Health only: what any started server must answer. */
export async function answersFormAndHealth(port: number): Promise<void> {
  const rpc = grpcClient(port);
  try {
    const form = await grpcUnary(rpc, DestinationConnector.method.configurationForm, {});
    assert.ok(
      form.fields.some((f) => f.name === "url"),
      "the setup form asks for the CrateDB URL",
    );
    assert.ok(form.tests.length > 0, "the setup form lists connection tests");
    assert.equal((await grpcUnary(rpc, Health.method.check, {})).status, 1, "SERVING");
  } finally {
    rpc.close();
  }
}

/** Connection tests, then `input` replayed into a fresh schema and compared with the model. */
export async function replaysInput(port: number, input: string, format: "csv" | "parquet"): Promise<void> {
  const rpc = grpcClient(port);
  try {
    const configuration = testConfiguration();
    const setup = await runSetup(rpc, configuration);
    assert.equal(setup.format, format, "the batch file format asked for");
    const outcome = await replay({ rpc, configuration, format }, `ship_${format}`, [
      [input, loadInput(input)],
    ]);
    try {
      assert.deepEqual([...outcome.tables].sort(), [...outcome.model.keys()].sort());
      for (const [name, table] of outcome.model) {
        assert.deepEqual(shape(outcome.described.get(name)?.columns ?? []), shape(table.columns), name);
        assert.deepEqual(await actualRows(outcome.schema, name, table), expectedRows(table), name);
      }
    } finally {
      await outcome.cleanup();
    }
  } finally {
    rpc.close();
    await closeAllClients();
  }
}

/**
 * A WriteBatch file large enough (> 1 MiB on disk) to be prepared in a prepare thread: the thread's
 * code must be in the artefact (a file of the package, an asset of the executable) and start.
 * Checks the rows landed and /metrics counted the thread.
 */
export async function writesInPrepareThread(port: number, format: "csv" | "parquet"): Promise<void> {
  const table: TableDef = {
    name: "big",
    columns: [col("id", "INT", true), col("note", "STRING"), col("_fivetran_synced", "UTC_DATETIME")],
  };
  const schema = uniqueSchema(`ship_thread_${format}`);
  const files = await batchDir();
  const rpc = grpcClient(port);
  const client = testClient();
  try {
    const rows = 40_000;
    // Random notes: compressed, the file stays well over the 1 MiB a step needs for a thread.
    const file = await writeBatchFile({
      dir: files.dir,
      format,
      columns: table.columns,
      rows: (function* (): Generator<Cell[]> {
        for (let id = 1; id <= rows; id++)
          yield [String(id), randomBytes(24).toString("base64"), "2026-01-01T00:00:00Z"];
      })(),
    });
    const configuration = testConfiguration();
    const proto = tableDefToProto(table);
    await grpcUnary(rpc, DestinationConnector.method.createTable, {
      configuration,
      schemaName: schema,
      table: proto,
    });
    const before = await startedThreads(port);
    const answer = await grpcUnary(rpc, DestinationConnector.method.writeBatch, {
      configuration,
      schemaName: schema,
      table: proto,
      keys: file.keys,
      replaceFiles: [file.path],
      fileParams: testerFileParams(false),
    });
    assert.equal(answer.response.case, "success");
    assert.equal((await startedThreads(port)) - before, 1, "one prepare thread started");
    const counted = await client.sql(
      `SELECT count(*), min("id"), max("id"), count(DISTINCT "note") FROM "${schema}"."big"`,
    );
    assert.deepEqual(counted.rows, [[rows, 1, rows, rows]]);
  } finally {
    rpc.close();
    await dropSchema(client, schema);
    await client.close();
    await files.cleanup();
  }
}

const startedThreads = (port: number): Promise<number> =>
  destinationSeries(port, "prepare_threads_started_total");
