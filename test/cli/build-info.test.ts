import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runProcess } from "../helpers/process.ts";

const source = fileURLToPath(new URL("../../src/cli/build-info.ts", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "build-info-"));
after(() => rmSync(work, { recursive: true, force: true }));

const hasGit = (() => {
  try {
    execFileSync("git", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** A copy of the module in `<root>/src/cli/`, with a package.json of its own beside it. */
function copyInto(root: string): string {
  mkdirSync(path.join(root, "src", "cli"), { recursive: true });
  writeFileSync(path.join(root, "package.json"), JSON.stringify({ version: "9.8.7" }));
  const file = path.join(root, "src", "cli", "build-info.ts");
  copyFileSync(source, file);
  return file;
}

async function ask(file: string): Promise<string[]> {
  const script = `import { BUILD_VERSION, buildCommit } from ${JSON.stringify(pathToFileURL(file).href)};
console.log(BUILD_VERSION, buildCommit());`;
  const { code, stdout, stderr } = await runProcess(process.execPath, ["--input-type=module", "-e", script]);
  assert.equal(code, 0, stderr.join("\n"));
  return stdout;
}

function git(cwd: string, ...args: string[]): string {
  const identity = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"];
  return execFileSync("git", [...identity, ...args], { cwd, encoding: "utf8" }).trim();
}

test("sources outside any git repository know their version but not their commit", async () => {
  assert.deepEqual(await ask(copyInto(path.join(work, "plain"))), ["9.8.7 unknown"]);
});

test("sources inside someone else's repository do not take its commit", {
  skip: !hasGit && "no git",
}, async () => {
  const outer = path.join(work, "outer");
  const file = copyInto(path.join(outer, "vendor", "destination"));
  git(outer, "init", "-q");
  git(outer, "add", ".");
  git(outer, "commit", "-q", "-m", "outer");
  assert.deepEqual(await ask(file), ["9.8.7 unknown"]);
});

test("a checkout of its own gives the commit, as git rev-parse shortens it", {
  skip: !hasGit && "no git",
}, async () => {
  const clone = path.join(work, "clone");
  const file = copyInto(clone);
  git(clone, "init", "-q");
  git(clone, "add", ".");
  git(clone, "commit", "-q", "-m", "own");
  const head = git(clone, "rev-parse", "--short=12", "HEAD");
  assert.match(head, /^[0-9a-f]{12}$/);
  assert.deepEqual(await ask(file), [`9.8.7 ${head}`]);
});
