import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { crateTypeFor, storageSignature } from "../../../src/cratedb/type-map.ts";
import { isNoop, planAlter } from "../../../src/ops/alter/plan.ts";
import type { DescribedColumn } from "../../../src/ops/table/describe.ts";
import type { ColumnDef, FivetranType } from "../../../src/table-def.ts";

const col = (
  name: string,
  type: FivetranType,
  primaryKey = false,
  extra: Partial<ColumnDef> = {},
): ColumnDef => ({
  name,
  type,
  primaryKey,
  ...extra,
});

/** A described column as CreateTable would have made it. */
function described(c: ColumnDef): DescribedColumn {
  const t = crateTypeFor(c);
  return {
    ...c,
    physical: {
      name: c.name,
      dataType: t.dataType,
      numericPrecision: t.precision ?? null,
      nullable: !c.primaryKey,
    },
  };
}

const base = [col("id", "INT", true), col("name", "STRING"), col("_fivetran_synced", "UTC_DATETIME")];
const current = base.map(described);
const key = ["id"];

describe("AlterTable plan", () => {
  test("the same definition is a no-op", () => {
    assert.ok(isNoop(planAlter(current, key, { name: "t", columns: base }, false)));
    assert.ok(isNoop(planAlter(current, key, { name: "t", columns: [...base].reverse() }, true)));
  });

  test("new columns are added", () => {
    const plan = planAlter(current, key, { name: "t", columns: [...base, col("n", "LONG")] }, false);
    assert.deepEqual(
      plan.add.map((c) => c.name),
      ["n"],
    );
    assert.equal(plan.rebuild, undefined);
  });

  test("columns missing from the request are kept without drop_columns and dropped with it", () => {
    const request = { name: "t", columns: [base[0]!, base[2]!] };
    assert.ok(isNoop(planAlter(current, key, request, false)));
    assert.deepEqual(planAlter(current, key, request, true).drop, ["name"]);
  });

  test("a type with the same CrateDB type is relabelled, another is converted", () => {
    const plan = planAlter(
      current,
      key,
      { name: "t", columns: [base[0]!, col("name", "XML"), col("_fivetran_synced", "NAIVE_DATETIME")] },
      false,
    );
    assert.deepEqual(
      plan.changes.map((c) => [c.to.name, c.conversion.kind]),
      [
        ["name", "relabel"],
        ["_fivetran_synced", "convert"],
      ],
    );
  });

  test("an impossible conversion is refused with the column named", () => {
    const plan = planAlter(
      current,
      key,
      { name: "t", columns: [base[0]!, base[1]!, col("_fivetran_synced", "INT")] },
      false,
    );
    assert.match(plan.refused.get("_fivetran_synced") ?? "", /not numbers/);
  });

  test("a changed primary key rebuilds, keeping dropped-from-request key columns as plain columns", () => {
    const request = { name: "t", columns: [col("name", "STRING", true), base[2]!] };
    const plan = planAlter(current, key, request, false);
    assert.deepEqual(
      plan.rebuild?.map((c) => [c.name, c.primaryKey]),
      [
        ["id", false],
        ["name", true],
        ["_fivetran_synced", false],
      ],
    );
    assert.deepEqual(
      planAlter(current, key, request, true).rebuild?.map((c) => c.name),
      ["name", "_fivetran_synced"],
    );
  });

  test("a key column whose CrateDB type changes rebuilds; a relabelled key column does not", () => {
    const s = [col("id", "STRING", true), col("v", "INT")];
    const cur = s.map(described);
    assert.ok(
      planAlter(cur, ["id"], { name: "t", columns: [col("id", "XML", true), s[1]!] }, false).rebuild ===
        undefined,
    );
    assert.ok(
      planAlter(cur, ["id"], { name: "t", columns: [col("id", "LONG", true), s[1]!] }, false).rebuild,
    );
  });

  test("a PK change together with added and changed columns puts all of them in the new definition", () => {
    const request = {
      name: "t",
      columns: [
        col("id", "INT", true),
        col("name", "STRING", true),
        col("x", "BOOLEAN"),
        col("_fivetran_synced", "NAIVE_DATETIME"),
      ],
    };
    const plan = planAlter(current, key, request, false);
    assert.deepEqual(
      plan.rebuild?.map((c) => `${c.name}:${c.type}:${c.primaryKey}`),
      ["id:INT:true", "name:STRING:true", "_fivetran_synced:NAIVE_DATETIME:false", "x:BOOLEAN:false"],
    );
  });

  test("columns of types this destination never creates can't be converted", () => {
    const foreign: DescribedColumn = {
      name: "o",
      type: "JSON",
      primaryKey: false,
      physical: { name: "o", dataType: "object", numericPrecision: null, nullable: true },
    };
    const plan = planAlter(
      [...current, foreign],
      key,
      { name: "t", columns: [...base, col("o", "STRING")] },
      false,
    );
    assert.match(plan.refused.get("o") ?? "", /object/);
    assert.equal(storageSignature("numeric", 12), "numeric(12)");
  });
});
