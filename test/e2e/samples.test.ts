/**
 * Fivetran's sample tester inputs, each replayed into its own schema through the gRPC server;
 * final table shapes and contents must equal the reference model's.
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

const SAMPLES = [
  "input.json",
  "schema_migrations_input_ddl.json",
  "schema_migrations_input_dml.json",
  "schema_migrations_input_sync_modes.json",
  // Updates, deletes and soft deletes of records that don't exist (or no longer do, after a truncate).
  "nonexistent-records/delete_missing_record.json",
  "nonexistent-records/soft_delete_missing_record.json",
  "nonexistent-records/update_missing_record.json",
  "nonexistent-records/truncate_then_delete.json",
  "nonexistent-records/truncate_then_soft_delete.json",
  "nonexistent-records/truncate_then_update.json",
] as const;

const env: ReplayEnv = await startReplayEnv();
after(() => env.close());

test("the connection tests of the setup form all pass against the test endpoint", () => {
  assert.deepEqual(env.setupTests, ["connect", "authenticate", "version", "permissions"]);
});

interface Run {
  readonly file: string;
  readonly title: string;
  readonly options: Parameters<typeof replay>[3];
}

test("input.json goes out as the tester sends it: shapes, then batches flushed before each truncate", async () => {
  const outcome = await replay(env, "sequence", [["input.json", loadInput("input.json")]]);
  try {
    const steps = outcome.calls.map((c) => {
      if (c.rpc === "writeBatch" || c.rpc === "writeHistoryBatch") {
        const b = c.batch;
        const kinds = { earliest: b.earliest, replace: b.replace, update: b.update, delete: b.delete };
        const files = Object.entries(kinds).filter(([, rows]) => rows.length > 0);
        return `${c.rpc} ${b.table.name} ${files.map(([kind, rows]) => `${kind}:${rows.length}`).join(" ")}`;
      }
      if (c.rpc === "truncate") return `truncate ${c.table}${c.soft ? " soft" : ""}`;
      if (c.rpc === "migrate") return `migrate ${c.migration.op}`;
      return `${c.rpc} ${"table" in c && typeof c.table === "object" ? c.table.name : c.table}`;
    });
    assert.deepEqual(steps.slice(0, 14), [
      "createTable transaction",
      "createTable campaign",
      "createTable composite_table",
      "alterTable transaction",
      "alterTable composite_table",
      "writeHistoryBatch transaction earliest:2 replace:3",
      "writeBatch campaign replace:1",
      "writeBatch composite_table replace:2",
      "truncate campaign",
      "truncate composite_table soft",
      "writeHistoryBatch transaction earliest:1 update:1 delete:2",
      "describeTable transaction",
      "describeTable campaign",
      "describeTable composite_table",
    ]);
  } finally {
    await outcome.cleanup();
  }
});

const RUNS: Run[] = [
  ...SAMPLES.map((file) => ({ file, title: `replaying ${file}`, options: {} })),
  // Fivetran re-sends a call whose response was lost: every mutating RPC sent twice must leave
  // the same tables as one.
  ...SAMPLES.slice(0, 4).map((file) => ({
    file,
    title: `replaying ${file}, every call sent twice`,
    options: { repeatCalls: true },
  })),
  // The tester's --plain-text: files neither compressed nor encrypted.
  ...["input.json"].map((file) => ({
    file,
    title: `replaying ${file} with plain-text files`,
    options: { plainText: true },
  })),
  // Testers before 2.26.0408 add _fivetran_deleted by AlterTable right before the first soft op.
  ...["input.json", "nonexistent-records/truncate_then_soft_delete.json"].map((file) => ({
    file,
    title: `replaying ${file} as an older tester`,
    options: { olderTester: true },
  })),
];

for (const { file, title, options } of RUNS) {
  describe(title, () => {
    let outcome: ReplayOutcome;
    before(async () => {
      const prefix = file.replace(/^.*\//, "").replace(/\W/g, "_").slice(0, 20);
      outcome = await replay(env, prefix, [[file, loadInput(file)]], options);
    });
    after(() => outcome?.cleanup());

    test("leaves exactly the tables the model expects", () => {
      assert.deepEqual([...outcome.tables].sort(), [...outcome.model.keys()].sort());
    });

    test("DescribeTable reports the columns, types and keys the model expects", () => {
      assert.ok(outcome.described.size >= outcome.model.size);
      for (const [name, described] of outcome.described) {
        const expected = outcome.model.get(name);
        assert.deepEqual(described && shape(described.columns), expected && shape(expected.columns), name);
      }
    });

    test("table contents equal the model's", async () => {
      for (const [name, table] of outcome.model) {
        assert.deepEqual(await actualRows(outcome.schema, name, table), expectedRows(table), name);
      }
    });
  });
}
