import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  columnNameProblem,
  conversionColumnFor,
  rebuildTableFor,
  validateColumnNames,
  validateTableRef,
} from "../../src/cratedb/sql/names.ts";

describe("name validation", () => {
  const rejected: [string, RegExp][] = [
    ["", /empty/],
    ["a.b", /dot/],
    ["a[0]", /bracket/],
    ["a\tb", /tab or line break/],
    ["a\nb", /tab or line break/],
    ["_id", /system column/],
    ["_docid", /system column/],
    ["x".repeat(256), /255 bytes/],
  ];
  for (const [name, why] of rejected) {
    test(`column name ${JSON.stringify(name.slice(0, 20))} is rejected because ${why.source}`, () => {
      assert.match(columnNameProblem(name) ?? "", why);
    });
  }

  const accepted = [
    "_fivetran_synced",
    'quo"te',
    "with space",
    "MiXeD",
    "select",
    "ünï 🚀",
    "é".repeat(127) + "x",
  ];
  for (const name of accepted) {
    test(`column name ${JSON.stringify(name.slice(0, 20))} is accepted`, () =>
      assert.equal(columnNameProblem(name), undefined));
  }

  test("a rejected column name becomes a user error naming the column and the rule", () => {
    assert.throws(
      () => validateColumnNames({ schema: "s", table: "t" }, ["ok", "a.b"]),
      (e: Error & { kind?: string; code?: string }) =>
        e.kind === "user" &&
        e.code === "INVALID_NAME" &&
        e.message.includes('"a.b"') &&
        e.message.includes("dot"),
    );
  });

  test("a column listed twice is rejected", () => {
    assert.throws(() => validateColumnNames({ schema: "s", table: "t" }, ["a", "a"]), /appears twice/);
  });

  test("schema and table names with dots, empty or system schemas are rejected", () => {
    assert.throws(() => validateTableRef({ schema: "a.b", table: "t" }), /Schema name "a.b".*dot/);
    assert.throws(() => validateTableRef({ schema: "s", table: "" }), /Table name "".*empty/);
    assert.throws(() => validateTableRef({ schema: "sys", table: "t" }), /system schema/);
    assert.throws(() => validateTableRef({ schema: "s".repeat(200), table: "t".repeat(60) }), /255 bytes/);
    validateTableRef({ schema: "My_Schema", table: "Tab-le_ünï🚀'x" });
  });

  test("schema and table names with the characters CrateDB 6.4.3 refuses in relation names are rejected", () => {
    for (const ch of [" ", "\\", "/", "*", "?", '"', "<", ">", "|", ",", "#"]) {
      assert.throws(
        () => validateTableRef({ schema: `a${ch}b`, table: "t" }),
        /Schema name .*it contains/,
        ch,
      );
      assert.throws(
        () => validateTableRef({ schema: "s", table: `a${ch}b` }),
        /Table name .*it contains/,
        ch,
      );
    }
    assert.throws(() => validateTableRef({ schema: "-s", table: "t" }), /starts with - or \+/);
    assert.throws(() => validateTableRef({ schema: "doc", table: "+t" }), /starts with - or \+/);
    assert.throws(() => validateTableRef({ schema: "s", table: "_ALL" }), /reserved/);
    validateTableRef({ schema: "s", table: "-t" });
    validateTableRef({ schema: "Ünï-cödé", table: "Tab'le:x$y" });
  });
});

describe("helper names", () => {
  test("the rebuild table is <t>__ft_rebuild in the same schema", () => {
    assert.deepEqual(rebuildTableFor({ schema: "s", table: "orders" }), {
      schema: "s",
      table: "orders__ft_rebuild",
    });
  });

  test("helper names for long names stay within 255 bytes, deterministic and distinct", () => {
    const long = "é".repeat(127);
    const a = conversionColumnFor(`${long}a`);
    const b = conversionColumnFor(`${long}b`);
    assert.ok(Buffer.byteLength(a) <= 255);
    assert.notEqual(a, b);
    assert.equal(a, conversionColumnFor(`${long}a`));
    const t = rebuildTableFor({ schema: "s".repeat(10), table: "t".repeat(244) });
    assert.ok(Buffer.byteLength(`${t.schema}.${t.table}`) <= 255);
  });
});
