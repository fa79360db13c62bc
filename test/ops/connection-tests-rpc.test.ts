import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type * as grpc from "@grpc/grpc-js";
import { DestinationConnector } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { closeAllClients } from "../../src/cratedb/client/registry.ts";
import { endpoint } from "../helpers/cratedb.ts";
import { grpcClient, grpcUnary, startTestServer, type TestServer } from "../rpc/server-fixture.ts";

let server: TestServer;
let client: grpc.Client;
before(async () => {
  server = await startTestServer();
  client = grpcClient(server.port);
});
after(async () => {
  client.close();
  await server.close();
  await closeAllClients();
});

const db = endpoint();
const configuration = { url: db.url, username: db.username, password: db.password };

test("the Test RPC answers success for every listed test against CrateDB", async () => {
  for (const name of ["connect", "authenticate", "version", "permissions"]) {
    const res = await grpcUnary(client, DestinationConnector.method.test, { name, configuration });
    assert.deepEqual(res.response, { case: "success", value: true }, name);
  }
});

test("the Test RPC answers an invalid configuration with a failure naming the field", async () => {
  const res = await grpcUnary(client, DestinationConnector.method.test, {
    name: "connect",
    configuration: { ...configuration, advanced: "true", request_concurrency: "0" },
  });
  assert.deepEqual(res.response, {
    case: "failure",
    value:
      'Configuration: Parallel requests (request_concurrency) must be a whole number from 1 to 64; got "0". Correct that field in the destination\'s setup form in Fivetran.',
  });
});

test("the Test RPC answers a wrong password with a failure, not an error status", async () => {
  const res = await grpcUnary(client, DestinationConnector.method.test, {
    name: "authenticate",
    configuration: { ...configuration, username: "nobody_here", password: "wrong" },
  });
  assert.equal(res.response.case, "failure");
  assert.match(String(res.response.value), /did not accept the credentials of user "nobody_here"/);
});
