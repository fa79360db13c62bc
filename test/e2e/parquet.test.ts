/**
 * The replay with a server that asks for Parquet through Capabilities (the tester's
 * `--batch-file-type PARQUET`). Only inputs without update ops: Parquet cannot carry the
 * "unmodified" sentinel in non-string columns, and how Fivetran would write it is undocumented
 * (fivetran-protocol.md §6.6).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  actualRows,
  expectedRows,
  type ReplayEnv,
  type ReplayOutcome,
  replay,
  shape,
  startReplayEnv,
} from "./replay-fixture.ts";
import { loadInput } from "./tester-input.ts";

const INPUTS = [
  "schema_migrations_input_ddl.json",
  "schema_migrations_input_dml.json",
  "schema_migrations_input_sync_modes.json",
  "extra/value_extremes.json",
  "extra/backdated_1.json",
];

const env: ReplayEnv = await startReplayEnv("parquet");
after(() => env.close());

test("the server asks for Parquet batch files", () => {
  assert.equal(env.format, "parquet");
});

for (const file of INPUTS) {
  describe(`replaying ${file} with Parquet batch files`, () => {
    let outcome: ReplayOutcome;
    before(async () => {
      const prefix = `pq_${file.replace(/^.*\//, "").replace(/\W/g, "_").slice(0, 16)}`;
      outcome = await replay(env, prefix, [[file, loadInput(file)]]);
    });
    after(() => outcome?.cleanup());

    test("tables, columns and contents equal the model's", async () => {
      assert.deepEqual([...outcome.tables].sort(), [...outcome.model.keys()].sort());
      for (const [name, table] of outcome.model) {
        assert.deepEqual(shape(outcome.described.get(name)?.columns ?? []), shape(table.columns), name);
        assert.deepEqual(await actualRows(outcome.schema, name, table), expectedRows(table), name);
      }
    });
  });
}
