/**
 * A prepare thread: reads a step's files and prepares each chunk (prepare.ts) — decrypt,
 * decompress, parse, convert, fold, serialize — and posts the result: keys, statements, arg sets as
 * JSON bytes. The call's thread is left with ordering and HTTP. Started by prepare-thread.ts with
 * a PrepareJob as `workerData`; runs as soon as it is loaded, so nothing else imports it.
 *
 * It posts at most `credit` chunks ahead of what the call took, so a slow CrateDB holds back the
 * reading here as it does on the call's thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { readBatchFile } from "../../batch/index.ts";
import { chunkPreparer } from "./prepare.ts";
import {
  type FromPrepareThread,
  type PrepareThreadData,
  type ToPrepareThread,
  toWire,
} from "./prepare-protocol.ts";

const port = parentPort;
if (port === null) throw new Error("prepare-worker.ts runs only as a worker thread");
const job = workerData as PrepareThreadData;

let credit = job.credit;
let granted: (() => void) | undefined;
port.on("message", (message: ToPrepareThread) => {
  if (message.type === "more") {
    credit++;
    granted?.();
  }
});

const post = (message: FromPrepareThread): void => port.postMessage(message);

async function prepareAll(): Promise<void> {
  const prepare = chunkPreparer(job.plan);
  for (let file = 0; file < job.paths.length; file++) {
    const path = job.paths[file]!;
    for await (const chunk of readBatchFile(path, job.read)) {
      const prepared = prepare(path, chunk);
      while (credit === 0) await new Promise<void>((resolve) => (granted = resolve));
      credit--;
      post({ type: "chunk", file, chunk: prepared });
    }
  }
  post({ type: "done", cpuMicros: cpuMicros() });
}

function cpuMicros(): number {
  const { user, system } = process.threadCpuUsage();
  return user + system;
}

prepareAll().catch((error: unknown) =>
  post({ type: "failed", error: toWire(error), cpuMicros: cpuMicros() }),
);
