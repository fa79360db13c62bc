import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { createContextValues, type HandlerContext } from "@connectrpc/connect";
import { closeAllClients } from "../../src/cratedb/client/registry.ts";
import { newRequestId, openCall, requestIdKey } from "../../src/rpc/call.ts";

after(() => closeAllClients());

test("statements of an RPC carry its name and the request id of its log line", async () => {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    req.on("end", () => {
      bodies.push(body);
      res.setHeader("content-type", "application/json");
      res.end('{"cols":[],"rows":[[]],"rowcount":1,"duration":0.1}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const id = newRequestId();
    assert.match(id, /^[0-9a-f]{12}$/);
    const values = createContextValues().set(requestIdKey, id);
    const ctx = { method: { name: "CreateTable" }, values } as unknown as HandlerContext;
    const call = openCall({ url: `http://127.0.0.1:${port}`, compress_requests: "false" }, ctx);
    await call.client.sql('REFRESH TABLE "s"."t"');
    assert.equal(bodies.length, 1);
    assert.match(
      JSON.parse(bodies[0]!).stmt,
      new RegExp(`^/\\* fivetran:CreateTable req=${id} q=[0-9a-f]{12} \\*/ REFRESH TABLE "s"\\."t"$`),
    );
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
