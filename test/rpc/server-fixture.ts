/** Starts the real server on a free loopback port for one test file, and clients that talk to it. */
import {
  create,
  type DescMessage,
  type DescMethodUnary,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { setLogSink } from "../../src/log.ts";
import { type RunningServer, type ServerOptions, startServer } from "../../src/rpc/server.ts";

export interface TestServer {
  readonly server: RunningServer;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** Log lines written while the server ran, parsed. */
  readonly logs: { level: string; message: string }[];
  close(): Promise<void>;
}

export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const logs: { level: string; message: string }[] = [];
  const previousSink = setLogSink((line) => logs.push(JSON.parse(line)));
  const server = await startServer({
    port: 0,
    host: "127.0.0.1",
    maxWorkers: 4,
    batchFileFormat: "csv",
    shutdownTimeoutMs: 1_000,
    ...options,
  });
  return {
    server,
    port: server.port,
    baseUrl: `http://127.0.0.1:${server.port}`,
    logs,
    async close() {
      await server.shutdown();
      setLogSink(previousSink);
    },
  };
}

export function grpcClient(port: number, host = "127.0.0.1"): grpc.Client {
  const address = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return new grpc.Client(address, grpc.credentials.createInsecure());
}

/** A unary call through grpc-js, (de)serialised with protobuf-es (no proto-loader). */
export function grpcUnary<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  method: DescMethodUnary<I, O>,
  input: MessageInitShape<I>,
): Promise<MessageShape<O>> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      `/${method.parent.typeName}/${method.name}`,
      (message: MessageShape<I>) => Buffer.from(toBinary(method.input, message)),
      (bytes: Buffer) => fromBinary(method.output, bytes),
      create(method.input, input),
      (err, value) => (err ? reject(err) : resolve(value!)),
    );
  });
}

/** Resolves once `condition` holds, checking every few milliseconds (the test's own timeout bounds it). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}
