/**
 * Every shell command shown in README.md and docs/install.md is accounted for: run here as written
 * (port 50052 swapped for a free one), covered by a named test or by .ci/run, or named as not
 * runnable in this suite and why. A command added to those pages without an entry here fails.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort, listeningPort, type Proc, runProcess, spawnProcess } from "../helpers/process.ts";
import { answersFormAndHealth } from "./served.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const PAGES = ["README.md", "docs/install.md"];

/** The commands of a page's `sh` blocks: continuations joined, `&&` chains split, comments dropped. */
function commandsOf(page: string): string[] {
  const text = readFileSync(path.join(root, page), "utf8");
  const out: string[] = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.replace(/\\\n\s*/g, " ").split("\n")) {
      // A comment starts at a # after whitespace (none of the commands quote one).
      const command = line.replace(/(^|\s)#.*$/, "").trim();
      if (command) out.push(...command.split(/\s+&&\s+/));
    }
  }
  return out;
}

type Check = (command: string) => Promise<void>;
type Entry = readonly [RegExp, { run: Check } | { test: string } | { notHere: string }];

let server: Proc | undefined;
let port = 0;
const withPort = (command: string) => command.replaceAll("50052", String(port));

/** Runs a documented command with the shell, as a reader would paste it. */
async function shell(command: string, env: Record<string, string> = {}): Promise<string> {
  const { code, stdout, stderr } = await runProcess("sh", ["-c", command], { cwd: root, env });
  assert.equal(code, 0, `${command}\n${stderr.join("\n")}`);
  return stdout.join("\n");
}

const hasGrpcurl = spawnSync("sh", ["-c", "command -v grpcurl"]).status === 0;

const ENTRIES: readonly Entry[] = [
  [/^npm ci$/, { test: ".ci/run" }],
  [/^npm test$/, { test: ".ci/run" }],
  [
    /^npm start$/,
    {
      run: async () => {
        // npm runs the server under a shell: signal the group, as Ctrl-C in a terminal does.
        const port = await freePort();
        const p = spawnProcess("npm", ["start"], {
          cwd: root,
          env: { CRATEDB_DESTINATION_PORT: String(port) },
          detached: true,
        });
        const closed = new Promise((resolve) => p.child.stdout!.once("close", resolve));
        try {
          assert.equal(await listeningPort(p), port);
          await answersFormAndHealth(port);
        } finally {
          process.kill(-p.child.pid!, "SIGTERM");
        }
        await closed;
        assert.ok(
          p.stdout.some((line) => line.includes("shutdown complete")),
          p.stdout.join("\n") + p.stderr.join("\n"),
        );
      },
    },
  ],
  [
    /^curl .*\/ConfigurationForm$/,
    {
      run: async (c) => {
        const form = JSON.parse(await shell(withPort(c))) as { fields?: { name: string }[] };
        assert.ok(form.fields?.some((f) => f.name === "url"));
      },
    },
  ],
  [
    /^curl .*\/grpc\.health\.v1\.Health\/Check$/,
    { run: async (c) => assert.equal(await shell(withPort(c)), '{"status":"SERVING"}') },
  ],
  [
    /^npx buf curl .*--list-services/,
    { run: async (c) => assert.match(await shell(withPort(c)), /^fivetran_sdk\.v2\.DestinationConnector$/m) },
  ],
  [
    /^npx buf curl .*\/grpc\.health\.v1\.Health\/Check$/,
    { run: async (c) => assert.equal(JSON.parse(await shell(withPort(c))).status, "SERVING") },
  ],
  [/^npx buf curl .*\/Capabilities$/, { run: async (c) => void JSON.parse(await shell(withPort(c))) }],
  [
    /^grpcurl -plaintext localhost:50052 /,
    hasGrpcurl
      ? { run: async (c) => void (await shell(withPort(c))) }
      : { notHere: "grpcurl is not installed (the README says: if grpcurl is installed)" },
  ],
  [/^docker /, { notHere: "Docker does not run in this suite; the image workflow builds the image" }],
  [
    /^CRATEDB_URL=\S+ npm test$/,
    { notHere: "needs a real CrateDB; the same suite runs here against the simulator" },
  ],
  [/^cratedb-fivetran-destination (--version|health|--port 50052)$/, { test: "test/ship/package.test.ts" }],
  [/^npx cratedb-fivetran-destination --port 50052$/, { test: "test/ship/package.test.ts" }],
  [/^npm install --global cratedb-fivetran-destination$/, { test: "test/ship/package.test.ts" }],
  [/^npm run build:exe$/, { test: "test/ship/executable.test.ts" }],
  [/^(cd build|chmod \+x \S+)$/, { test: "test/ship/executable.test.ts" }],
  [/^sha256sum --check /, { test: "test/ship/executable.test.ts" }],
  [/^\.\/cratedb-fivetran-destination-linux-x64 --port 50052$/, { test: "test/ship/executable.test.ts" }],
];

before(async () => {
  port = await freePort();
  // All interfaces, as documented, so that `localhost` reaches it over IPv6 or IPv4.
  server = spawnProcess(process.execPath, ["src/main.ts", "--port", String(port)], { cwd: root });
  assert.equal(await listeningPort(server), port);
});
after(async () => {
  server?.child.kill("SIGTERM");
  await server?.exit;
});

for (const page of PAGES) {
  describe(page, () => {
    for (const command of commandsOf(page)) {
      const entry = ENTRIES.find(([pattern]) => pattern.test(command));
      const how = entry?.[1];
      const skip = how && "notHere" in how ? how.notHere : false;
      test(command, { skip, timeout: 60_000 }, async () => {
        assert.ok(how, "a documented command that no test runs: run it here or name the test that does");
        if ("run" in how) await how.run(command);
        else if ("test" in how) {
          assert.ok(existsSync(path.join(root, how.test)), how.test);
          if (how.test === ".ci/run")
            assert.ok(readFileSync(path.join(root, ".ci/run"), "utf8").includes(command), command);
        }
      });
    }
  });
}
