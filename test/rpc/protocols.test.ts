import assert from "node:assert/strict";
import http2 from "node:http2";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import type * as grpc from "@grpc/grpc-js";
import { BatchFileFormat, DestinationConnector } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { configurationForm } from "../../src/rpc/form.ts";
import { grpcClient, grpcUnary, startTestServer, type TestServer } from "./server-fixture.ts";

const expectedFieldNames = configurationForm().fields!.map((f) => f.name);

describe("one port serves every protocol", () => {
  let t: TestServer;
  let grpcJs: grpc.Client;
  before(async () => {
    t = await startTestServer();
    grpcJs = grpcClient(t.port);
  });
  after(async () => {
    grpcJs.close();
    await t.close();
  });

  test("grpc-js over cleartext HTTP/2 (prior knowledge, like grpc-java) gets the configuration form", async () => {
    const form = await grpcUnary(grpcJs, DestinationConnector.method.configurationForm, {});
    assert.deepEqual(
      form.fields.map((f) => f.name),
      expectedFieldNames,
    );
    assert.equal(form.schemaSelectionSupported, true);
    assert.deepEqual(
      form.tests.map((x) => x.name),
      ["connect", "authenticate", "version", "permissions"],
    );
  });

  test("grpc-js gets CSV as the default batch file format", async () => {
    const caps = await grpcUnary(grpcJs, DestinationConnector.method.capabilities, {});
    assert.equal(caps.batchFileFormat, BatchFileFormat.CSV);
  });

  for (const httpVersion of ["1.1", "2"] as const) {
    for (const useBinaryFormat of [false, true]) {
      test(`a Connect client over HTTP/${httpVersion} with ${useBinaryFormat ? "binary" : "JSON"} messages gets the form`, async () => {
        const client = createClient(
          DestinationConnector,
          createConnectTransport({ baseUrl: t.baseUrl, httpVersion, useBinaryFormat }),
        );
        const form = await client.configurationForm({});
        assert.deepEqual(
          form.fields.map((f) => f.name),
          expectedFieldNames,
        );
      });
    }
  }

  for (const httpVersion of ["1.1", "2"] as const) {
    test(`a gRPC-Web client over HTTP/${httpVersion} gets the capabilities`, async () => {
      const client = createClient(
        DestinationConnector,
        createGrpcWebTransport({ baseUrl: t.baseUrl, httpVersion }),
      );
      assert.equal((await client.capabilities({})).batchFileFormat, BatchFileFormat.CSV);
    });
  }

  test("a plain HTTP/1.1 JSON POST, byte for byte as curl sends it, gets the form as JSON", async () => {
    const raw = await rawHttp(
      t.port,
      "POST /fivetran_sdk.v2.DestinationConnector/ConfigurationForm HTTP/1.1\r\n" +
        `Host: 127.0.0.1:${t.port}\r\n` +
        "User-Agent: curl/7.88.1\r\n" +
        "Accept: */*\r\n" +
        "Content-Type: application/json\r\n" +
        "Content-Length: 2\r\n" +
        "Connection: close\r\n" +
        "\r\n" +
        "{}",
    );
    const [head, body] = splitHttp(raw);
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /\r\ncontent-type: application\/json\r\n/i);
    const json = JSON.parse(body) as { fields: { name: string }[]; schemaSelectionSupported: boolean };
    assert.deepEqual(
      json.fields.map((f) => f.name),
      expectedFieldNames,
    );
    assert.equal(json.schemaSelectionSupported, true);
  });

  test("an HTTP/1.1 request trickled one byte at a time is still recognised", async () => {
    const request =
      "POST /fivetran_sdk.v2.DestinationConnector/Capabilities HTTP/1.1\r\nHost: x\r\n" +
      "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
    const raw = await rawHttp(t.port, request, 1);
    const [head, body] = splitHttp(raw);
    assert.match(head, /^HTTP\/1\.1 200 OK/);
    assert.deepEqual(JSON.parse(body), {});
  });

  test("bytes that are neither HTTP/1.1 nor HTTP/2 get 400 Bad Request", async () => {
    const raw = await rawHttp(t.port, "\x16\x03\x01 not http at all\r\n\r\n");
    assert.match(raw, /^HTTP\/1\.1 400 Bad Request/);
  });

  test("a gRPC message announced above 128 MiB is refused with RESOURCE_EXHAUSTED before its body arrives", async () => {
    const session = http2.connect(t.baseUrl);
    try {
      const stream = session.request({
        ":method": "POST",
        ":path": "/fivetran_sdk.v2.DestinationConnector/WriteBatch",
        "content-type": "application/grpc",
        te: "trailers",
      });
      // Only the 5-byte envelope header: not compressed, length 128 MiB + 1.
      const header = Buffer.alloc(5);
      header.writeUInt32BE(128 * 1024 * 1024 + 1, 1);
      stream.end(header);
      const trailers = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
        stream.on("trailers", resolve);
        stream.on("response", (headers) => {
          if (headers["grpc-status"] !== undefined) resolve(headers); // trailers-only answer
        });
        stream.on("error", reject);
        stream.resume();
      });
      assert.equal(trailers["grpc-status"], "8"); // RESOURCE_EXHAUSTED
    } finally {
      session.close();
    }
  });

  test("an unknown path gets 404 over HTTP/1.1", async () => {
    const raw = await rawHttp(
      t.port,
      "POST /nope.Service/Method HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    );
    assert.match(raw, /^HTTP\/1\.1 404/);
  });
});

describe("error statuses and requests without a configuration", () => {
  let t: TestServer;
  let grpcJs: grpc.Client;
  before(async () => {
    t = await startTestServer({
      handlers: {
        async migrate() {
          throw new ConnectError("Migrate is switched off in this test server", Code.Unimplemented);
        },
      },
    });
    grpcJs = grpcClient(t.port);
  });
  after(async () => {
    grpcJs.close();
    await t.close();
  });

  test("a handler's UNIMPLEMENTED status reaches a gRPC client with its message", async () => {
    await assert.rejects(
      grpcUnary(grpcJs, DestinationConnector.method.migrate, {}),
      (err: grpc.ServiceError) => {
        assert.equal(err.code, 12); // UNIMPLEMENTED
        assert.equal(err.details, "Migrate is switched off in this test server");
        return true;
      },
    );
  });

  // An empty request (no configuration, no table) must never come back as success.
  const methods = [
    ["test", "Test"],
    ["describeTable", "DescribeTable"],
    ["createTable", "CreateTable"],
    ["alterTable", "AlterTable"],
    ["truncate", "Truncate"],
    ["writeBatch", "WriteBatch"],
    ["writeHistoryBatch", "WriteHistoryBatch"],
  ] as const;
  for (const [key, rpc] of methods) {
    test(`${rpc} without a configuration never answers success`, async () => {
      const method = DestinationConnector.method[key] as (typeof DestinationConnector.method)["createTable"];
      try {
        const res = (await grpcUnary(grpcJs, method, {})) as { response: { case: string | undefined } };
        assert.notEqual(res.response.case, "success");
        assert.notEqual(res.response.case, undefined);
      } catch (err) {
        const status = err as grpc.ServiceError;
        assert.notEqual(status.code, 0);
        assert.notEqual(status.code, 12, `${rpc} is implemented`);
      }
    });
  }

  test("the Connect protocol reports UNIMPLEMENTED as code unimplemented", async () => {
    const client = createClient(
      DestinationConnector,
      createConnectTransport({ baseUrl: t.baseUrl, httpVersion: "1.1" }),
    );
    await assert.rejects(client.migrate({}), (err: unknown) => {
      assert.ok(err instanceof ConnectError);
      assert.equal(err.code, Code.Unimplemented);
      return true;
    });
  });
});

test("the batch file format chosen at start is what Capabilities reports", async () => {
  const t = await startTestServer({ batchFileFormat: "parquet" });
  const client = grpcClient(t.port);
  try {
    const caps = await grpcUnary(client, DestinationConnector.method.capabilities, {});
    assert.equal(caps.batchFileFormat, BatchFileFormat.PARQUET);
  } finally {
    client.close();
    await t.close();
  }
});

/** Writes `request` on a fresh connection (optionally `chunk` bytes at a time) and returns all bytes read. */
export async function rawHttp(port: number, request: string, chunk?: number): Promise<string> {
  const socket = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const received: Buffer[] = [];
  socket.on("data", (b: Buffer) => received.push(b));
  const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const bytes = Buffer.from(request, "latin1");
  if (chunk === undefined) {
    socket.write(bytes);
  } else {
    for (let i = 0; i < bytes.length; i += chunk) {
      socket.write(bytes.subarray(i, i + chunk));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await ended;
  return Buffer.concat(received).toString("utf8");
}

function splitHttp(raw: string): [string, string] {
  const at = raw.indexOf("\r\n\r\n");
  return [raw.slice(0, at + 2), raw.slice(at + 4)];
}
