/**
 * `cratedb-fivetran-destination health`: one grpc.health.v1.Health/Check call to a running server,
 * over gRPC on cleartext HTTP/2 as Fivetran calls it, so a container's HEALTHCHECK needs no tool
 * besides the destination itself. Exit status 0 when the answer is SERVING, 1 for anything else:
 * NOT_SERVING (shutting down), an error status, no answer within the timeout, or no server.
 */
import { ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus as Status } from "../../gen/grpc/health/v1/health_pb.ts";
import type { HealthOptions } from "./args.ts";

/** Where the one line of output goes: the terminal, or a test. */
export interface HealthOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const terminal: HealthOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Resolves to the exit status. */
export async function checkHealth(options: HealthOptions, output: HealthOutput = terminal): Promise<number> {
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const baseUrl = `http://${host}:${options.port}`;
  // An own session manager, so the connection can be closed at once instead of idling on and
  // keeping the process alive after the answer.
  const sessions = new Http2SessionManager(baseUrl);
  try {
    const client = createClient(Health, createGrpcTransport({ baseUrl, sessionManager: sessions }));
    const { status } = await client.check({ service: "" }, { timeoutMs: options.timeoutMs });
    const name = Object.entries(Status).find(([, value]) => value === status)?.[0] ?? `status ${status}`;
    output.stdout(`${name}\n`);
    return status === Status.SERVING ? 0 : 1;
  } catch (err) {
    const reason = err instanceof ConnectError ? err.rawMessage : String(err);
    output.stderr(`cratedb-fivetran-destination health: ${baseUrl}: ${reason}\n`);
    return 1;
  } finally {
    sessions.abort();
  }
}
