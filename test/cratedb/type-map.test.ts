import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { columnTypeSql } from "../../src/cratedb/sql/column-type.ts";
import { closestFivetranType, crateTypeFor, storageOf } from "../../src/cratedb/type-map.ts";
import { type ColumnDef, FIVETRAN_TYPES, type FivetranType } from "../../src/table-def.ts";

const col = (type: FivetranType, extra: Partial<ColumnDef> = {}): ColumnDef => ({
  name: "c",
  type,
  primaryKey: false,
  ...extra,
});

describe("Fivetran type to CrateDB column type", () => {
  const expected: Record<FivetranType, string> = {
    UNSPECIFIED: "TEXT INDEX OFF STORAGE WITH (columnstore = false)",
    BOOLEAN: "BOOLEAN",
    SHORT: "SMALLINT",
    INT: "INTEGER",
    LONG: "BIGINT",
    DECIMAL: "NUMERIC(38, 10)",
    FLOAT: "REAL",
    DOUBLE: "DOUBLE PRECISION",
    NAIVE_DATE: "TIMESTAMP WITHOUT TIME ZONE",
    NAIVE_DATETIME: "TIMESTAMP WITHOUT TIME ZONE",
    UTC_DATETIME: "TIMESTAMP WITH TIME ZONE",
    BINARY: "TEXT INDEX OFF STORAGE WITH (columnstore = false)",
    XML: "TEXT INDEX OFF STORAGE WITH (columnstore = false)",
    STRING: "TEXT INDEX OFF STORAGE WITH (columnstore = false)",
    JSON: "TEXT INDEX OFF STORAGE WITH (columnstore = false)",
    NAIVE_TIME: "TEXT",
  };
  for (const type of FIVETRAN_TYPES) {
    test(`a non-key ${type} column becomes ${expected[type]}`, () => {
      assert.equal(columnTypeSql(crateTypeFor(col(type))), expected[type]);
    });
  }

  test("text columns in the primary key stay indexed", () => {
    for (const type of ["STRING", "XML", "JSON", "BINARY", "UNSPECIFIED"] as const) {
      assert.equal(columnTypeSql(crateTypeFor(col(type, { primaryKey: true }))), "TEXT");
    }
  });

  test("DECIMAL keeps its precision and scale up to 38 digits", () => {
    assert.equal(
      columnTypeSql(crateTypeFor(col("DECIMAL", { decimal: { precision: 10, scale: 2 } }))),
      "NUMERIC(10, 2)",
    );
    assert.equal(
      columnTypeSql(crateTypeFor(col("DECIMAL", { decimal: { precision: 38, scale: 0 } }))),
      "NUMERIC(38, 0)",
    );
  });

  test("DECIMAL above 38 digits is stored as exact decimal text", () => {
    assert.equal(
      columnTypeSql(crateTypeFor(col("DECIMAL", { decimal: { precision: 39, scale: 4 } }))),
      "TEXT",
    );
  });

  test("DECIMAL with a scale above its precision is refused as a user error", () => {
    assert.throws(
      () => crateTypeFor(col("DECIMAL", { decimal: { precision: 4, scale: 5 } })),
      (e: Error & { kind?: string }) => e.kind === "user" && /scale larger/.test(e.message),
    );
  });

  test("string_byte_length does not change the column type", () => {
    assert.deepEqual(crateTypeFor(col("STRING", { stringByteLength: 128 })), crateTypeFor(col("STRING")));
  });

  test("the storage signature of NUMERIC carries the precision", () => {
    assert.equal(
      storageOf(crateTypeFor(col("DECIMAL", { decimal: { precision: 12, scale: 3 } }))),
      "numeric(12)",
    );
    assert.equal(storageOf(crateTypeFor(col("XML"))), "text");
  });
});

describe("CrateDB column type to the closest Fivetran type", () => {
  const cases: [string, FivetranType][] = [
    ["boolean", "BOOLEAN"],
    ["smallint", "SHORT"],
    ["integer", "INT"],
    ["bigint", "LONG"],
    ["real", "FLOAT"],
    ["double precision", "DOUBLE"],
    ["text", "STRING"],
    ["character varying", "STRING"],
    ["timestamp with time zone", "UTC_DATETIME"],
    ["timestamp without time zone", "NAIVE_DATETIME"],
    ["date", "NAIVE_DATE"],
    ["object", "JSON"],
    ["text_array", "JSON"],
    ["geo_shape", "JSON"],
    ["ip", "STRING"],
    ["uuid", "STRING"],
  ];
  for (const [dataType, type] of cases) {
    test(`${dataType} reads as ${type}`, () => {
      assert.deepEqual(closestFivetranType(dataType), { type });
    });
  }

  test("numeric reads as DECIMAL with the precision and scale when the scale is known", () => {
    assert.deepEqual(closestFivetranType("numeric", 12, 3), {
      type: "DECIMAL",
      decimal: { precision: 12, scale: 3 },
    });
    assert.deepEqual(closestFivetranType("numeric", 12, null), { type: "DECIMAL" });
  });

  test("every type this destination creates reads back as a type that maps to the same storage", () => {
    for (const type of FIVETRAN_TYPES) {
      const crate = crateTypeFor(
        col(type, type === "DECIMAL" ? { decimal: { precision: 20, scale: 5 } } : {}),
      );
      const back = closestFivetranType(crate.dataType, crate.precision, crate.scale);
      const again = crateTypeFor(col(back.type, back.decimal ? { decimal: back.decimal } : {}));
      assert.equal(storageOf(again), storageOf(crate), type);
    }
  });
});
