/**
 * Paths that would block: named pipes (FIFOs) wait in open() for a writer, and before this was
 * fixed four of them held all of libuv's threads, so every other WriteBatch stalled too while
 * health said SERVING. Anything not a regular file is refused before reading, and a read that
 * makes no progress fails after the stall timeout.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BatchFileError } from "../../src/batch/errors.ts";
import { FileSource, type ReadableFile } from "../../src/batch/open-file.ts";
import { parseCli } from "../../src/cli/args.ts";
import {
  assertNothingLeaked,
  assertRetryConverges,
  assertServing,
  createTable,
  goodFile,
  type Hostile,
  packedParams,
  rowsOf,
  startHostile,
  taskSummary,
  writeBatch,
} from "./fixture.ts";

describe("paths that are not regular files", () => {
  let h: Hostile;
  let fifos: string[];
  before(async () => {
    h = await startHostile("hostile_fifo", { maxWorkers: 8 });
    await createTable(h, "t");
    fifos = [1, 2, 3, 4].map((i) => join(h.dir, `fifo-${i}`));
    for (const fifo of fifos) execFileSync("mkfifo", [fifo]);
  });
  after(async () => {
    // Should a reader still wait in open() (the failure this guards against), opening each FIFO
    // read-write, which never blocks, releases it. From a child process: in this one every
    // libuv thread may be the one waiting.
    execFileSync("sh", ["-c", 'for f do exec 3<>"$f"; exec 3>&-; done', "sh", ...fifos]);
    await h.close();
  });

  test("four FIFOs are refused at once while another WriteBatch succeeds", { timeout: 20_000 }, async () => {
    const good = await goodFile(h, [["1", "a"]]);
    const [goodAnswer, ...fifoAnswers] = await Promise.all([
      writeBatch(h, { replaceFiles: [good.path], keys: good.keys, fileParams: packedParams(good) }),
      ...fifos.map((fifo) => writeBatch(h, { replaceFiles: [fifo] })),
    ]);
    assert.equal(goodAnswer!.response.case, "success", JSON.stringify(goodAnswer!.response));
    fifoAnswers.forEach((answer, i) => {
      const message = taskSummary(answer);
      assert.equal(
        message,
        `batch file "fifo-${i + 1}": the path names a named pipe (FIFO); batch files are regular files`,
      );
      assertNothingLeaked(h, message);
    });
    assert.deepEqual(await rowsOf(h, "t"), [[1, "a"]]);
    await assertServing(h);
  });

  test("a directory and a character device are refused the same way", { timeout: 20_000 }, async () => {
    const refused: [string, string][] = [
      [h.dir, "a directory"],
      ["/dev/zero", "a character device"],
    ];
    for (const [path, kind] of refused) {
      const message = taskSummary(await writeBatch(h, { replaceFiles: [path] }));
      assert.match(
        message,
        new RegExp(`^batch file "[^"/]+": the path names ${kind}; batch files are regular files$`),
      );
      assertNothingLeaked(h, message);
    }
    assert.deepEqual(await rowsOf(h, "t"), [[1, "a"]]);
    await assertServing(h);
    await assertRetryConverges(h, "t", await goodFile(h, [["2", "b"]]), [
      [1, "a"],
      [2, "b"],
    ]);
  });
});

describe("a read that makes no progress", () => {
  /** A file whose first `answers` reads return data and every later one never answers. */
  function stallingFile(answers: number): ReadableFile & { closed: boolean } {
    let reads = 0;
    return {
      closed: false,
      read(buffer) {
        if (reads++ >= answers) return new Promise(() => {});
        buffer.fill(65, 0, 10);
        return Promise.resolve({ bytesRead: 10 });
      },
      async close() {
        this.closed = true;
      },
    };
  }

  for (const answers of [0, 3]) {
    test(`fails after the stall timeout naming the file (${answers} reads answered first)`, async () => {
      const file = stallingFile(answers);
      const source = new FileSource(file, "/srv/secret-dir/upsert.csv.zstd.aes", 200);
      const started = Date.now();
      let bytes = 0;
      let caught: unknown;
      try {
        for await (const chunk of source) bytes += (chunk as Buffer).length;
      } catch (error) {
        caught = error;
      }
      const waited = Date.now() - started;
      assert.ok(caught instanceof BatchFileError, String(caught));
      assert.equal(caught.code, "BATCH_FILE_STALLED");
      assert.equal(caught.kind, "user");
      assert.equal(
        caught.summary,
        'batch file "upsert.csv.zstd.aes": opening or reading the file made no progress for 0.2 s; the file system holding it does not answer (--batch-file-stall-timeout)',
      );
      assert.equal(bytes, answers * 10);
      assert.ok(waited >= 190 && waited < 5_000, `waited ${waited} ms`);
      assert.ok(file.closed, "the file is closed");
    });
  }

  test("a slow consumer is not a stall: only a pending read is timed", async () => {
    let reads = 0;
    const file: ReadableFile = {
      read: (buffer) => {
        buffer.fill(66, 0, 5);
        return Promise.resolve({ bytesRead: reads++ < 3 ? 5 : 0 });
      },
      close: async () => {},
    };
    const source = new FileSource(file, "/x/slow.csv", 50);
    let bytes = 0;
    for await (const chunk of source) {
      bytes += (chunk as Buffer).length;
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    assert.equal(bytes, 15);
  });

  test("the stall timeout comes from the flag or its environment variable", () => {
    const fromFlag = parseCli(["--batch-file-stall-timeout", "2.5"], {});
    assert.deepEqual(fromFlag.kind === "run" && fromFlag.options.batchFiles, { stallTimeoutMs: 2_500 });
    const fromEnv = parseCli([], { CRATEDB_DESTINATION_BATCH_FILE_STALL_TIMEOUT: "90" });
    assert.deepEqual(fromEnv.kind === "run" && fromEnv.options.batchFiles, { stallTimeoutMs: 90_000 });
    for (const bad of ["0", "-1", "soon", "86401"]) {
      assert.throws(() => parseCli([`--batch-file-stall-timeout=${bad}`], {}), /--batch-file-stall-timeout/);
    }
  });
});
