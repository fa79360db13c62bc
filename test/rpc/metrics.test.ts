/**
 * GET /metrics on the server's port: Prometheus text with the RPC, row and CrateDB request series
 * a WriteBatch moves, and no schema, table, value or secret in any of it unless asked for.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DestinationConnector } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { closeAllClients } from "../../src/cratedb/client/registry.ts";
import { setTableLabels } from "../../src/metrics.ts";
import { tableDefToProto } from "../../src/rpc/table-def-from-proto.ts";
import type { TableDef } from "../../src/table-def.ts";
import { testerFileParams } from "../e2e/tester-files.ts";
import { batchDir, writeBatchFile } from "../helpers/batch-writer.ts";
import { uniqueSchema } from "../helpers/cratedb.ts";
import { seriesValue } from "../helpers/metrics.ts";
import { col, dropSchema, testClient, testConfiguration } from "../helpers/ops.ts";
import { grpcClient, grpcUnary, startTestServer, type TestServer } from "./server-fixture.ts";

const m = DestinationConnector.method;
const schema = uniqueSchema("metrics");
const table: TableDef = {
  name: "orders",
  columns: [col("id", "INT", true), col("note", "STRING"), col("_fivetran_synced", "UTC_DATETIME")],
};
const SECRET_NOTE = "do-not-export-this-value";

let t: TestServer;
let files: Awaited<ReturnType<typeof batchDir>>;
before(async () => {
  t = await startTestServer();
  files = await batchDir();
});
after(async () => {
  setTableLabels(false);
  await dropSchema(testClient(), schema);
  await t.close();
  await closeAllClients();
  await files.cleanup();
});

async function scrape(): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${t.baseUrl}/metrics`);
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

/** The value of one series, found by its name and exact label set in Prometheus text. */

async function writeRows(ids: readonly number[]): Promise<void> {
  const file = await writeBatchFile({
    dir: files.dir,
    columns: table.columns,
    rows: ids.map((id) => [String(id), SECRET_NOTE, "2026-01-01T00:00:00Z"]),
  });
  const rpc = grpcClient(t.port);
  try {
    const configuration = testConfiguration();
    await grpcUnary(rpc, m.createTable, { configuration, schemaName: schema, table: tableDefToProto(table) });
    const answer = await grpcUnary(rpc, m.writeBatch, {
      configuration,
      schemaName: schema,
      table: tableDefToProto(table),
      keys: file.keys,
      replaceFiles: [file.path],
      fileParams: testerFileParams(false),
    });
    assert.equal(answer.response.case, "success");
  } finally {
    rpc.close();
  }
}

test("a scrape before any RPC answers Prometheus text with the build and process series", async () => {
  const { status, type, text } = await scrape();
  assert.equal(status, 200);
  assert.match(type ?? "", /^text\/plain; version=0\.0\.4/);
  assert.match(text, /^# HELP cratedb_fivetran_destination_rpcs_running /m);
  assert.match(text, /^cratedb_fivetran_destination_rpcs_waiting 0$/m);
  assert.match(text, /^process_resident_memory_bytes \d+/m);
});

test("a WriteBatch counts its RPC, its rows and the bytes it sent, without tables, values or secrets", async () => {
  await writeRows([1, 2, 3]);
  const { text } = await scrape();
  const noTable = 'schema="",table=""';
  assert.equal(
    seriesValue(
      text,
      `cratedb_fivetran_destination_rpcs_total{method="WriteBatch",outcome="success",${noTable}}`,
    ),
    1,
  );
  assert.equal(
    seriesValue(
      text,
      `cratedb_fivetran_destination_rows_written_total{method="WriteBatch",operation="replace",${noTable}}`,
    ),
    3,
  );
  const sent = seriesValue(
    text,
    'cratedb_fivetran_destination_cratedb_request_bytes_total{method="WriteBatch"}',
  );
  assert.ok(sent !== undefined && sent > 0, "request bytes of the WriteBatch are counted");
  assert.ok(
    (seriesValue(
      text,
      'cratedb_fivetran_destination_cratedb_request_duration_seconds_count{kind="bulk",outcome="ok"}',
    ) ?? 0) >= 1,
    "the bulk request's duration is observed",
  );
  assert.doesNotMatch(text, new RegExp(`${schema}|orders|${SECRET_NOTE}`));
  assert.doesNotMatch(text, new RegExp(testConfiguration()["url"]!.replace(/[.:/]/g, "\\$&")));
});

test("with table labels on, the RPC and row series name the schema and table", async () => {
  setTableLabels(true);
  await writeRows([4, 5]);
  const { text } = await scrape();
  const where = `schema="${schema}",table="orders"`;
  assert.equal(
    seriesValue(
      text,
      `cratedb_fivetran_destination_rows_written_total{method="WriteBatch",operation="replace",${where}}`,
    ),
    2,
  );
  assert.equal(
    seriesValue(
      text,
      `cratedb_fivetran_destination_rpcs_total{method="WriteBatch",outcome="success",${where}}`,
    ),
    1,
  );
  assert.doesNotMatch(text, new RegExp(SECRET_NOTE));
});

test("/metrics answers only GET; other paths stay RPC routes", async () => {
  const posted = await fetch(`${t.baseUrl}/metrics`, { method: "POST", body: "" });
  assert.notEqual(posted.status, 200);
  await posted.body?.cancel();
});
