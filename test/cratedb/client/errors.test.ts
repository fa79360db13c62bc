import assert from "node:assert/strict";
import { test } from "node:test";
import { classify, type Failure, scrubMessage } from "../../../src/cratedb/errors.ts";
import { ERROR_CODES } from "../../../src/error-codes.ts";

const cases: [Failure, string, string, string][] = [
  [{ type: "response", httpStatus: 401 }, "CRATEDB_AUTH", "user", "never"],
  [{ type: "response", httpStatus: 401, crateCode: 4011 }, "CRATEDB_PRIVILEGE", "user", "never"],
  [{ type: "response", httpStatus: 401, crateCode: 4010 }, "CRATEDB_PRIVILEGE", "user", "never"],
  [
    { type: "response", httpStatus: 400, crateCode: 4000, exception: "ParsingException" },
    "CRATEDB_SQL_SYNTAX",
    "bug",
    "never",
  ],
  [
    { type: "response", httpStatus: 400, crateCode: 4000, exception: "SQLParseException" },
    "CRATEDB_REJECTED",
    "user",
    "never",
  ],
  [{ type: "response", httpStatus: 400, crateCode: 4004 }, "CRATEDB_BAD_STATEMENT", "bug", "never"],
  [{ type: "response", httpStatus: 400, crateCode: 4007 }, "CRATEDB_WRITE_BLOCKED", "user", "never"],
  [{ type: "response", httpStatus: 400, crateCode: 4008 }, "CRATEDB_INVALID_NAME", "user", "never"],
  [{ type: "response", httpStatus: 403, crateCode: 4031 }, "CRATEDB_READ_ONLY", "user", "never"],
  [{ type: "response", httpStatus: 403, crateCode: 4037 }, "CRATEDB_READ_ONLY", "user", "never"],
  [{ type: "response", httpStatus: 404, crateCode: 4041 }, "CRATEDB_UNKNOWN_TABLE", "user", "never"],
  [{ type: "response", httpStatus: 404, crateCode: 4043 }, "CRATEDB_UNKNOWN_COLUMN", "user", "never"],
  [{ type: "response", httpStatus: 404, crateCode: 4045 }, "CRATEDB_UNKNOWN_SCHEMA", "user", "never"],
  [{ type: "response", httpStatus: 404, crateCode: 40411 }, "CRATEDB_DOCUMENT_MISSING", "bug", "never"],
  [{ type: "response", httpStatus: 409, crateCode: 4091 }, "CRATEDB_DUPLICATE_KEY", "bug", "never"],
  [
    { type: "response", httpStatus: 409, crateCode: 4092 },
    "CRATEDB_VERSION_CONFLICT",
    "transient",
    "if-idempotent",
  ],
  [{ type: "response", httpStatus: 409, crateCode: 4093 }, "CRATEDB_TABLE_EXISTS", "bug", "never"],
  [{ type: "response", httpStatus: 429, crateCode: 4290 }, "CRATEDB_OVERLOADED", "transient", "safe"],
  [{ type: "response", httpStatus: 500, crateCode: 5000 }, "CRATEDB_SERVER_ERROR", "bug", "never"],
  [
    { type: "response", httpStatus: 500, crateCode: 5000, exception: "CircuitBreakingException" },
    "CRATEDB_MEMORY",
    "transient",
    "if-idempotent",
  ],
  [
    { type: "response", httpStatus: 500, crateCode: 5000, exception: "EsRejectedExecutionException" },
    "CRATEDB_OVERLOADED",
    "transient",
    "if-idempotent",
  ],
  [
    { type: "response", httpStatus: 500, crateCode: 5002 },
    "CRATEDB_SHARDS_FAILED",
    "transient",
    "if-idempotent",
  ],
  [{ type: "response", httpStatus: 500, crateCode: 5005 }, "CRATEDB_QUERY_KILLED", "transient", "never"],
  [{ type: "response", httpStatus: 503, crateCode: 5030 }, "CRATEDB_UNAVAILABLE", "transient", "safe"],
  [{ type: "response", httpStatus: 503, crateCode: 5035 }, "CRATEDB_UNAVAILABLE", "transient", "safe"],
  [{ type: "response", httpStatus: 503 }, "CRATEDB_UNAVAILABLE", "transient", "safe"],
  [{ type: "response", httpStatus: 502 }, "CRATEDB_GATEWAY", "transient", "if-idempotent"],
  [{ type: "response", httpStatus: 504 }, "CRATEDB_GATEWAY", "transient", "if-idempotent"],
  [{ type: "response", httpStatus: 429 }, "CRATEDB_OVERLOADED", "transient", "safe"],
  [{ type: "response", httpStatus: 413 }, "CRATEDB_REQUEST_TOO_LARGE", "user", "never"],
  [{ type: "response", httpStatus: 400 }, "CRATEDB_BAD_REQUEST", "user", "never"],
  [{ type: "response", httpStatus: 404 }, "CRATEDB_NOT_CRATEDB", "user", "never"],
  [{ type: "network", errorCode: "ECONNREFUSED" }, "CRATEDB_UNREACHABLE", "transient", "safe"],
  [{ type: "network", errorCode: "UND_ERR_CONNECT_TIMEOUT" }, "CRATEDB_UNREACHABLE", "transient", "safe"],
  [{ type: "network", errorCode: "ENOTFOUND" }, "CRATEDB_UNREACHABLE", "transient", "safe"],
  [{ type: "network", errorCode: "ECONNRESET" }, "CRATEDB_CONNECTION_LOST", "transient", "if-idempotent"],
  [{ type: "network", errorCode: "UND_ERR_SOCKET" }, "CRATEDB_CONNECTION_LOST", "transient", "if-idempotent"],
  [
    { type: "network", errorCode: "UND_ERR_HEADERS_TIMEOUT" },
    "CRATEDB_TIMEOUT",
    "transient",
    "if-idempotent",
  ],
  [{ type: "network", errorCode: "DEPTH_ZERO_SELF_SIGNED_CERT" }, "CRATEDB_TLS", "user", "never"],
  [{ type: "network", errorCode: "ERR_TLS_CERT_ALTNAME_INVALID" }, "CRATEDB_TLS", "user", "never"],
  [{ type: "network", errorCode: "ERR_SSL_WRONG_VERSION_NUMBER" }, "CRATEDB_NOT_TLS", "user", "never"],
  [{ type: "network", errorCode: "UND_ERR_ABORTED" }, "CRATEDB_ABORTED", "transient", "never"],
  [{ type: "network", errorCode: "UND_ERR_CLOSED" }, "CRATEDB_CLIENT_CLOSED", "transient", "never"],
];

for (const [failure, code, kind, retry] of cases) {
  const what =
    failure.type === "network"
      ? failure.errorCode
      : `HTTP ${failure.httpStatus}${failure.crateCode ? ` code ${failure.crateCode}` : ""}${failure.exception ? ` ${failure.exception}` : ""}`;
  test(`${what} is ${code}, ${kind}, retried ${retry}`, () => {
    const c = classify(failure);
    assert.deepEqual([c.code, ERROR_CODES[c.code].kind, c.retry], [code, kind, retry]);
  });
}

test("only connection failures and gateway answers take a node out of rotation", () => {
  assert.equal(classify({ type: "network", errorCode: "ECONNREFUSED" }).nodeDown, true);
  assert.equal(classify({ type: "response", httpStatus: 503 }).nodeDown, true);
  assert.ok(!classify({ type: "response", httpStatus: 503, crateCode: 5030 }).nodeDown);
  assert.ok(!classify({ type: "network", errorCode: "ECONNRESET" }).nodeDown);
});

test("a body-parse error never echoes the request body", () => {
  const message =
    'SQLParseException[Can\'t parse [{"stmt":"x","args":["secret-value"],"other":1}]. Expecting payload with `stmt` string and `args` or `bulk_args` arrays]';
  const scrubbed = scrubMessage(message);
  assert.ok(!scrubbed.includes("secret-value"));
  assert.equal(
    scrubbed,
    "SQLParseException[Can't parse [<request body>]. Expecting payload with `stmt` string and `args` or `bulk_args` arrays]",
  );
});

test("cast errors lose the value but keep the type", () => {
  assert.equal(
    scrubMessage("SQLParseException[Cannot cast value `abc-123` to type `integer`]"),
    "SQLParseException[Cannot cast value <value> to type `integer`]",
  );
});

test("document ids, which encode key values, are dropped from engine errors", () => {
  assert.equal(
    scrubMessage("DocumentMissingException[[AgJ6egE1]: document missing]"),
    "DocumentMissingException[<document id>: document missing]",
  );
  assert.equal(
    scrubMessage(
      "VersionConflictEngineException[[42]: version conflict, current version [2] is different than the one provided [1]]",
    ),
    "VersionConflictEngineException[<document id>: version conflict, current version [2] is different than the one provided [1]]",
  );
});

test("NUMERIC overflow and VARCHAR length errors lose the value, however short", () => {
  assert.equal(
    scrubMessage("SQLParseException[Cannot cast '999.995' to numeric(5,2) as it looses precision]"),
    "SQLParseException[Cannot cast <value> to numeric(5,2) as it looses precision]",
  );
  assert.equal(
    scrubMessage("SQLParseException['ab' is too long for the text type of length: 1]"),
    "SQLParseException[<value> is too long for the text type of length: 1]",
  );
});

test("CHECK-constraint and generated-column errors lose the row's values", () => {
  assert.equal(
    scrubMessage(
      'SQLParseException[Failed CONSTRAINT qty_positive CHECK ("qty" > 0) for values: [7, ab, -5]]',
    ),
    'SQLParseException[Failed CONSTRAINT qty_positive CHECK ("qty" > 0) for values: <values>]',
  );
  assert.equal(
    scrubMessage(
      'SQLParseException[Given value 41 for generated column "total" does not match calculation ("qty" * 2) = 14]',
    ),
    'SQLParseException[Given value <value> for generated column "total" does not match calculation <calculation>]',
  );
});

test("values of the request that CrateDB echoes are replaced", () => {
  assert.equal(
    scrubMessage("X[bad thing: customer@example.com here]", ["customer@example.com", 12, "ab"]),
    "X[bad thing: <value> here]",
  );
});

test("very long messages are cut", () => {
  assert.ok(scrubMessage("x".repeat(5000)).length <= 1001);
});
