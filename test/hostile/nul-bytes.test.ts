/**
 * NUL bytes in a batch file path or a column name are user errors (a Task), named by base name
 * and with the NUL escaped, never an internal error that logs the full path.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DataType } from "../../gen/fivetran_sdk/v2/common_pb.ts";
import { grpcUnary } from "../rpc/server-fixture.ts";
import {
  assertNothingLeaked,
  assertRetryConverges,
  assertServing,
  createTable,
  goodFile,
  type Hostile,
  m,
  packedParams,
  rowsOf,
  startHostile,
  TABLE_COLUMNS,
  taskMessage,
  taskSummary,
  writeBatch,
} from "./fixture.ts";

let h: Hostile;
before(async () => {
  h = await startHostile("hostile_nul");
  await createTable(h, "t");
});
after(() => h.close());

describe("NUL bytes", () => {
  test("a batch file path with a NUL byte in a directory is a Task naming the base name only", async () => {
    const res = await writeBatch(h, { replaceFiles: [join(h.dir, "secret\0dir", "upsert.csv")] });
    const message = taskSummary(res);
    assert.match(message, /^batch file "upsert\.csv": the file path contains a NUL byte/);
    assert.ok(!message.includes("secret"), message);
    assertNothingLeaked(h, message, ["secret"]);
    assert.deepEqual(await rowsOf(h, "t"), []);
    await assertServing(h);
    await assertRetryConverges(h, "t", await goodFile(h, [["1", "a"]]), [[1, "a"]]);
  });

  test("a NUL byte in the base name is shown escaped", async () => {
    const res = await writeBatch(h, { replaceFiles: [join(h.dir, "up\0load.csv")] });
    const message = taskSummary(res);
    assert.match(message, /^batch file "up\\u0000load\.csv": the file path contains a NUL byte/);
    assert.ok(!message.includes("\0"));
    assertNothingLeaked(h, message);
    assert.deepEqual(await rowsOf(h, "t"), [[1, "a"]]);
    await assertServing(h);
  });

  test("a column name with a NUL byte is a Task from CreateTable, AlterTable and WriteBatch", async () => {
    const columns = [...TABLE_COLUMNS, { name: "a\0b", type: DataType.STRING }];
    const expected =
      /Column name "a\\u0000b" in table "[^"]+"\."t\d?" can't be used in CrateDB: it contains a NUL character\./;

    const created = await grpcUnary(h.rpc, m.createTable, {
      configuration: h.configuration,
      schemaName: h.schema,
      table: { name: "t2", columns },
    });
    assert.match(taskMessage(created), expected);
    const described = await grpcUnary(h.rpc, m.describeTable, {
      configuration: h.configuration,
      schemaName: h.schema,
      tableName: "t2",
    });
    assert.equal(described.response.case, "notFound", "nothing was created");

    const altered = await grpcUnary(h.rpc, m.alterTable, {
      configuration: h.configuration,
      schemaName: h.schema,
      table: { name: "t", columns },
    });
    assert.match(taskMessage(altered), expected);

    const file = await goodFile(h, [["2", "b"]]);
    const written = await writeBatch(h, {
      columns,
      replaceFiles: [file.path],
      keys: file.keys,
      fileParams: packedParams(file),
    });
    assert.match(taskMessage(written), expected);
    for (const message of [created, altered, written].map(taskSummary)) assertNothingLeaked(h, message);

    // The table is as before: same columns, same rows.
    const after = await grpcUnary(h.rpc, m.describeTable, {
      configuration: h.configuration,
      schemaName: h.schema,
      tableName: "t",
    });
    assert.equal(after.response.case, "table");
    assert.deepEqual(
      after.response.case === "table" ? after.response.value.columns.map((c) => c.name) : [],
      TABLE_COLUMNS.map((c) => c.name),
    );
    assert.deepEqual(await rowsOf(h, "t"), [[1, "a"]]);
    await assertServing(h);

    // Fault-free retries converge: the table gains a proper column, then the rows land.
    const fixed = await grpcUnary(h.rpc, m.alterTable, {
      configuration: h.configuration,
      schemaName: h.schema,
      table: { name: "t", columns: [...TABLE_COLUMNS, { name: "ab", type: DataType.STRING }] },
    });
    assert.equal(fixed.response.case, "success");
    await assertRetryConverges(h, "t", file, [
      [1, "a"],
      [2, "b"],
    ]);
  });
});
