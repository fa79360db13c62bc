/**
 * The command line: parse, then run the server or the health check. Each is imported only when
 * chosen, so `health` (a container health check, run every few seconds) and `--version` don't load
 * the server's dependencies, among them the Parquet reader's 5 MB WebAssembly module.
 */
import { parseCli, UsageError, usage } from "./args.ts";
import { versionFields } from "./version.ts";

/** Exit status for bad flags or values (the shell convention for usage errors). */
export const EXIT_USAGE = 2;

export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  let command: ReturnType<typeof parseCli>;
  try {
    command = parseCli(argv, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`cratedb-fivetran-destination: ${err.message}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  switch (command.kind) {
    case "help":
      process.stdout.write(usage());
      return;
    case "version":
      process.stdout.write(`cratedb-fivetran-destination ${versionFields()}\n`);
      return;
    case "health": {
      const { checkHealth } = await import("./health.ts");
      process.exitCode = await checkHealth(command.options);
      return;
    }
    case "run": {
      const { serve } = await import("./serve.ts");
      await serve(command.options);
      return;
    }
  }
}
