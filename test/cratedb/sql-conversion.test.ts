import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Conversion, conversionFor } from "../../src/cratedb/sql/conversion.ts";
import { crateTypeFor } from "../../src/cratedb/type-map.ts";
import type { DecimalParams, FivetranType } from "../../src/table-def.ts";

const typed = (type: FivetranType, decimal?: DecimalParams) => ({
  type,
  crate: crateTypeFor({ name: "c", type, primaryKey: false, ...(decimal ? { decimal } : {}) }),
});

const kind = (c: Conversion): string =>
  c.kind === "refused" ? "refused" : `${c.kind}${"lossy" in c ? "+check" : ""}`;

describe("the conversion matrix", () => {
  const cases: [FivetranType, FivetranType, string][] = [
    ["SHORT", "INT", "convert"],
    ["INT", "LONG", "convert"],
    ["LONG", "INT", "convert+check"],
    ["INT", "SHORT", "convert+check"],
    ["DOUBLE", "FLOAT", "convert+check"],
    ["FLOAT", "DOUBLE", "convert"],
    ["INT", "DOUBLE", "convert"],
    ["LONG", "DOUBLE", "convert+check"],
    ["STRING", "INT", "convert+check"],
    ["STRING", "XML", "relabel"],
    ["XML", "STRING", "relabel"],
    ["STRING", "JSON", "relabel"],
    ["STRING", "BINARY", "relabel+check"],
    ["STRING", "NAIVE_TIME", "relabel+check"],
    ["NAIVE_TIME", "STRING", "convert"],
    ["INT", "STRING", "convert"],
    ["UTC_DATETIME", "STRING", "convert"],
    ["UTC_DATETIME", "JSON", "refused"],
    ["BOOLEAN", "INT", "refused"],
    ["STRING", "BOOLEAN", "convert+check"],
    ["NAIVE_DATE", "NAIVE_DATETIME", "relabel"],
    ["NAIVE_DATETIME", "NAIVE_DATE", "relabel+check"],
    ["NAIVE_DATETIME", "UTC_DATETIME", "convert"],
    ["STRING", "UTC_DATETIME", "convert+check"],
    ["INT", "UTC_DATETIME", "refused"],
    ["NAIVE_TIME", "UTC_DATETIME", "refused"],
    ["INT", "DECIMAL", "convert"],
    ["LONG", "DECIMAL", "convert"],
    ["DOUBLE", "DECIMAL", "convert+check"],
  ];
  for (const [from, to, expected] of cases) {
    test(`${from} → ${to} is ${expected}`, () =>
      assert.equal(kind(conversionFor(typed(from), typed(to))), expected));
  }

  test("DECIMAL widening needs no check, narrowing the scale or integer digits is checked", () => {
    const d = (p: number, s: number) => typed("DECIMAL", { precision: p, scale: s });
    assert.equal(kind(conversionFor(d(10, 2), d(12, 3))), "convert");
    assert.equal(kind(conversionFor(d(10, 2), d(10, 1))), "convert+check");
    assert.equal(kind(conversionFor(d(10, 2), d(9, 2))), "convert+check");
    assert.equal(kind(conversionFor(d(38, 10), typed("DECIMAL"))), "relabel");
    assert.equal(kind(conversionFor(d(10, 2), d(50, 2))), "convert+check");
    const unknownScale = { type: "DECIMAL" as const, crate: { dataType: "numeric" as const, precision: 10 } };
    assert.equal(kind(conversionFor(unknownScale, d(12, 2))), "convert+check");
  });

  test("a narrowing check compares against the target's range as args", () => {
    const c = conversionFor(typed("LONG"), typed("SHORT"));
    assert.ok(c.kind === "convert" && c.lossy);
    if (c.kind === "convert" && c.lossy) {
      const check = c.lossy('"v"');
      assert.equal(check.stmt, '("v" < ? OR "v" > ?)');
      assert.deepEqual(check.args, [-32768, 32767]);
    }
  });

  test("FLOAT to DOUBLE goes through text so 10.12 stays 10.12", () => {
    const c = conversionFor(typed("FLOAT"), typed("DOUBLE"));
    assert.ok(c.kind === "convert");
    if (c.kind === "convert") assert.equal(c.expr('"v"'), 'CAST(CAST("v" AS TEXT) AS DOUBLE PRECISION)');
  });

  test("a DECIMAL check accepts trailing zeros and limits the digits", () => {
    const c = conversionFor(typed("STRING"), typed("DECIMAL", { precision: 50, scale: 2 }));
    assert.ok(c.kind === "relabel" && c.lossy);
    if (c.kind === "relabel" && c.lossy) {
      const text = String(c.lossy('"v"').args[0]);
      // \A…\Z (which selects Java's regex engine in CrateDB) reads as ^…$ in JavaScript.
      assert.ok(text.startsWith("\\A") && text.endsWith("\\Z"));
      const pattern = new RegExp(`^${text.slice(2, -2)}$`);
      for (const ok of ["0", "12.5", "-12.50", "12.500", "1".repeat(48)]) assert.ok(pattern.test(ok), ok);
      for (const bad of ["12.345", "1".repeat(49), "1e5", "abc", "01"]) assert.ok(!pattern.test(bad), bad);
    }
  });
});
