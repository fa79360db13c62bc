import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(root, "node_modules", ".bin");

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

test("the committed gen/ is exactly what buf generates from proto/", async () => {
  const out = await mkdtemp(path.join(tmpdir(), "gen-fresh-"));
  try {
    // buf.gen.yaml writes to `gen` relative to --output; protoc-gen-es comes from node_modules/.bin,
    // and no remote plugins or modules are involved, so this needs no network.
    await promisify(execFile)(path.join(bin, "buf"), ["generate", "--output", out], {
      cwd: root,
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` },
    });
    const fresh = path.join(out, "gen");
    const committed = path.join(root, "gen");
    const freshFiles = await listFiles(fresh);
    assert.deepEqual(await listFiles(committed), freshFiles, "the same files");
    assert.ok(freshFiles.length >= 5);
    for (const file of freshFiles) {
      const [a, b] = await Promise.all([
        readFile(path.join(committed, file)),
        readFile(path.join(fresh, file)),
      ]);
      assert.ok(a.equals(b), `${file} differs from a fresh \`npm run generate\``);
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
