/** Child processes of the destination for tests that run it as users do: output by lines, exit, port. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";

export interface Proc {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; detached?: boolean } = {},
): Proc {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    // A process group of its own, to be signalled as a whole (as a terminal's Ctrl-C does).
    detached: options.detached,
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  // By lines; a last line without a newline (curl's output, say) counts once the stream ends.
  const collect = (stream: NodeJS.ReadableStream, into: string[]) => {
    let partial = "";
    stream.on("data", (chunk: Buffer) => {
      const parts = (partial + chunk.toString("utf8")).split("\n");
      partial = parts.pop()!;
      into.push(...parts);
    });
    stream.on("end", () => {
      if (partial !== "") into.push(partial);
    });
  };
  collect(child.stdout!, stdout);
  collect(child.stderr!, stderr);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout, stderr, exit };
}

/** Runs a command to its end: exit code and output lines. */
export async function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<{ code: number | null; stdout: string[]; stderr: string[] }> {
  const p = spawnProcess(command, args, options);
  const { code } = await p.exit;
  // 'exit' can come before the last output; 'close' means the pipes are drained.
  if (p.child.stdout!.readable || p.child.stderr!.readable)
    await new Promise((resolve) => p.child.once("close", resolve));
  return { code, stdout: p.stdout, stderr: p.stderr };
}

/** Waits for the "listening" log line and returns the port it names; fails if the process exits first. */
export async function listeningPort(p: Proc): Promise<number> {
  const found = (): number | undefined => {
    for (const line of p.stdout) {
      let message: unknown;
      try {
        message = (JSON.parse(line) as { message?: unknown }).message;
      } catch {
        continue;
      }
      const m = typeof message === "string" ? /^listening on .*:(\d+) /.exec(message) : null;
      if (m) return Number(m[1]);
    }
    return undefined;
  };
  while (found() === undefined && p.child.exitCode === null && p.child.signalCode === null)
    await new Promise((resolve) => setTimeout(resolve, 5));
  const port = found();
  assert.ok(port !== undefined, `server did not start: ${p.stderr.join("\n")}\n${p.stdout.join("\n")}`);
  return port;
}

/** A TCP port that was free a moment ago, for commands that must be told a port rather than pick one. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
