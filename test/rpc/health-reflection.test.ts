import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type * as grpc from "@grpc/grpc-js";
import { Health, HealthCheckResponse_ServingStatus as Status } from "../../gen/grpc/health/v1/health_pb.ts";
import * as v1 from "../../gen/grpc/reflection/v1/reflection_pb.ts";
import * as v1alpha from "../../gen/grpc/reflection/v1alpha/reflection_pb.ts";
import { grpcClient, grpcUnary, startTestServer, type TestServer } from "./server-fixture.ts";

type Request = MessageInitShape<typeof v1.ServerReflectionRequestSchema>;

/** Sends each request on one reflection stream (like grpcurl does) and collects the answers. */
function reflect(
  client: grpc.Client,
  version: "v1" | "v1alpha",
  requests: Request[],
): Promise<v1.ServerReflectionResponse[]> {
  const schemas =
    version === "v1"
      ? { req: v1.ServerReflectionRequestSchema, res: v1.ServerReflectionResponseSchema }
      : { req: v1alpha.ServerReflectionRequestSchema, res: v1alpha.ServerReflectionResponseSchema };
  return new Promise((resolve, reject) => {
    const answers: v1.ServerReflectionResponse[] = [];
    const call = client.makeBidiStreamRequest(
      `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
      (m: Request) => Buffer.from(toBinary(schemas.req, create(schemas.req, m as never))),
      // Both versions are wire-identical, so answers are read as v1 for the assertions.
      (b: Buffer) => fromBinary(v1.ServerReflectionResponseSchema, b),
    );
    call.on("data", (m: v1.ServerReflectionResponse) => answers.push(m));
    call.on("error", reject);
    call.on("end", () => resolve(answers));
    for (const r of requests) call.write(r);
    call.end();
  });
}

function fileNames(answer: v1.ServerReflectionResponse | undefined): string[] {
  assert.equal(answer?.messageResponse.case, "fileDescriptorResponse");
  return answer.messageResponse.value.fileDescriptorProto.map(
    (b) => fromBinary(FileDescriptorProtoSchema, b).name,
  );
}

describe("health and reflection", () => {
  let t: TestServer;
  let client: grpc.Client;
  before(async () => {
    t = await startTestServer();
    client = grpcClient(t.port);
  });
  after(async () => {
    client.close();
    await t.close();
  });

  test("health Check reports SERVING for the server and for the destination service", async () => {
    for (const service of ["", "fivetran_sdk.v2.DestinationConnector"]) {
      const res = await grpcUnary(client, Health.method.check, { service });
      assert.equal(res.status, Status.SERVING, service);
    }
  });

  test("health Check of an unknown service fails with NOT_FOUND", async () => {
    await assert.rejects(
      grpcUnary(client, Health.method.check, { service: "no.Such" }),
      (err: grpc.ServiceError) => {
        assert.equal(err.code, 5);
        return true;
      },
    );
  });

  test("health List names the server and the destination service", async () => {
    const res = await grpcUnary(client, Health.method.list, {});
    assert.deepEqual(Object.keys(res.statuses).sort(), ["", "fivetran_sdk.v2.DestinationConnector"]);
    assert.equal(res.statuses[""]?.status, Status.SERVING);
  });

  for (const version of ["v1", "v1alpha"] as const) {
    test(`reflection ${version} lists every service`, async () => {
      const [answer] = await reflect(client, version, [
        { messageRequest: { case: "listServices", value: "" } },
      ]);
      assert.equal(answer?.messageResponse.case, "listServicesResponse");
      assert.deepEqual(
        answer.messageResponse.value.service.map((s) => s.name),
        [
          "fivetran_sdk.v2.DestinationConnector",
          "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection",
          "grpc.reflection.v1alpha.ServerReflection",
        ],
      );
    });

    test(`reflection ${version} answers file_containing_symbol with the file and all its imports`, async () => {
      const answers = await reflect(client, version, [
        { messageRequest: { case: "fileContainingSymbol", value: "fivetran_sdk.v2.DestinationConnector" } },
        {
          messageRequest: {
            case: "fileContainingSymbol",
            value: "fivetran_sdk.v2.DestinationConnector.WriteBatch",
          },
        },
        { messageRequest: { case: "fileContainingSymbol", value: "fivetran_sdk.v2.DataType" } },
      ]);
      const full = [
        "fivetran_sdk/v2/destination_sdk.proto",
        "google/protobuf/timestamp.proto",
        "fivetran_sdk/v2/common.proto",
      ];
      assert.deepEqual(fileNames(answers[0]), full);
      assert.deepEqual(fileNames(answers[1]), full);
      assert.deepEqual(fileNames(answers[2]), [
        "fivetran_sdk/v2/common.proto",
        "google/protobuf/timestamp.proto",
      ]);
    });
  }

  test("reflection returns descriptors a client can rebuild the service from", async () => {
    const [answer] = await reflect(client, "v1", [
      { messageRequest: { case: "fileByFilename", value: "fivetran_sdk/v2/destination_sdk.proto" } },
    ]);
    assert.equal(answer?.messageResponse.case, "fileDescriptorResponse");
    const file = fromBinary(FileDescriptorProtoSchema, answer.messageResponse.value.fileDescriptorProto[0]!);
    assert.equal(file.package, "fivetran_sdk.v2");
    assert.deepEqual(
      file.service[0]?.method.map((m) => m.name),
      [
        "ConfigurationForm",
        "Capabilities",
        "Test",
        "DescribeTable",
        "CreateTable",
        "AlterTable",
        "Truncate",
        "WriteBatch",
        "WriteHistoryBatch",
        "Migrate",
      ],
    );
  });

  test("reflection reports unknown names as NOT_FOUND inside the stream and keeps answering", async () => {
    const answers = await reflect(client, "v1", [
      { messageRequest: { case: "fileContainingSymbol", value: "no.such.Symbol" } },
      { messageRequest: { case: "fileByFilename", value: "no/such.proto" } },
      {
        messageRequest: {
          case: "fileContainingExtension",
          value: { containingType: "x.Y", extensionNumber: 7 },
        },
      },
      { messageRequest: { case: "allExtensionNumbersOfType", value: "fivetran_sdk.v2.Table" } },
    ]);
    assert.equal(answers.length, 4);
    for (const a of answers.slice(0, 3)) {
      assert.equal(a.messageResponse.case, "errorResponse");
      assert.equal(a.messageResponse.value.errorCode, 5);
    }
    assert.equal(answers[3]?.messageResponse.case, "allExtensionNumbersResponse");
    assert.deepEqual(
      answers[3].messageResponse.value,
      create(v1.ExtensionNumberResponseSchema, {
        baseTypeName: "fivetran_sdk.v2.Table",
        extensionNumber: [],
      }),
    );
  });
});
