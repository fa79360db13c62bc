/** Entry point: `npm start`, `node src/main.ts [options]`, or the `cratedb-fivetran-destination` bin. */
import { runCli } from "./cli/run.ts";

await runCli(process.argv.slice(2), process.env);
