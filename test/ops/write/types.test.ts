import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { plainDecimal } from "../../../src/batch/convert/decimal.ts";
import { type BatchValue, UNMODIFIED } from "../../../src/batch/values.ts";
import type { CrateClient } from "../../../src/cratedb/client/crate-client.ts";
import { createTable } from "../../../src/ops/table/create.ts";
import { ALL_TYPES, ALL_TYPES_ROWS } from "../../batch/all-types.ts";
import { batchDir, type Cell } from "../../helpers/batch-writer.ts";
import { uniqueSchema } from "../../helpers/cratedb.ts";
import { call, dropSchema, selectRows, testClient } from "../../helpers/ops.ts";
import { runWriteBatch } from "../../helpers/write-batch.ts";

let client: CrateClient;
let dir: string;
let cleanup: () => Promise<void>;
const schema = uniqueSchema("ops_write_types");
// CrateDB refuses dots in column names; quotes, commas and spaces stay.
const TYPES = {
  ...ALL_TYPES,
  columns: ALL_TYPES.columns.map((c) =>
    c.name.includes(".") ? { ...c, name: 'Weird "Name", with spaces' } : c,
  ),
};
const NAMES = TYPES.columns.map((c) => c.name);

before(async () => {
  client = testClient();
  ({ dir, cleanup } = await batchDir());
});
after(async () => {
  await dropSchema(client, schema);
  await client.close();
  await cleanup();
});

const FLOATS = new Set(TYPES.columns.flatMap((c, i) => (c.type === "FLOAT" ? [i] : [])));

/**
 * What a value read back from CrateDB is compared as: exact text for numbers and decimals; REAL
 * values as the float they are (CrateDB prints the largest float as 3.4028235E38).
 */
function comparable(value: unknown, column: number): unknown {
  if (typeof value === "number" && FLOATS.has(column)) return String(Math.fround(value));
  if (typeof value === "bigint") return value.toString();
  // Numbers compare by their plain decimal text: -1e-10 and "-0.0000000001" are the same value.
  if (typeof value === "number") return Number.isFinite(value) ? plainDecimal(String(value)) : String(value);
  return value;
}

function expectedRow(values: readonly BatchValue[]): unknown[] {
  return values.map((v, i) => comparable(v === UNMODIFIED ? null : v, i));
}

function withValidBinary(row: { cells: Cell[]; values: BatchValue[] }): {
  cells: Cell[];
  values: BatchValue[];
} {
  const at = TYPES.columns.findIndex((c) => c.type === "BINARY");
  const cells = [...row.cells];
  const values = [...row.values];
  cells[at] = "AQID";
  values[at] = "AQID";
  return { cells, values };
}

describe("WriteBatch value fidelity", () => {
  for (const format of ["csv", "parquet"] as const) {
    test(`every Fivetran type lands exactly as converted (${format})`, async () => {
      const ref = { schema, table: `types_${format}` };
      await createTable(call(client), ref, { ...TYPES, name: ref.table }, {});
      const [first, third] = [ALL_TYPES_ROWS[0]!, ALL_TYPES_ROWS[2]!];
      // Parquet carries BINARY as bytes, so only valid base64 survives the trip through a file.
      const second = format === "csv" ? ALL_TYPES_ROWS[1]! : withValidBinary(ALL_TYPES_ROWS[1]!);
      // The third row's unmodified marker only has a meaning in an update file; make it one for row 1.
      const update = [...third.cells];
      update[0] = "1";
      await runWriteBatch(client, dir, ref, TYPES, {
        replace: [{ rows: [first.cells, second.cells], format }],
        update: [{ rows: [update], format }],
      });
      const rows = (await selectRows(client, ref, NAMES)).map((r) => r.map((v, i) => comparable(v, i)));
      const updated = third.values.map((v, i) => (v === UNMODIFIED ? first.values[i]! : v));
      updated[0] = 1;
      assert.deepEqual(rows, [expectedRow(updated), expectedRow(second.values)]);
    });
  }
});
