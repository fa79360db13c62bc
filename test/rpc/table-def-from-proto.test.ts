import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { DataType, TableSchema } from "../../gen/fivetran_sdk/v2/common_pb.ts";
import { timestampToMs } from "../../src/ops/table/truncate.ts";
import { tableDefFromProto, tableDefToProto } from "../../src/rpc/table-def-from-proto.ts";

test("a protobuf table converts to a TableDef and back, reporting only DECIMAL params", () => {
  const proto = create(TableSchema, {
    name: "t",
    columns: [
      { name: "id", type: DataType.LONG, primaryKey: true },
      {
        name: "d",
        type: DataType.DECIMAL,
        params: { params: { case: "decimal", value: { precision: 12, scale: 3 } } },
      },
      { name: "s", type: DataType.STRING, params: { params: { case: "stringByteLength", value: 128 } } },
      { name: "t", type: DataType.NAIVE_TIME },
    ],
  });
  const def = tableDefFromProto(proto);
  assert.deepEqual(def.columns, [
    { name: "id", type: "LONG", primaryKey: true },
    { name: "d", type: "DECIMAL", primaryKey: false, decimal: { precision: 12, scale: 3 } },
    { name: "s", type: "STRING", primaryKey: false, stringByteLength: 128 },
    { name: "t", type: "NAIVE_TIME", primaryKey: false },
  ]);
  const back = create(TableSchema, tableDefToProto(def));
  assert.equal(back.columns[1]?.params?.params.case, "decimal");
  assert.equal(back.columns[2]?.params, undefined);
  assert.equal(back.columns[3]?.type, DataType.NAIVE_TIME);
});

test("a Timestamp cutoff becomes epoch milliseconds with sub-millisecond nanos floored", () => {
  assert.equal(timestampToMs(1_700_000_000n, 999_999_999), 1_700_000_000_999);
  assert.equal(timestampToMs(0n, 1_000_000), 1);
});
