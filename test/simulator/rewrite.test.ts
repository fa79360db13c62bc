import assert from "node:assert/strict";
import { test } from "node:test";
import { Catalog, DEFAULT_SETTINGS, type SimTable } from "./catalog.ts";
import type { Ctx } from "./context.ts";
import { JsonNumber, type JsonValue } from "./json.ts";
import type { Pg } from "./pg.ts";
import { Privileges } from "./privileges.ts";
import { ParamSink, translate } from "./rewrite.ts";
import { render, tokenize } from "./tokens.ts";

const catalog = new Catalog();
const table: SimTable = {
  schema: "s",
  name: "t",
  live: "sim.t1",
  snap: "sim.t1_s",
  columns: [
    { name: "id", pg: "id", type: { base: "integer" }, notNull: true, indexOff: false, columnstore: true },
    {
      name: "ts",
      pg: "ts",
      type: { base: "timestamp with time zone" },
      notNull: false,
      indexOff: false,
      columnstore: true,
    },
  ],
  pk: ["id"],
  shards: 4,
  partitionedBy: [],
  settings: new Map(DEFAULT_SETTINGS),
  dirty: false,
};
catalog.add(table);
const ctx: Ctx = {
  pg: undefined as unknown as Pg,
  catalog,
  privileges: new Privileges({}),
  session: { user: "crate", schema: "doc" },
  version: { number: "6.2.4", legacyUnderscoreRule: false },
  stmt: "",
};

function run(sql: string, args: JsonValue[] = [], search = true) {
  const sink = new ParamSink();
  const out = render(translate(ctx, tokenize(sql), args, sink, { search: () => search }));
  return { sql: out, params: sink.params };
}

test("placeholders outside literals and quoted identifiers become numbered PG parameters", () => {
  const r = run(`SELECT '?' AS "?", ? AS a, $1 AS b`, [new JsonNumber("7")]);
  assert.equal(r.sql, `SELECT '?' AS "?", $1 AS a, $2 AS b`);
  assert.deepEqual(r.params, ["7", "7"]);
});

test("table references become the snapshot for searches and the live table otherwise, keeping the name as alias", () => {
  assert.equal(run(`SELECT id FROM "s"."t" WHERE id = 1`).sql, `SELECT id FROM sim.t1_s AS "t" WHERE id = 1`);
  assert.equal(run(`SELECT x.id FROM s.t x`, [], false).sql, `SELECT x.id FROM sim.t1 AS "x"`);
});

test("arguments compared with a timestamp column are converted from epoch milliseconds", () => {
  const r = run(`SELECT id FROM s.t WHERE ts >= ?`, [new JsonNumber("1704067200123")]);
  assert.deepEqual(r.params, ["2024-01-01 00:00:00.123+00"]);
});

test("subscripts, array literals and CrateDB type names are translated", () => {
  assert.equal(
    run(`SELECT o['a']['b'], [1, 2], CAST(x AS STRING), y::LONG`).sql,
    "SELECT o -> 'a' -> 'b', ARRAY[1, 2], CAST(x AS text), y :: bigint",
  );
});

test("casts of column values to timestamps go through the CrateDB-semantics functions", () => {
  assert.equal(
    run(`SELECT CAST(ts AS TIMESTAMP WITHOUT TIME ZONE), "id"::TIMESTAMPTZ FROM s.t`).sql,
    `SELECT sim.to_ts(ts), sim.to_tstz("id") FROM sim.t1_s AS "t"`,
  );
});

test("common table expression names are not resolved as tables", () => {
  assert.equal(
    run(`WITH x AS (SELECT id FROM s.t) SELECT id FROM x`).sql,
    `WITH x AS (SELECT id FROM sim.t1_s AS "t") SELECT id FROM x`,
  );
});
