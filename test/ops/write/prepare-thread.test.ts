import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BatchFileError } from "../../../src/batch/index.ts";
import { DestinationError } from "../../../src/errors.ts";
import type { PrepareJob } from "../../../src/ops/write/prepare-protocol.ts";
import { fromWire, toWire } from "../../../src/ops/write/prepare-protocol.ts";
import { type PreparedStream, PrepareThreads } from "../../../src/ops/write/prepare-thread.ts";
import { BatchRowError } from "../../../src/ops/write/rows.ts";
import type { TableDef } from "../../../src/table-def.ts";
import { batchDir, type Cell, TESTER_NULL, writeBatchFile } from "../../helpers/batch-writer.ts";
import { col } from "../../helpers/ops.ts";

const ITEMS: TableDef = {
  name: "items",
  columns: [col("id", "INT", true), col("name", "STRING"), col("_fivetran_synced", "UTC_DATETIME")],
};
const T1 = "2024-01-01T00:00:00Z";
let dir: string;
let cleanup: () => Promise<void>;
/** 20,000 rows in chunks of ~4 KiB: ~100 chunks, many more than a thread posts ahead. */
let big: { path: string; keys: Record<string, Uint8Array> };

before(async () => {
  ({ dir, cleanup } = await batchDir());
  const rows = function* (): Generator<Cell[]> {
    for (let i = 1; i <= 20_000; i++) yield [String(i), `name ${i}`, T1];
  };
  const file = await writeBatchFile({ dir, columns: ITEMS.columns, rows: rows() });
  big = { path: file.path, keys: file.keys };
});
after(() => cleanup());

function job(paths: readonly string[], keys: Record<string, Uint8Array>, plain = false): PrepareJob {
  return {
    plan: { kind: "replace", ref: { schema: "s", table: "items" }, keyColumns: ["id"], keyCast: "INTEGER" },
    paths,
    read: {
      table: ITEMS,
      keys,
      fileParams: plain
        ? { compression: "none", encryption: "none", nullString: TESTER_NULL, unmodifiedString: "" }
        : { compression: "zstd", encryption: "aes", nullString: TESTER_NULL, unmodifiedString: "" },
      format: "csv",
      rowChunkBytes: 4096,
      required: undefined,
      limits: undefined,
    },
  };
}

async function drain(stream: PreparedStream): Promise<{ rows: number; keys: number; argSets: number }> {
  const seen = { rows: 0, keys: 0, argSets: 0 };
  for await (const { chunk } of stream) {
    seen.rows += chunk.rows;
    seen.keys += chunk.keys.length;
    for (const send of chunk.sends) {
      seen.argSets += send.args.count;
      // Arg sets arrive as Buffers the client can send and parse back.
      for (const group of send.args.groups) assert.ok(Buffer.isBuffer(group.json));
    }
  }
  return seen;
}

describe("prepare threads", () => {
  test("a step's chunks come prepared from a thread: every row, key and arg set", async () => {
    const threads = new PrepareThreads({ threads: 1, minBytes: 0 });
    const stream = await threads.start(job([big.path], big.keys), undefined);
    assert.ok(stream !== undefined);
    assert.equal(threads.running, 1);
    assert.deepEqual(await drain(stream), { rows: 20_000, keys: 20_000, argSets: 20_000 });
    assert.equal(threads.running, 0);
    assert.equal(threads.started, 1);
  });

  test("no thread for steps below the size threshold, with no threads, or when all are taken", async () => {
    assert.equal(
      await new PrepareThreads({ threads: 1 }).start(job([big.path], big.keys), undefined),
      undefined,
    );
    assert.equal(
      await new PrepareThreads({ threads: 0, minBytes: 0 }).start(job([big.path], big.keys), undefined),
      undefined,
    );
    const threads = new PrepareThreads({ threads: 1, minBytes: 0 });
    const first = await threads.start(job([big.path], big.keys), undefined);
    assert.ok(first !== undefined);
    assert.equal(await threads.start(job([big.path], big.keys), undefined), undefined);
    // Leaving early stops the thread and frees its place.
    for await (const _ of first) break;
    assert.equal(threads.running, 0);
    const again = await threads.start(job([big.path], big.keys), undefined);
    assert.ok(again !== undefined);
    await again.return();
  });

  test("a stream that was never read stops its thread when returned, and only once", async () => {
    const threads = new PrepareThreads({ threads: 1, minBytes: 0 });
    const stream = await threads.start(job([big.path], big.keys), undefined);
    assert.ok(stream !== undefined);
    await stream.return();
    await stream.return();
    assert.equal(threads.running, 0);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });

  test("a file that cannot be looked at stays on the call's thread, which reports it", async () => {
    const threads = new PrepareThreads({ threads: 1, minBytes: 1 });
    assert.equal(await threads.start(job([join(dir, "missing.csv")], {}), undefined), undefined);
  });

  test("a cancelled call stops its thread and fails with the cancellation", async () => {
    const threads = new PrepareThreads({ threads: 1, minBytes: 0 });
    const controller = new AbortController();
    const stream = await threads.start(job([big.path], big.keys), controller.signal);
    assert.ok(stream !== undefined);
    const reason = new Error("cancelled by test");
    await assert.rejects(
      (async () => {
        for await (const _ of stream) controller.abort(reason);
      })(),
      (error) => error === reason,
    );
    assert.equal(threads.running, 0);
  });

  test("a bad row fails as the same error class, code and place as on the call's thread", async () => {
    const path = join(dir, "bad-row.csv");
    await writeFile(path, `id,name,_fivetran_synced\n1,a,${T1}\nnot-a-number,b,${T1}\n`);
    const threads = new PrepareThreads({ threads: 1, minBytes: 0 });
    const stream = await threads.start(job([path], {}, true), undefined);
    assert.ok(stream !== undefined);
    await assert.rejects(drain(stream), (error: unknown) => {
      assert.ok(error instanceof BatchFileError);
      assert.ok(error instanceof DestinationError);
      assert.equal(error.code, "BATCH_BAD_VALUE");
      assert.equal(error.kind, "user");
      assert.equal(error.file, "bad-row.csv");
      assert.equal(error.row, 2);
      assert.equal(error.column, "id");
      assert.match(error.message, /^batch file "bad-row\.csv", row 2, column "id": /);
      assert.doesNotMatch(error.message, /not-a-number/);
      return true;
    });
    assert.equal(threads.running, 0);
  });
});

describe("the operator's limits hold in a prepare thread", () => {
  test("a file outside --batch-file-dirs is refused there as on the call's thread", async () => {
    const threads = new PrepareThreads({ threads: 1, minBytes: 0 });
    const elsewhere = await mkdtemp(join(tmpdir(), "allowed-"));
    try {
      const base = job([big.path], big.keys);
      const stream = await threads.start(
        { ...base, read: { ...base.read, limits: { allowedDirs: [elsewhere] } } },
        undefined,
      );
      assert.ok(stream !== undefined);
      await assert.rejects(drain(stream), (error: unknown) => {
        assert.ok(error instanceof BatchFileError);
        assert.equal(error.code, "BATCH_FILE_NOT_ALLOWED");
        return true;
      });
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});

describe("errors across threads", () => {
  test("the destination's classes keep class, code, kind, hint and fields", () => {
    const original = new BatchRowError("f.csv", 3, "id", "the key is NULL");
    const revived = fromWire(structuredClone(toWire(original)));
    assert.ok(revived instanceof BatchRowError);
    assert.equal(revived.name, "BatchRowError");
    for (const field of ["code", "kind", "summary", "hint", "message"] as const)
      assert.equal(revived[field], original[field]);
    assert.equal(revived.stack, original.stack);
  });

  test("any other error arrives as a plain Error with its name and message", () => {
    const revived = fromWire(structuredClone(toWire(new RangeError("bug"))));
    assert.equal(Object.getPrototypeOf(revived), Error.prototype);
    assert.equal(revived.name, "RangeError");
    assert.equal(revived.message, "bug");
    assert.equal(fromWire(toWire("thrown text")).message, "thrown text");
  });
});

describe("a prepare thread that stops without an answer", () => {
  const stops = async (code: string, expected: RegExp): Promise<void> => {
    const threads = new PrepareThreads({ threads: 1, minBytes: 0, script: { code } });
    const stream = await threads.start(job([big.path], big.keys), undefined);
    assert.ok(stream !== undefined);
    await assert.rejects(drain(stream), (error: unknown) => {
      assert.ok(error instanceof DestinationError);
      assert.equal(error.code, "WRITE_PREPARE_THREAD_STOPPED");
      assert.equal(error.kind, "transient", "Fivetran retries the sync");
      assert.match(error.message, expected);
      assert.match(error.message, /--prepare-threads 0/);
      return true;
    });
    assert.equal(threads.running, 0);
  };

  test("exiting fails the step as transient, naming the exit code", () =>
    stops("process.exit(3)", /stopped \(exit code 3\)/));

  test("an error outside its step fails the step as transient, named by class, never by message", () =>
    stops('throw new RangeError("secret-value")', /stopped \(RangeError\)(?![\s\S]*secret-value)/));
});
