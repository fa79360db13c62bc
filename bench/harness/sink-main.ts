/** The sink as a process of its own: `node bench/harness/sink-main.ts [port]`; prints `listening <url>`. */
import { startSink } from "./sink.ts";

const sink = await startSink(Number(process.argv[2] ?? 0));
process.stdout.write(`listening ${sink.url}\n`);
const stop = () => void sink.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
