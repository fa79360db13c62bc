/**
 * What the shipped artefacts must do once started, checked over gRPC as Fivetran calls: the setup
 * form, health, every connection test against the test CrateDB, and one tester input replayed
 * with its tables compared with the reference model. The bundling is what these tests are
 * about: a module or asset the bundle lost shows here, not in the tests of the sources.
 */
import assert from "node:assert/strict";
import { DestinationConnector } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { Health } from "../../gen/grpc/health/v1/health_pb.ts";
import { closeAllClients } from "../../src/cratedb/client/registry.ts";
import { actualRows, expectedRows, replay, shape } from "../e2e/replay-fixture.ts";
import { loadInput } from "../e2e/tester-input.ts";
import { runSetup } from "../e2e/tester-replay.ts";
import { testConfiguration } from "../helpers/ops.ts";
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
