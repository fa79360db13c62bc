import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { columnValue, instantMs, operationTimestampMs } from "../../../src/ops/migrate/values.ts";
import type { ColumnDef, FivetranType } from "../../../src/table-def.ts";

const column = (type: FivetranType, extra: Partial<ColumnDef> = {}): ColumnDef => ({
  name: "c",
  type,
  primaryKey: false,
  ...extra,
});

describe("Migrate values", () => {
  test("each type's text becomes the value CrateDB takes for its column", () => {
    const cases: [ColumnDef, string, unknown][] = [
      [column("BOOLEAN"), "True", true],
      [column("SHORT"), "-32768", -32768],
      [column("INT"), "+42", 42],
      [column("LONG"), "9223372036854775806", 9223372036854775806n],
      [column("LONG"), "-5", -5],
      [column("DECIMAL"), "1.2345678901234568E22", "12345678901234568000000"],
      [column("DECIMAL", { decimal: { precision: 10, scale: 4 } }), "-12E-4", "-0.0012"],
      [column("DECIMAL", { decimal: { precision: 50, scale: 0 } }), "1E+45", `1${"0".repeat(45)}`],
      [column("FLOAT"), "3.4028235E+38", 3.4028234663852886e38],
      [column("DOUBLE"), "NaN", "NaN"],
      [column("DOUBLE"), "-Infinity", "-Infinity"],
      [column("UTC_DATETIME"), "2005-05-28T20:57:00Z", Date.UTC(2005, 4, 28, 20, 57)],
      [column("UTC_DATETIME"), "2005-05-28T22:57:00.1239+02:00", Date.UTC(2005, 4, 28, 20, 57, 0, 123)],
      [column("NAIVE_DATETIME"), "2007-12-03T10:15:30", Date.UTC(2007, 11, 3, 10, 15, 30)],
      [column("NAIVE_DATE"), "2007-12-03", Date.UTC(2007, 11, 3)],
      [column("NAIVE_TIME"), "10:15:30.5", "10:15:30.5"],
      [column("JSON"), "[1, 2]", "[1, 2]"],
      [column("BINARY"), "AAEC", "AAEC"],
      [column("STRING"), "", ""],
    ];
    for (const [c, text, expected] of cases)
      assert.deepEqual(columnValue(c, text), expected, `${c.type} ${text}`);
  });

  test("values that aren't of the type are refused without repeating the value", () => {
    const cases: [ColumnDef, string][] = [
      [column("BOOLEAN"), "yes-secret"],
      [column("SHORT"), "32768"],
      [column("INT"), "1.5"],
      [column("DECIMAL", { decimal: { precision: 4, scale: 2 } }), "123.4"],
      [column("DOUBLE"), "1,5"],
      [column("UTC_DATETIME"), "2005-02-30T00:00:00Z"],
      [column("NAIVE_TIME"), "25:00:00"],
      [column("JSON"), "{secret"],
    ];
    for (const [c, text] of cases) {
      assert.throws(
        () => columnValue(c, text),
        (e: Error & { code?: string }) => e.code === "MIGRATE_BAD_VALUE" && !e.message.includes(text),
        `${c.type} ${text}`,
      );
    }
  });

  test("instants are exact to the millisecond, also far from 1970", () => {
    assert.equal(instantMs("9999-12-31T23:59:59.999Z"), 253402300799999);
    assert.equal(instantMs("0001-01-01T00:00:00Z"), -62135596800000);
    assert.equal(instantMs("0050-06-01T00:00:00Z"), Date.parse("0050-06-01T00:00:00Z"));
    assert.equal(operationTimestampMs("2024-03-01T00:00:00.001Z") - 1, Date.UTC(2024, 2, 1));
    assert.throws(() => operationTimestampMs("now"), /operation_timestamp/);
  });
});
