/**
 * Standalone simulator for curl sessions: `npm run simulator -- [--port 4200] [--tls]
 * [--version 6.4.3] [--user name:password] [--auto-refresh-ms 1000]`.
 */
import { parseArgs } from "node:util";
import { startSimulator } from "./simulator.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4200" },
    tls: { type: "boolean", default: false },
    version: { type: "string" },
    user: { type: "string", multiple: true },
    "auto-refresh-ms": { type: "string" },
  },
});
const users: Record<string, string> = {};
for (const u of values.user ?? []) {
  const i = u.indexOf(":");
  users[i < 0 ? u : u.slice(0, i)] = i < 0 ? "" : u.slice(i + 1);
}
const sim = await startSimulator({
  port: Number(values.port),
  tls: values.tls,
  users,
  ...(values.version ? { version: values.version } : {}),
  ...(values["auto-refresh-ms"] ? { autoRefreshMs: Number(values["auto-refresh-ms"]) } : {}),
});
process.stdout.write(
  `CrateDB simulator listening on ${sim.url}${sim.httpsUrl ? ` and ${sim.httpsUrl}` : ""}\n`,
);
if (sim.caPem) process.stdout.write(`Certificate (trust it as CA):\n${sim.caPem}`);
const stop = () => void sim.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
