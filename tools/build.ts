/**
 * Builds what is shipped, from src/ with esbuild:
 *
 *   node tools/build.ts package            dist/: the npm package's JavaScript (run by `prepack`)
 *   node tools/build.ts exe [--out <dir>]  build/: a Node.js single executable application for
 *                                          this platform and architecture, with a .sha256 file
 *
 * Both embed the version and the git commit (tools/build.ts replaces src/cli/build-info.ts), since
 * neither an installed package nor an executable has a repository to ask. BUILD_COMMIT in the
 * environment names the commit where there is no .git (a container build).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { BUILD_VERSION, buildCommit } from "../src/cli/build-info.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
export const NAME = "cratedb-fivetran-destination";

/** The commit to embed: BUILD_COMMIT if given (12 hex digits of it), else git's, else "unknown". */
export function commitToEmbed(): string {
  const given = process.env["BUILD_COMMIT"]?.trim();
  if (given) return /^[0-9a-f]{13,}$/i.test(given) ? given.slice(0, 12).toLowerCase() : given;
  return buildCommit();
}

/** Replaces src/cli/build-info.ts by fixed values; fails the build if that module was never seen. */
function buildInfo(commit: string): { plugin: esbuild.Plugin; used: () => boolean } {
  let used = false;
  const plugin: esbuild.Plugin = {
    name: "build-info",
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]cli[\\/]build-info\.ts$/ }, () => {
        used = true;
        return {
          loader: "ts",
          contents:
            `export const BUILD_VERSION: string = ${JSON.stringify(BUILD_VERSION)};\n` +
            `export function buildCommit(): string { return ${JSON.stringify(commit)}; }\n`,
        };
      });
    },
  };
  return { plugin, used: () => used };
}

const common = {
  entryPoints: { main: path.join(root, "src", "main.ts") },
  bundle: true,
  platform: "node",
  target: "node24",
  // Readable output: stack traces in logged SEVERE causes name real functions.
  minify: false,
  keepNames: true,
  legalComments: "inline",
  logLevel: "warning",
} as const satisfies esbuild.BuildOptions;

/**
 * Replaces src/ops/write/worker-script.ts, which finds the prepare thread's code beside itself in
 * src/: `body` is the replacement's function body.
 */
function workerScript(body: string): esbuild.Plugin {
  return {
    name: "worker-script",
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]ops[\\/]write[\\/]worker-script\.ts$/ }, () => ({
        loader: "ts",
        contents:
          "export type WorkerScript = { readonly url: URL } | { readonly code: string };\n" +
          `export function prepareWorkerScript(): WorkerScript {\n${body}\n}\n`,
      }));
    },
  };
}

const PREPARE_WORKER = path.join(root, "src", "ops", "write", "prepare-worker.ts");

async function bundle(options: esbuild.BuildOptions, commit: string, needsBuildInfo = true): Promise<void> {
  const info = buildInfo(commit);
  const result = await esbuild.build({
    ...common,
    ...options,
    plugins: [info.plugin, ...(options.plugins ?? [])],
  });
  if (result.warnings.length > 0)
    throw new Error(`esbuild warned ${result.warnings.length} time(s); see above`);
  if (needsBuildInfo && !info.used())
    throw new Error("src/cli/build-info.ts was not bundled: version and commit would be wrong");
}

/**
 * The npm package: src/ and gen/ as ES modules, dependencies left to npm. Split at the dynamic
 * imports, so `health` and `--version` load neither the server nor its dependencies.
 */
export async function buildPackage(outdir = path.join(root, "dist")): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await bundle(
    {
      entryPoints: { ...common.entryPoints, "prepare-worker": PREPARE_WORKER },
      outdir,
      format: "esm",
      splitting: true,
      packages: "external",
      chunkNames: "chunks/[name]-[hash]",
      plugins: [
        // dist/prepare-worker.js, seen from dist/ or dist/chunks/, wherever esbuild put this module.
        workerScript(
          "  const inChunks = /[\\\\/]chunks[\\\\/][^\\\\/]*$/.test(import.meta.url);\n" +
            '  return { url: new URL(inChunks ? "../prepare-worker.js" : "./prepare-worker.js", import.meta.url) };',
        ),
      ],
    },
    commitToEmbed(),
  );
}

const WASM_ASSET = "parquet_wasm_bg.wasm";
const WORKER_ASSET = "prepare-worker.cjs";

/**
 * parquet-wasm's Node build reads its .wasm file next to itself; inside the executable it is a SEA
 * asset instead. The two replaced lines are matched exactly, so an upgrade that changes them fails
 * the build rather than the first Parquet batch.
 */
const parquetWasmFromAsset: esbuild.Plugin = {
  name: "parquet-wasm-asset",
  setup(build) {
    build.onLoad({ filter: /[\\/]parquet-wasm[\\/]node[\\/]parquet_wasm\.js$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      // The source's own template literal, matched as text.
      const reading =
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder is the text looked for
        "const wasmPath = `${__dirname}/parquet_wasm_bg.wasm`;\n" +
        "const wasmBytes = require('fs').readFileSync(wasmPath);\n";
      if (!text.includes(reading)) throw new Error(`${args.path} no longer reads its .wasm file as expected`);
      return {
        loader: "js",
        contents: text.replace(
          reading,
          `const wasmBytes = require("node:sea").getAsset(${JSON.stringify(WASM_ASSET)});\n`,
        ),
      };
    });
  },
};

/** Runs a build step quietly; its output is shown only when it fails. */
function run(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.error?.message ?? `status ${result.status}`}):\n${result.stdout}${result.stderr}`,
    );
}

export function exeName(platform = process.platform, arch = process.arch): string {
  const os = platform === "darwin" ? "macos" : platform === "win32" ? "windows" : platform;
  return `${NAME}-${os}-${arch}${platform === "win32" ? ".exe" : ""}`;
}

/**
 * A single executable application (https://nodejs.org/api/single-executable-applications.html) for
 * the platform this runs on: the running Node binary with one CommonJS bundle and the Parquet
 * reader's WebAssembly injected. Node 24 has no `--build-sea` yet, so: bundle, prepare the blob with
 * `--experimental-sea-config`, copy the binary, inject with postject, re-sign on macOS.
 */
export async function buildExe(outdir = path.join(root, "build")): Promise<{ file: string; sha256: string }> {
  const work = path.join(outdir, "sea");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const main = path.join(work, "main.cjs");
  // CommonJS: Node 24 runs a SEA's main script only as CommonJS.
  await bundle(
    {
      outfile: main,
      format: "cjs",
      plugins: [
        parquetWasmFromAsset,
        // The executable has no files beside it: the prepare thread's code is an asset, run with `eval`.
        workerScript(
          `  return { code: require("node:sea").getAsset(${JSON.stringify(WORKER_ASSET)}, "utf8") };`,
        ),
      ],
    },
    commitToEmbed(),
  );
  const worker = path.join(work, WORKER_ASSET);
  await bundle(
    { entryPoints: [PREPARE_WORKER], outfile: worker, format: "cjs", plugins: [parquetWasmFromAsset] },
    commitToEmbed(),
    false,
  );

  const blob = path.join(work, "sea.blob");
  const config = path.join(work, "sea-config.json");
  writeFileSync(
    config,
    JSON.stringify({
      main,
      output: blob,
      disableExperimentalSEAWarning: true,
      // V8's compiled code for the bundle: faster start-up, only valid for this Node binary.
      useCodeCache: true,
      // V8 sizes the young generation by the machine's memory: up to 134 MB of it on a 24 GB
      // machine, most of a WriteBatch's peak. 16 MB semi-spaces cost no throughput in
      // \`npm run bench\` and keep a 100 MB batch near 265 MB resident (docs/benchmarks.md).
      execArgv: ["--max-semi-space-size=16"],
      assets: {
        [WASM_ASSET]: require.resolve(`parquet-wasm/node/${WASM_ASSET}`),
        [WORKER_ASSET]: worker,
      },
    }),
  );
  run(process.execPath, ["--experimental-sea-config", config]);

  const file = path.join(outdir, exeName());
  rmSync(file, { force: true });
  copyFileSync(process.execPath, file);
  chmodSync(file, 0o755);
  if (process.platform === "darwin") run("codesign", ["--remove-signature", file]);
  // postject's ELF library warns about note sections it doesn't know; the result is fine.
  run(process.execPath, [
    require.resolve("postject/dist/cli.js"),
    file,
    "NODE_SEA_BLOB",
    blob,
    "--sentinel-fuse",
    "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2",
    ...(process.platform === "darwin" ? ["--macho-segment-name", "NODE_SEA"] : []),
  ]);
  if (process.platform === "darwin") run("codesign", ["--sign", "-", file]);

  const sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
  // The format of `sha256sum`, so `sha256sum -c <name>.sha256` checks it.
  writeFileSync(`${file}.sha256`, `${sha256}  ${path.basename(file)}\n`);
  rmSync(work, { recursive: true, force: true });
  return { file, sha256 };
}

if (import.meta.main) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { out: { type: "string" } },
  });
  const out = values.out === undefined ? undefined : path.resolve(values.out);
  if (positionals[0] === "package" && positionals.length === 1) {
    await buildPackage(out);
  } else if (positionals[0] === "exe" && positionals.length === 1) {
    const { file, sha256 } = await buildExe(out);
    const shown = path.relative(process.cwd(), file);
    process.stdout.write(`${shown.startsWith("..") ? file : shown}\nsha256 ${sha256}\n`);
  } else {
    process.stderr.write("usage: node tools/build.ts package|exe [--out <dir>]\n");
    process.exitCode = 2;
  }
}
