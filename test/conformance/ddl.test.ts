import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { uniqueSchema } from "../helpers/cratedb.ts";
import { bulk, fails, ok, q, rows, sql } from "./http.ts";

const schema = uniqueSchema("conf_ddl");
const s = q(schema);
const created: string[] = [];
const table = (name: string) => {
  created.push(name);
  return `${s}.${q(name)}`;
};

after(async () => {
  for (const n of created) await sql(`DROP TABLE IF EXISTS ${s}.${q(n)}`);
});

describe("CREATE TABLE", () => {
  test("creates the schema implicitly and answers rowcount 1; IF NOT EXISTS on an existing table answers 0 (checked on CrateDB 6.4.3)", async () => {
    const t = table("c1");
    assert.equal((await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY)`)).rowcount, 1);
    assert.equal((await ok(`CREATE TABLE IF NOT EXISTS ${t} (id INT PRIMARY KEY)`)).rowcount, 0);
  });

  test("an existing table without IF NOT EXISTS is 409 / 4093 (checked on CrateDB 6.4.3)", async () => {
    const t = table("c2");
    await ok(`CREATE TABLE ${t} (id INT)`);
    const e = await fails(`CREATE TABLE ${t} (id INT)`);
    assert.equal(e.status, 409);
    assert.equal(e.code, 4093);
    assert.equal(e.message, `RelationAlreadyExists[Relation '${schema}.c2' already exists.]`);
  });

  test("accepts the type aliases the reference adapter sends (checked on CrateDB 6.4.3)", async () => {
    const t = table("aliases");
    await ok(
      `CREATE TABLE ${t} (a STRING, b INT, c SHORT, d LONG, e DOUBLE, f FLOAT, g BOOLEAN, h TIMESTAMP WITHOUT TIME ZONE, i OBJECT, j TEXT, k NUMERIC(10, 2), l ARRAY(TEXT), m INTEGER[])`,
    );
    const r = await rows(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? AND table_name = 'aliases' ORDER BY ordinal_position",
      [schema],
    );
    assert.deepEqual(r, [
      ["a", "text"],
      ["b", "integer"],
      ["c", "smallint"],
      ["d", "bigint"],
      ["e", "double precision"],
      ["f", "real"],
      ["g", "boolean"],
      ["h", "timestamp without time zone"],
      ["i", "object"],
      ["j", "text"],
      ["k", "numeric"],
      ["l", "text_array"],
      ["m", "integer_array"],
    ]);
  });

  test("DATE columns cannot be stored (4004) (checked on CrateDB 6.4.3)", async () => {
    const e = await fails(`CREATE TABLE ${table("d1")} (d DATE)`);
    assert.equal(e.code, 4004);
    assert.match(e.message, /Type `date` does not support storage/);
  });

  test("TIME WITH TIME ZONE columns cannot be stored (4004) (checked on CrateDB 6.4.3)", async () => {
    const e = await fails(`CREATE TABLE ${table("d2")} (d TIMETZ)`);
    assert.equal(e.code, 4004);
    assert.match(e.message, /Type `time with time zone` does not support storage/);
  });

  test("NUMERIC without precision cannot be stored (checked on CrateDB 6.4.3)", async () => {
    const e = await fails(`CREATE TABLE ${table("n1")} (n NUMERIC)`);
    assert.equal(e.status, 400);
    assert.match(e.message, /NUMERIC storage is only supported if precision and scale are specified/);
  });

  test("NUMERIC precision above 38 is refused with 4004 (checked on CrateDB 6.4.3)", async () => {
    const e = await fails(`CREATE TABLE ${table("n2")} (n NUMERIC(39, 2))`);
    assert.equal(e.status, 400);
    assert.equal(e.code, 4004);
    assert.match(e.message, /Precision for NUMERIC\(39\) is too large\. Only up to 38 can be stored/);
  });

  test("OBJECT and ARRAY columns cannot be primary keys (4004) (checked on CrateDB 6.4.3)", async () => {
    assert.equal((await fails(`CREATE TABLE ${table("p1")} (o OBJECT PRIMARY KEY)`)).code, 4004);
    assert.equal((await fails(`CREATE TABLE ${table("p2")} (a ARRAY(INT) PRIMARY KEY)`)).code, 4004);
  });

  test("unquoted reserved words cannot be column names but quoted ones can (checked on CrateDB 6.4.3)", async () => {
    const e = await fails(`CREATE TABLE ${table("r1")} (user TEXT)`);
    assert.equal(e.code, 4000);
    await ok(`CREATE TABLE ${table("r2")} ("user" TEXT, "default" TEXT)`);
  });

  test("system column names and names with dots or brackets are invalid (4008) (checked on CrateDB 6.4.3)", async () => {
    for (const [col, msg] of [
      ["_id", '"_id" conflicts with system column'],
      ["a.b", '"a.b" contains a dot'],
      ["a[1]", "a[1]"],
    ] as const) {
      const e = await fails(`CREATE TABLE ${table(`sys_${col.length}`)} (${q(col)} TEXT)`);
      assert.equal(e.code, 4008, col);
      assert.ok(e.message.includes(msg), e.message);
    }
  });

  test("underscore-prefixed Fivetran column names are accepted from 6.2 on (checked on CrateDB 6.4.3)", async () => {
    await ok(
      `CREATE TABLE ${table("fivetran")} (id INT PRIMARY KEY, "_fivetran_synced" TIMESTAMP WITH TIME ZONE, "_fivetran_deleted" BOOLEAN)`,
    );
  });

  test("unknown table settings are refused (checked on CrateDB 6.4.3)", async () => {
    const e = await fails(`CREATE TABLE ${table("badsetting")} (id INT) WITH ("fivetran.type" = 'x')`);
    assert.equal(e.code, 4000);
    assert.match(
      e.message,
      /Invalid property "fivetran\.type" passed to \[ALTER \| CREATE\] TABLE statement/,
    );
  });

  test("setting values are validated: replicas ranges, shard counts, block flags (checked on CrateDB 6.4.3)", async () => {
    assert.equal(
      (await fails(`CREATE TABLE ${table("bad_rep")} (id INT) WITH (number_of_replicas = 'many')`)).code,
      4000,
    );
    assert.equal(
      (await fails(`CREATE TABLE ${table("bad_shards")} (id INT) CLUSTERED INTO 0 SHARDS`)).code,
      4000,
    );
    const t = table("block_param");
    await ok(`CREATE TABLE ${t} (id INT)`);
    await ok(`ALTER TABLE ${t} SET ("blocks.write" = ?)`, [true]);
    assert.equal((await fails(`INSERT INTO ${t} (id) VALUES (1)`)).code, 4007);
    await ok(`ALTER TABLE ${t} SET ("blocks.write" = ?)`, [false]);
  });

  test("an unquoted reserved word cannot be a table name (checked on CrateDB 6.4.3)", async () => {
    assert.equal((await fails(`CREATE TABLE ${s}.table (id INT)`)).code, 4000);
  });

  test('table and schema names with < * ? > | , / \\ " or a space are refused with 4002 (checked on CrateDB 6.4.3)', async () => {
    // CrateDB prints the characters from a Java Set.of(…), in an order that changes with every
    // JVM start: compare the list as a set.
    const chars = ["<", "*", "?", ">", "|", ",", "/", "\\", '"', " "];
    const check = (message: string, relation: string) => {
      const prefix = `InvalidRelationName[Relation name '${relation}' is invalid. Must not contain the following characters [`;
      assert.ok(message.startsWith(prefix) && message.endsWith("]]"), message);
      const listed = message.slice(prefix.length, -2);
      assert.deepEqual([...listed].sort(), [...chars.join(", ")].sort(), message);
    };
    for (const c of chars) {
      const name = `bad${c}name`;
      const e = await fails(`CREATE TABLE ${s}.${q(name)} (id INT)`);
      assert.equal(e.status, 400, name);
      assert.equal(e.code, 4002, name);
      check(e.message, `${schema}.${name}`);
    }
    const badSchema = `${schema} x`;
    const e = await fails(`CREATE TABLE ${q(badSchema)}."t" (id INT)`);
    assert.equal(e.code, 4002);
    check(e.message, `${badSchema}.t`);
  });

  test("other relation name rules: dots, #, a leading dash, 255 bytes, read-only schemas, _all (checked on CrateDB 6.4.3)", async () => {
    const cases: [string, number, string][] = [
      [
        `${s}."a.b"`,
        4002,
        `InvalidRelationName[Relation name '${schema}.a.b' is invalid. Name can't contain '.']`,
      ],
      [`"a.b"."t"`, 4002, 'InvalidSchemaNameException[schema name "a.b" is invalid.]'],
      [
        `${s}."ha#sh"`,
        4002,
        `InvalidRelationName[Relation name '${schema}.ha#sh' is invalid. Must not contain '#']`,
      ],
      [
        `"-dash"`,
        4002,
        "InvalidRelationName[Relation name '-dash' is invalid. Must not start with '-', or '+']",
      ],
      [
        `${s}.${q("x".repeat(255 - schema.length))}`,
        4002,
        `InvalidRelationName[Relation name '${schema}.${"x".repeat(255 - schema.length)}' is invalid. Index name is too long, (256 > 255)]`,
      ],
      [`sys."x"`, 4000, "SQLParseException[Cannot create relation in read-only schema: sys]"],
      [`${s}."_all"`, 4000, 'SQLParseException["_all" cannot be used as schema or table name]'],
    ];
    for (const [name, code, message] of cases) {
      const e = await fails(`CREATE TABLE ${name} (id INT)`);
      assert.equal(e.status, 400, name);
      assert.equal(e.code, code, name);
      assert.equal(e.message, message, name);
    }
  });

  test("column names with spaces, quotes, capitals and unicode are accepted (checked on CrateDB 6.4.3)", async () => {
    const t = table("colnames");
    const cols = ["with space", 'with "quote"', "MixedCase", "ünïcødé"];
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY, ${cols.map((c) => `${q(c)} TEXT`).join(", ")})`);
    await ok(`INSERT INTO ${t} (id, ${cols.map(q).join(", ")}) VALUES (1, ?, ?, ?, ?)`, cols);
    const r = await ok(`SELECT ${cols.map(q).join(", ")} FROM ${t} WHERE id = 1`);
    assert.deepEqual(r.cols, cols);
    assert.deepEqual(r.rows, [cols]);
  });

  test("table names with capitals, unicode and inner dashes are accepted (checked on CrateDB 6.4.3)", async () => {
    const t = table("Mixed-Case_ünï");
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY)`);
    await ok(`INSERT INTO ${t} (id) VALUES (1)`);
    assert.deepEqual(await rows(`SELECT id FROM ${t} WHERE id = 1`), [[1]]);
  });

  test("only table creation checks index-name characters: RENAME TO accepts them (checked on CrateDB 6.4.3)", async () => {
    const t = table("to_rename");
    await ok(`CREATE TABLE ${t} (id INT)`);
    created.push("renamed with space");
    assert.equal((await ok(`ALTER TABLE ${t} RENAME TO "renamed with space"`)).rowcount, -1);
    assert.deepEqual(await rows(`SELECT count(*) FROM ${s}."renamed with space"`), [[0]]);
  });

  test("column names longer than 63 bytes round-trip (checked on CrateDB 6.4.3)", async () => {
    const t = table("longnames");
    const long = `c_${"x".repeat(120)}`;
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY, ${q(long)} TEXT)`);
    await ok(`INSERT INTO ${t} (id, ${q(long)}) VALUES (?, ?)`, [1, "v"]);
    await ok(`REFRESH TABLE ${t}`);
    await ok(`UPDATE ${t} SET ${q(long)} = ? WHERE ${q(long)} = ? AND id = 1`, ["w", "v"]);
    assert.deepEqual(await rows(`SELECT ${q(long)} AS v FROM ${t} WHERE id = 1`), [["w"]]);
    assert.deepEqual((await ok(`SELECT * FROM ${t} WHERE id = 1`)).cols, ["id", long]);
    const cols = await rows(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = 'longnames' ORDER BY ordinal_position",
      [schema],
    );
    assert.deepEqual(cols, [["id"], [long]]);
  });

  test("WITH settings and CLUSTERED INTO n SHARDS show in information_schema.tables (checked on CrateDB 6.4.3)", async () => {
    const t = table("settings");
    await ok(
      `CREATE TABLE ${t} (id INT PRIMARY KEY) CLUSTERED INTO 3 SHARDS WITH (number_of_replicas = 0, refresh_interval = 500)`,
    );
    const r = await rows(
      "SELECT number_of_shards, number_of_replicas, settings['refresh_interval'], settings['blocks']['write'] FROM information_schema.tables WHERE table_schema = ? AND table_name = 'settings'",
      [schema],
    );
    assert.deepEqual(r, [[3, "0", 500, false]]);
  });
});

describe("CREATE SCHEMA", () => {
  test("creates a schema that tables can then be created in; an existing one is 409 / 40910 (checked on CrateDB 6.4.3)", async () => {
    const name = uniqueSchema("conf_schema");
    try {
      assert.equal((await ok(`CREATE SCHEMA ${q(name)}`)).rowcount, 1);
      assert.deepEqual(
        await rows("SELECT schema_name FROM information_schema.schemata WHERE schema_name = ?", [name]),
        [[name]],
      );
      await ok(`CREATE TABLE ${q(name)}."t" (id INT PRIMARY KEY)`);
      await ok(`DROP TABLE ${q(name)}."t"`);
      const e = await fails(`CREATE SCHEMA ${q(name)}`);
      assert.equal(e.status, 409);
      assert.equal(e.code, 40910);
      assert.equal(e.message, `SchemaAlreadyExists[Schema '${name}' already exists]`);
      // A schema created implicitly by CREATE TABLE exists as well.
      const implicit = await fails(`CREATE SCHEMA ${s}`);
      assert.equal(implicit.code, 40910);
    } finally {
      await sql(`DROP TABLE IF EXISTS ${q(name)}."t"`);
      await sql(`DROP SCHEMA IF EXISTS ${q(name)}`);
    }
  });
});

describe("DROP TABLE", () => {
  test("answers 1, then 0 with IF EXISTS, then 404 / 4041 without (checked on CrateDB 6.4.3)", async () => {
    const t = table("drop1");
    await ok(`CREATE TABLE ${t} (id INT)`);
    assert.equal((await ok(`DROP TABLE ${t}`)).rowcount, 1);
    assert.equal((await ok(`DROP TABLE IF EXISTS ${t}`)).rowcount, 0);
    const e = await fails(`DROP TABLE ${t}`);
    assert.equal(e.status, 404);
    assert.equal(e.code, 4041);
  });

  test("a table in an unknown schema is 4045, not 4041 (checked on CrateDB 6.4.3)", async () => {
    const e = await fails(`DROP TABLE ${q(uniqueSchema("nosuch"))}."t"`);
    assert.equal(e.status, 404);
    assert.equal(e.code, 4045);
    assert.match(e.message, /^SchemaUnknownException\[Schema '.*' unknown\]$/);
  });
});

describe("ALTER TABLE", () => {
  test("ADD COLUMN (several, comma-joined) answers rowcount -1 (checked on CrateDB 6.4.3)", async () => {
    const t = table("alter1");
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY)`);
    const r = await ok(`ALTER TABLE ${t} ADD COLUMN a TEXT, ADD COLUMN b BIGINT`);
    assert.equal(r.rowcount, -1);
    const cols = await rows(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = 'alter1' ORDER BY ordinal_position",
      [schema],
    );
    assert.deepEqual(cols, [["id"], ["a"], ["b"]]);
  });

  test("adding an existing column is 4000 (checked on CrateDB 6.4.3)", async () => {
    const t = table("alter2");
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY, a TEXT)`);
    const e = await fails(`ALTER TABLE ${t} ADD COLUMN a TEXT`);
    assert.equal(e.code, 4000);
    assert.match(e.message, new RegExp(`The table ${schema}\\.alter2 already has a column named a`));
  });

  test("ADD COLUMN with DEFAULT does not backfill existing rows (checked on CrateDB 6.4.3)", async () => {
    const t = table("alter3");
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY)`);
    await ok(`INSERT INTO ${t} (id) VALUES (1)`);
    await ok(`ALTER TABLE ${t} ADD COLUMN flag BOOLEAN DEFAULT true`);
    await ok(`INSERT INTO ${t} (id) VALUES (2)`);
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT id, flag FROM ${t} ORDER BY id`), [
      [1, null],
      [2, true],
    ]);
  });

  test("a primary key column can only be added to an empty table (4004) (checked on CrateDB 6.4.3)", async () => {
    const t = table("alter4");
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY)`);
    await ok(`ALTER TABLE ${t} ADD COLUMN k TEXT PRIMARY KEY`);
    const pk = await rows(
      "SELECT column_name FROM information_schema.key_column_usage WHERE table_schema = ? AND table_name = 'alter4' ORDER BY ordinal_position",
      [schema],
    );
    assert.deepEqual(pk, [["id"], ["k"]]);
    await ok(`INSERT INTO ${t} (id, k) VALUES (1, 'a')`);
    await ok(`REFRESH TABLE ${t}`);
    const e = await fails(`ALTER TABLE ${t} ADD COLUMN k2 TEXT PRIMARY KEY`);
    assert.equal(e.code, 4004);
    assert.match(e.message, /Cannot add a primary key column to a table that isn't empty/);
  });

  test("the emptiness check for a new key column is search based, so unrefreshed rows slip through (checked on CrateDB 6.4.3)", async () => {
    const t = table("alter4b");
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY) WITH (refresh_interval = 0)`);
    await ok(`INSERT INTO ${t} (id) VALUES (1)`);
    const r = await sql(`ALTER TABLE ${t} ADD COLUMN k TEXT PRIMARY KEY`);
    assert.equal(r.status, 200, r.text);
  });

  test("changing a column type is not supported (checked on CrateDB 6.4.3)", async () => {
    const t = table("alter5");
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY, a INT)`);
    const e = await fails(`ALTER TABLE ${t} ALTER COLUMN a TYPE BIGINT`);
    assert.equal(e.status, 400);
  });

  test("primary key columns cannot be dropped; other columns can, IF EXISTS tolerates missing ones (checked on CrateDB 6.4.3)", async () => {
    const t = table("alter6");
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY, a INT, b INT)`);
    assert.equal((await fails(`ALTER TABLE ${t} DROP COLUMN id`)).status, 400);
    assert.equal((await ok(`ALTER TABLE ${t} DROP COLUMN a`)).rowcount, -1);
    await ok(`ALTER TABLE ${t} DROP COLUMN IF EXISTS nope`);
    assert.equal((await fails(`ALTER TABLE ${t} DROP COLUMN nope`)).code, 4043);
  });

  test("RENAME COLUMN keeps the data under the new name (checked on CrateDB 6.4.3)", async () => {
    const t = table("alter7");
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY, a TEXT)`);
    await ok(`INSERT INTO ${t} (id, a) VALUES (1, 'x')`);
    await ok(`ALTER TABLE ${t} RENAME COLUMN a TO b`);
    assert.deepEqual(await rows(`SELECT b FROM ${t} WHERE id = 1`), [["x"]]);
  });

  test("RENAME TO must not name a schema (checked on CrateDB 6.4.3)", async () => {
    const t = table("alter8");
    await ok(`CREATE TABLE ${t} (id INT)`);
    const e = await fails(`ALTER TABLE ${t} RENAME TO ${s}."other"`);
    assert.equal(e.code, 4000);
    assert.match(e.message, /Target table name must not include a schema/);
    created.push("alter8b");
    assert.equal((await ok(`ALTER TABLE ${t} RENAME TO "alter8b"`)).rowcount, -1);
    assert.deepEqual(await rows(`SELECT count(*) FROM ${s}."alter8b"`), [[0]]);
  });
});

describe("write blocks and SWAP", () => {
  const blockSettings = (name: string) =>
    rows(
      "SELECT settings['blocks']['write'], settings['blocks']['read_only_allow_delete'] FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
      [schema, name],
    );
  const READ_DELETE_ONLY =
    "ClusterBlockException[blocked by: [RELATION_READ_DELETE_ONLY/12/index read-only / allow delete (api)];]";

  test("blocks.write refuses INSERT, UPDATE, DELETE and DROP TABLE with 4007, but allows reads, REFRESH and RESET (checked on CrateDB 6.4.3)", async () => {
    const t = table("blocked");
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY, a INT)`);
    await ok(`INSERT INTO ${t} (id, a) VALUES (1, 1)`);
    await ok(`ALTER TABLE ${t} SET ("blocks.write" = true)`);
    for (const [stmt, op] of [
      [`INSERT INTO ${t} (id) VALUES (2)`, "INSERT"],
      [`UPDATE ${t} SET a = 2`, "UPDATE"],
      [`DELETE FROM ${t}`, "DELETE"],
      [`DROP TABLE ${t}`, "DROP"],
    ] as const) {
      const e = await fails(stmt);
      assert.equal(e.status, 400, stmt);
      assert.equal(e.code, 4007, stmt);
      assert.equal(
        e.message,
        `OperationOnInaccessibleRelationException[The relation "${schema}.blocked" doesn't support or allow ${op} operations]`,
      );
    }
    assert.deepEqual(await rows(`SELECT a FROM ${t} WHERE id = 1`), [[1]]);
    await ok(`REFRESH TABLE ${t}`);
    await ok(`ALTER TABLE ${t} RESET ("blocks.write")`);
    await ok(`INSERT INTO ${t} (id) VALUES (2)`);
  });

  test("blocks.write refuses RENAME TO with 4007 (checked on CrateDB 6.4.3)", async () => {
    const t = table("blocked_rename");
    await ok(`CREATE TABLE ${t} (id INT)`);
    await ok(`ALTER TABLE ${t} SET ("blocks.write" = true)`);
    const e = await fails(`ALTER TABLE ${t} RENAME TO "blocked_rename2"`);
    assert.equal(e.code, 4007);
    assert.match(e.message, /doesn't support or allow ALTER RENAME operations/);
    await ok(`ALTER TABLE ${t} RESET ("blocks.write")`);
  });

  test("SWAP exchanges two tables and drop_source removes the source name (checked on CrateDB 6.4.3)", async () => {
    const a = table("swap_a");
    const b = table("swap_b");
    await ok(`CREATE TABLE ${a} (id INT PRIMARY KEY, v TEXT)`);
    await ok(`CREATE TABLE ${b} (id INT PRIMARY KEY)`);
    await ok(`INSERT INTO ${a} (id, v) VALUES (1, 'from a')`);
    assert.equal((await ok(`ALTER CLUSTER SWAP TABLE ${a} TO ${b}`)).rowcount, 1);
    assert.deepEqual(await rows(`SELECT v FROM ${b} WHERE id = 1`), [["from a"]]);
    await ok(`ALTER CLUSTER SWAP TABLE ${a} TO ${b} WITH (drop_source = true)`);
    assert.equal((await fails(`SELECT * FROM ${a}`)).code, 4041);
    assert.deepEqual(await rows(`SELECT id FROM ${b} WHERE id = 1`), []);
  });

  test("SWAP is refused with 4007 while either table is write-blocked (checked on CrateDB 6.4.3)", async () => {
    const a = table("swap_c");
    const b = table("swap_d");
    await ok(`CREATE TABLE ${a} (id INT)`);
    await ok(`CREATE TABLE ${b} (id INT)`);
    await ok(`ALTER TABLE ${b} SET ("blocks.write" = true)`);
    for (const stmt of [`ALTER CLUSTER SWAP TABLE ${a} TO ${b}`, `ALTER CLUSTER SWAP TABLE ${b} TO ${a}`]) {
      const e = await fails(stmt);
      assert.equal(e.status, 400);
      assert.equal(e.code, 4007);
      assert.equal(
        e.message,
        `OperationOnInaccessibleRelationException[The relation "${schema}.swap_d" doesn't support or allow ALTER RENAME operations]`,
      );
    }
    await ok(`ALTER TABLE ${b} SET ("blocks.write" = false)`);
  });

  test("blocks.read_only_allow_delete refuses every row that reaches the table with 403 / 4037, DELETE included (checked on CrateDB 6.4.3)", async () => {
    const t = table("readdelete");
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY, a INT)`);
    await ok(`INSERT INTO ${t} (id, a) VALUES (1, 1), (2, 2)`);
    await ok(`REFRESH TABLE ${t}`);
    await ok(`ALTER TABLE ${t} SET ("blocks.read_only_allow_delete" = true)`);
    // Checked per row, not at analysis: statements that reach a row fail…
    for (const stmt of [
      `INSERT INTO ${t} (id, a) VALUES (3, 3)`,
      `UPDATE ${t} SET a = 5 WHERE id = 1`,
      `UPDATE ${t} SET a = 5 WHERE a = 1`,
      `DELETE FROM ${t} WHERE id = 2`,
      `DELETE FROM ${t} WHERE id = 99`,
      `DELETE FROM ${t}`,
    ]) {
      const e = await fails(stmt);
      assert.equal(e.status, 403, stmt);
      assert.equal(e.code, 4037, stmt);
      assert.equal(e.message, READ_DELETE_ONLY, stmt);
    }
    // …searches that find nothing answer 0, multi-row inserts skip every row,
    assert.equal((await ok(`DELETE FROM ${t} WHERE a = 99`)).rowcount, 0);
    assert.equal((await ok(`INSERT INTO ${t} (id, a) VALUES (3, 3), (4, 4)`)).rowcount, 0);
    assert.equal((await ok(`INSERT INTO ${t} (id, a) SELECT id + 10, a FROM ${t}`)).rowcount, 0);
    // …and bulk items fail one by one, except a bulk by key, which fails whole.
    const b = await bulk(`INSERT INTO ${t} (id, a) VALUES (?, ?)`, [[5, 5]]);
    assert.equal(b.status, 200);
    assert.deepEqual(b.json.results, [{ rowcount: -2, error: { code: 4037, message: READ_DELETE_ONLY } }]);
    const k = await bulk(`DELETE FROM ${t} WHERE id = ?`, [[1]]);
    assert.equal(k.status, 403);
    assert.equal(k.json.error.code, 4037);
    await ok(`ALTER TABLE ${t} RESET ("blocks.read_only_allow_delete")`);
    await ok(`INSERT INTO ${t} (id, a) VALUES (3, 3)`);
    await ok(`REFRESH TABLE ${t}`);
    assert.deepEqual(await rows(`SELECT id, a FROM ${t} ORDER BY id`), [
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  test("blocks.read_only_allow_delete allows SWAP, RENAME TO and ADD COLUMN and refuses DROP TABLE with 4037 until reset (checked on CrateDB 6.4.3)", async () => {
    const a = table("rod_a");
    const b = table("rod_b");
    await ok(`CREATE TABLE ${a} (id INT)`);
    await ok(`CREATE TABLE ${b} (id INT)`);
    await ok(`ALTER TABLE ${a} SET ("blocks.read_only_allow_delete" = true)`);
    const e = await fails(`DROP TABLE ${a}`);
    assert.equal(e.status, 403);
    assert.equal(e.code, 4037);
    assert.equal(e.message, READ_DELETE_ONLY);
    await ok(`ALTER TABLE ${a} ADD COLUMN extra INT`);
    created.push("rod_c");
    await ok(`ALTER TABLE ${a} RENAME TO "rod_c"`);
    await ok(`ALTER TABLE ${s}."rod_c" RENAME TO "rod_a"`);
    assert.equal((await ok(`ALTER CLUSTER SWAP TABLE ${a} TO ${b}`)).rowcount, 1);
    // Which name the block ends up under after a SWAP is not reliable: reset both.
    for (const t of [a, b]) await ok(`ALTER TABLE ${t} RESET ("blocks.read_only_allow_delete")`);
    assert.equal((await ok(`DROP TABLE ${a}`)).rowcount, 1);
  });

  test("both blocks show in information_schema.tables settings and are set and reset with ALTER TABLE (checked on CrateDB 6.4.3)", async () => {
    const t = table("blockflags");
    await ok(`CREATE TABLE ${t} (id INT)`);
    assert.deepEqual(await blockSettings("blockflags"), [[false, false]]);
    await ok(`ALTER TABLE ${t} SET ("blocks.read_only_allow_delete" = true)`);
    await ok(`ALTER TABLE ${t} SET ("blocks.write" = true)`);
    assert.deepEqual(await blockSettings("blockflags"), [[true, true]]);
    // Resetting blocks.write leaves the other block in force: inserts stay refused.
    await ok(`ALTER TABLE ${t} RESET ("blocks.write")`);
    assert.deepEqual(await blockSettings("blockflags"), [[false, true]]);
    assert.equal((await fails(`INSERT INTO ${t} (id) VALUES (1)`)).code, 4037);
    await ok(`ALTER TABLE ${t} RESET ("blocks.read_only_allow_delete")`);
    assert.deepEqual(await blockSettings("blockflags"), [[false, false]]);
    await ok(`INSERT INTO ${t} (id) VALUES (1)`);
  });
});

describe("statements without transactions", () => {
  test("BEGIN and COMMIT are accepted no-ops with rowcount 0 (checked on CrateDB 6.4.3)", async () => {
    assert.equal((await ok("BEGIN")).rowcount, 0);
    assert.equal((await ok("COMMIT")).rowcount, 0);
  });

  test("ROLLBACK and TRUNCATE are not in the grammar (4000) (checked on CrateDB 6.4.3)", async () => {
    assert.equal((await fails("ROLLBACK")).code, 4000);
    const t = table("trunc");
    await ok(`CREATE TABLE ${t} (id INT)`);
    assert.equal((await fails(`TRUNCATE ${t}`)).code, 4000);
  });
});

describe("CREATE TABLE AS", () => {
  test("copies names, types and refreshed rows but no primary key or NOT NULL (checked on CrateDB 6.4.3)", async () => {
    const src = table("cta_src");
    await ok(
      `CREATE TABLE ${src} (id INT PRIMARY KEY, n NUMERIC(10, 2) NOT NULL, ts TIMESTAMP WITH TIME ZONE)`,
    );
    await ok(`INSERT INTO ${src} (id, n, ts) VALUES (1, '1.50', 1000), (2, '2.25', 2000)`);
    await ok(`REFRESH TABLE ${src}`);
    await ok(`INSERT INTO ${src} (id, n) VALUES (3, '3')`);
    const copy = table("cta_copy");
    const r = await ok(`CREATE TABLE ${copy} AS SELECT * FROM ${src} WHERE id > ?`, [0]);
    assert.equal(r.rowcount, 2);
    const cols = await rows(
      "SELECT column_name, data_type, is_nullable, numeric_precision FROM information_schema.columns WHERE table_schema = ? AND table_name = 'cta_copy' ORDER BY ordinal_position",
      [schema],
    );
    assert.deepEqual(cols, [
      ["id", "integer", "YES", 32],
      ["n", "numeric", "YES", 10],
      ["ts", "timestamp with time zone", "YES", null],
    ]);
    const pk = await rows(
      "SELECT column_name FROM information_schema.key_column_usage WHERE table_schema = ? AND table_name = 'cta_copy'",
      [schema],
    );
    assert.deepEqual(pk, []);
    await ok(`REFRESH TABLE ${copy}`);
    assert.deepEqual(await rows(`SELECT id, n, ts FROM ${copy} ORDER BY id`), [
      [1, 1.5, 1000],
      [2, 2.25, 2000],
    ]);
  });
});

describe("CHECK constraints", () => {
  test("a failing CHECK is a 4000 on a single row and -2 for that bulk item; constraints are listed and droppable (checked on CrateDB 6.4.3)", async () => {
    const t = table("checks");
    await ok(`CREATE TABLE ${t} (id INT PRIMARY KEY, n INT CONSTRAINT n_positive CHECK (n > 0))`);
    const e = await fails(`INSERT INTO ${t} (id, n) VALUES (1, -1)`);
    assert.equal(e.code, 4000);
    assert.match(e.message, /Failed CONSTRAINT n_positive CHECK/);
    const r = await bulk(`INSERT INTO ${t} (id, n) VALUES (?, ?)`, [
      [2, 1],
      [3, -1],
    ]);
    assert.deepEqual(
      r.json.results.map((x: { rowcount: number }) => x.rowcount),
      [1, -2],
    );
    const listed = await rows(
      "SELECT constraint_name FROM information_schema.table_constraints WHERE table_schema = ? AND table_name = 'checks' AND constraint_type = 'CHECK' ORDER BY constraint_name DESC",
      [schema],
    );
    // Beside the key column's NOT NULL check (cratedb.md §0).
    assert.deepEqual(listed, [["n_positive"], [`${schema}_checks_id_not_null`]]);
    await ok(`ALTER TABLE ${t} DROP CONSTRAINT n_positive`);
    await ok(`INSERT INTO ${t} (id, n) VALUES (4, -1)`);
  });
});
