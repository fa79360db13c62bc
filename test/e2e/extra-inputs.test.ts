/**
 * The project's own tester inputs (test/fixtures/fivetran-tester/extra/) for what the samples
 * don't cover: the same key in several files and file kinds, soft-delete revival, truncate
 * cutoffs between rows of one file, history versions spread over two input files, hostile names.
 * Multi-file cases run their files in order against one schema, later files learning the tables
 * through DescribeTable as the tester does.
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

const CASES: Record<string, { files: readonly string[]; deferTruncates?: boolean }> = {
  "duplicate keys across files and kinds": { files: ["duplicate_keys.json"] },
  "truncates between writes": { files: ["truncate_cutoff.json"] },
  "truncate cutoffs between rows of one file": { files: ["truncate_cutoff.json"], deferTruncates: true },
  "soft-deleted rows revived by later upserts and updates": {
    files: ["revival_1.json", "revival_2.json", "revival_3.json"],
  },
  "history versions over two input files": { files: ["history_1.json", "history_2.json"] },
  // A version back-dated before a delete, and one before every existing version (§7.9 step 1).
  "history versions arriving out of order": {
    files: ["backdated_1.json", "backdated_2.json", "backdated_3.json"],
  },
  "every type at its extremes, NULL and empty text": { files: ["value_extremes.json"] },
  "hostile table and column names": { files: ["hostile_names.json"] },
};

const env: ReplayEnv = await startReplayEnv();
after(() => env.close());

for (const [title, { files, deferTruncates = false }] of Object.entries(CASES)) {
  describe(title, () => {
    let outcome: ReplayOutcome;
    before(async () => {
      const inputs = files.map((f) => [f, loadInput(`extra/${f}`)] as const);
      outcome = await replay(env, files[0]!.replace(/\W/g, "_").slice(0, 16), inputs, { deferTruncates });
    });
    after(() => outcome?.cleanup());

    test("DescribeTable reports what the model expects for every table named", () => {
      assert.ok(outcome.described.size > 0);
      for (const [name, described] of outcome.described) {
        const expected = outcome.model.get(name);
        assert.deepEqual(described && shape(described.columns), expected && shape(expected.columns), name);
      }
      assert.deepEqual([...outcome.tables].sort(), [...outcome.model.keys()].sort());
    });

    test("table contents equal the model's", async () => {
      for (const [name, table] of outcome.model) {
        assert.deepEqual(await actualRows(outcome.schema, name, table), expectedRows(table), name);
      }
    });
  });
}
