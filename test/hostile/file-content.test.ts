/**
 * A path naming some other file (here: a copy of /etc/passwd) must not get the file's content
 * echoed back as an "unknown column"; and with --batch-file-dirs, paths outside the allowed
 * directories are refused whatever symbolic links or `..` they use.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseCli, UsageError } from "../../src/cli/args.ts";
import { writeBatchFile } from "../helpers/batch-writer.ts";
import {
  assertNothingLeaked,
  assertRetryConverges,
  assertServing,
  createTable,
  FILE_COLUMNS,
  goodFile,
  type Hostile,
  packedParams,
  rowsOf,
  SYNCED,
  startHostile,
  taskSummary,
  writeBatch,
} from "./fixture.ts";

const PASSWD = [
  "root:x:0:0:root:/root:/bin/bash",
  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
  "fivetran:x:1000:1000:s3cr3t-gecos,Room 7:/home/fivetran:/bin/sh",
  // More fields than the "header" plus one: still the header's error, not this line's.
  "backup:x:34:34:s3cr3t,Room 8,+1 555,+1 556:/var/backups:/usr/sbin/nologin",
];

describe("file content is never echoed", () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile("hostile_echo");
    await createTable(h, "t");
  });
  after(() => h.close());

  test("a plain non-batch file is an unknown column named by position, not by its text", async () => {
    const passwd = join(h.dir, "passwd");
    await writeFile(passwd, `${PASSWD.join("\n")}\n`);
    const paths = existsSync("/etc/passwd") ? [passwd, "/etc/passwd"] : [passwd];
    for (const path of paths) {
      const message = taskSummary(await writeBatch(h, { replaceFiles: [path] }));
      assert.equal(
        message,
        'batch file "passwd", row 0, an unknown column (header field 1): the table "t" has no such column',
      );
      assertNothingLeaked(h, message, ["root:", "/bin/bash", "/etc"]);
    }
    assert.deepEqual(await rowsOf(h, "t"), []);
    await assertServing(h);
    await assertRetryConverges(h, "t", await goodFile(h, [["1", "a"]]), [[1, "a"]]);
  });

  test("a first line that is not a header of the table names its fields by position only", async () => {
    // A known column first, then something else: still no proof that this is a batch file.
    const path = join(h.dir, "notes.csv");
    await writeFile(path, "id,s3cr3t-token-4711\n1,x\n");
    const message = taskSummary(await writeBatch(h, { replaceFiles: [path] }));
    assert.equal(
      message,
      'batch file "notes.csv", row 0, an unknown column (header field 2): the table "t" has no such column',
    );
    const dup = join(h.dir, "dup.csv");
    await writeFile(dup, "s3cr3t-token-4711,s3cr3t-token-4711\n");
    assert.equal(
      taskSummary(await writeBatch(h, { replaceFiles: [dup] })),
      'batch file "dup.csv", row 0, an unknown column (header field 2): the header names this column twice',
    );
    assertNothingLeaked(h, message, ["s3cr3t"]);
    assert.deepEqual(await rowsOf(h, "t"), [[1, "a"]]);
    await assertServing(h);
  });

  test("a batch file header with every required column names its unknown column, cut short", async () => {
    const long = `surprise_${"x".repeat(200)}`;
    const file = await writeBatchFile({
      dir: h.dir,
      columns: [...FILE_COLUMNS, { name: long, type: "STRING" }],
      rows: [["2", "b", SYNCED, "c"]],
    });
    const message = taskSummary(
      await writeBatch(h, { replaceFiles: [file.path], keys: file.keys, fileParams: packedParams(file) }),
    );
    assert.match(
      message,
      /^batch file "batch-\d+\.csv\.zstd\.aes", row 0, column "surprise_x{55}…": the table "t" has no such column$/,
    );
    assertNothingLeaked(h, message);
    assert.deepEqual(await rowsOf(h, "t"), [[1, "a"]]);
    await assertServing(h);
  });
});

describe("--batch-file-dirs", () => {
  let h: Hostile;
  let allowed: string;
  let outside: string;
  before(async () => {
    // The server allows the directory through a symbolic link; files are found by real path.
    h = await startHostile("hostile_dirs", (dir) => ({
      batchFiles: { allowedDirs: [join(dir, "allowed-link")] },
    }));
    allowed = join(h.dir, "allowed");
    outside = join(h.dir, "outside");
    await mkdir(allowed);
    await mkdir(outside);
    await symlink(allowed, join(h.dir, "allowed-link"));
    await createTable(h, "t");
  });
  after(() => h.close());

  test("paths outside the allowed directories are refused, also through symbolic links and ..", async () => {
    const secret = await writeBatchFile({
      dir: outside,
      columns: FILE_COLUMNS,
      rows: [["9", "s3cr3t", SYNCED]],
      compression: "none",
      encryption: "none",
    });
    await symlink(secret.path, join(allowed, "link-to-file.csv"));
    await symlink(outside, join(allowed, "link-to-dir"));
    const name = secret.path.slice(outside.length + 1);
    const refused: [string, string][] = [
      [secret.path, name],
      [join(allowed, "..", "outside", name), name],
      [join(allowed, "link-to-file.csv"), "link-to-file.csv"],
      [join(allowed, "link-to-dir", name), name],
      [join(outside, "does-not-exist.csv"), "does-not-exist.csv"],
      ["/etc/passwd", "passwd"],
      [allowed, "allowed"],
    ];
    for (const [path, shown] of refused) {
      const message = taskSummary(await writeBatch(h, { replaceFiles: [path] }));
      assert.equal(
        message,
        `batch file "${shown}": the file is outside the batch file directories this destination may read (--batch-file-dirs)`,
        path,
      );
      assertNothingLeaked(h, message, ["s3cr3t"]);
    }
    assert.deepEqual(await rowsOf(h, "t"), []);
    await assertServing(h);
  });

  test("files inside the allowed directories are read, by real path or through the allowed link", async () => {
    const first = await goodFile({ ...h, dir: allowed }, [["1", "a"]]);
    await assertRetryConverges(h, "t", first, [[1, "a"]]);
    const second = await goodFile({ ...h, dir: allowed }, [["2", "b"]]);
    const viaLink = join(h.dir, "allowed-link", second.path.slice(allowed.length + 1));
    const res = await writeBatch(h, {
      replaceFiles: [viaLink],
      keys: { [viaLink]: second.key },
      fileParams: packedParams(second),
    });
    assert.equal(res.response.case, "success", JSON.stringify(res.response));
    assert.deepEqual(await rowsOf(h, "t"), [
      [1, "a"],
      [2, "b"],
    ]);
  });

  test("the directories come from the flag or its environment variable, as absolute paths", () => {
    const fromFlag = parseCli(["--batch-file-dirs", "/data/a, /data/b/../c/"], {});
    assert.deepEqual(fromFlag.kind === "run" && fromFlag.options.batchFiles, {
      allowedDirs: ["/data/a", "/data/c"],
    });
    const fromEnv = parseCli([], { CRATEDB_DESTINATION_BATCH_FILE_DIRS: "/srv/fivetran" });
    assert.deepEqual(fromEnv.kind === "run" && fromEnv.options.batchFiles, {
      allowedDirs: ["/srv/fivetran"],
    });
    const unset = parseCli([], {});
    assert.equal(unset.kind === "run" && unset.options.batchFiles, undefined);
    for (const bad of ["data", "/a,,/b", "/a,b"]) {
      assert.throws(
        () => parseCli([`--batch-file-dirs=${bad}`], {}),
        (err: unknown) =>
          err instanceof UsageError &&
          err.message ===
            `invalid value ${JSON.stringify(bad)} for --batch-file-dirs: expected absolute directory paths separated by commas`,
      );
    }
  });
});
