import assert from "node:assert/strict";
import { test } from "node:test";
import { csvRowChunks } from "../../src/batch/csv-rows.ts";
import { BatchFileError } from "../../src/batch/errors.ts";
import type { FileParams } from "../../src/batch/file-params.ts";
import { UNMODIFIED } from "../../src/batch/values.ts";
import type { TableDef } from "../../src/table-def.ts";

const TABLE: TableDef = {
  name: "t",
  columns: [
    { name: "id", type: "INT", primaryKey: true },
    { name: "text", type: "STRING", primaryKey: false },
  ],
};
const PARAMS: FileParams = {
  compression: "none",
  encryption: "none",
  nullString: "NUL",
  unmodifiedString: "UNM",
};

async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function rowsOf(bytes: Buffer, size: number) {
  const out: unknown[][] = [];
  for await (const chunk of csvRowChunks("f.csv", pieces(bytes, size), {
    table: TABLE,
    fileParams: PARAMS,
    required: ["id"],
    rowChunkBytes: 1 << 20,
  })) {
    out.push(...chunk.rows);
  }
  return out;
}

test("multi-byte UTF-8 characters split across read boundaries decode intact", async () => {
  const text = 'text,id\n"😀𝄞 中文 é",1\n𐍈😀,2\n"a\n😀",3\n';
  const expected = [
    [1, "😀𝄞 中文 é"],
    [2, "𐍈😀"],
    [3, "a\n😀"],
  ];
  const bytes = Buffer.from(text, "utf8");
  for (const size of [1, 2, 3, 5, 7, 65536])
    assert.deepEqual(await rowsOf(bytes, size), expected, `pieces of ${size}`);
  // Every split point of the 4-byte characters, one at a time.
  for (let cut = 1; cut < bytes.length; cut++) {
    async function* two(): AsyncGenerator<Buffer> {
      yield bytes.subarray(0, cut);
      yield bytes.subarray(cut);
    }
    const out: unknown[][] = [];
    for await (const chunk of csvRowChunks("f.csv", two(), {
      table: TABLE,
      fileParams: PARAMS,
      required: [],
      rowChunkBytes: 1 << 20,
    })) {
      out.push(...chunk.rows);
    }
    assert.deepEqual(out, expected, `cut at byte ${cut}`);
  }
});

test("sentinels apply whether or not the field was quoted, and only to whole fields", async () => {
  const bytes = Buffer.from('id,text\n1,NUL\n2,"NUL"\n3,UNM\n4,"UNM"\n5,NULL\n6,"NUL "\n', "utf8");
  assert.deepEqual(await rowsOf(bytes, 3), [
    [1, null],
    [2, null],
    [3, UNMODIFIED],
    [4, UNMODIFIED],
    [5, "NULL"],
    [6, "NUL "],
  ]);
});

test("empty sentinels in FileParams never turn empty fields into NULL", async () => {
  const bytes = Buffer.from('id,text\n1,""\n2,\n', "utf8");
  const out: unknown[][] = [];
  for await (const chunk of csvRowChunks("f.csv", pieces(bytes, 4), {
    table: TABLE,
    fileParams: { ...PARAMS, nullString: "", unmodifiedString: "" },
    required: [],
    rowChunkBytes: 1 << 20,
  })) {
    out.push(...chunk.rows);
  }
  assert.deepEqual(out, [
    [1, ""],
    [2, ""],
  ]);
});

test("a leading byte order mark is not part of the first column name", async () => {
  const bytes = Buffer.from("\uFEFFid,text\n1,a\n", "utf8");
  assert.deepEqual(await rowsOf(bytes, 2), [[1, "a"]]);
});

test("invalid UTF-8 is an error, while a real U+FFFD in the data is kept", async () => {
  const valid = Buffer.from("id,text\n1,a\uFFFDb\n2,\uFFFD\n", "utf8");
  for (const size of [1, 2, 3, 65536]) {
    assert.deepEqual(
      await rowsOf(valid, size),
      [
        [1, "a\uFFFDb"],
        [2, "\uFFFD"],
      ],
      `pieces of ${size}`,
    );
  }
  const invalid = Buffer.concat([
    Buffer.from("id,text\n1,caf", "latin1"),
    Buffer.from([0xe9]),
    Buffer.from("\n"),
  ]);
  for (const size of [1, 3, 65536]) {
    await assert.rejects(rowsOf(invalid, size), (e: unknown) => {
      assert.ok(e instanceof BatchFileError);
      assert.equal(e.code, "BATCH_MALFORMED_CSV");
      assert.match(e.message, /not valid UTF-8/);
      return true;
    });
  }
});
