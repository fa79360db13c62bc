/** Entry point: `npm start`, `node src/main.ts [options]`, or the `cratedb-fivetran-destination` bin. */
import { runCli } from "./cli/run.ts";

// No top-level await: this is also the entry of the executable's bundle, which Node 24 runs only
// as CommonJS. A rejection still ends the process with status 1, as an awaited one would.
void runCli(process.argv.slice(2), process.env);
