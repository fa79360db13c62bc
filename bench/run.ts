/**
 * `npm run bench:micro`: runs every `*.bench.ts` in this folder (micro benchmarks of single pieces;
 * `npm run bench` is the end-to-end benchmark, bench/harness), each in its own process so one
 * benchmark's heap does not skew the next. Pass names to run only those: `npm run bench:micro decode`.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((name) => f.startsWith(name)))
  .sort();
let failed = false;
for (const script of scripts) {
  process.stdout.write(`\n# ${script}\n`);
  const result = spawnSync(process.execPath, [here + script], { stdio: "inherit" });
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
