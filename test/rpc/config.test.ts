import assert from "node:assert/strict";
import { test } from "node:test";
import { DestinationError } from "../../src/errors.ts";
import { parseConfiguration } from "../../src/rpc/config.ts";

// A self-signed test certificate (public, no key needed).
const PEM = `-----BEGIN CERTIFICATE-----
MIIBiTCCAS+gAwIBAgIUS8RUjl0bXnVK5sMeU6KdawRMiUUwCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOY29uZmlnLXRlc3QtY2EwIBcNMjYxMTI0MDc1MDA5WhgPMjEy
NjEwMzEwNzUwMDlaMBkxFzAVBgNVBAMMDmNvbmZpZy10ZXN0LWNhMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEofbMXtJ3OFvoHcdiY0T4sGvREZwLKLg3ppn4F/ac
FnjZFmqxq89oy9FCqOmpHGQG39+QatnJgn7wPE8vKgbkwKNTMFEwHQYDVR0OBBYE
FNT5cOB6PcK+0x+2C8DnDzwifEUHMB8GA1UdIwQYMBaAFNT5cOB6PcK+0x+2C8Dn
DzwifEUHMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAJl43+p5
N68LDDpFGt10iHSv96cKWQFyRcrLbHv9mXh9AiAMfnelBk3XShPDZ+rm0iwOsgSZ
R0dux7X7Dk4hRD1BWQ==
-----END CERTIFICATE-----
`;

function configError(configuration: Record<string, string>): DestinationError {
  try {
    parseConfiguration(configuration);
  } catch (error) {
    assert.ok(error instanceof DestinationError);
    assert.equal(error.code, "CONFIG_INVALID");
    assert.equal(error.kind, "user");
    return error;
  }
  assert.fail("expected a configuration error");
}

test("a plain https URL with defaults gives the default client and no table settings", () => {
  const config = parseConfiguration({ url: "https://db.example.com:4200" });
  assert.deepEqual(config, {
    client: {
      urls: ["https://db.example.com:4200"],
      username: "crate",
      password: "",
      verifyTls: true,
      requestBytes: 8388608,
      concurrency: 4,
      connectTimeoutMs: 10000,
      requestTimeoutMs: 600000,
      compressRequests: true,
    },
    tables: {},
  });
});

test("several comma-separated nodes are kept in order; a missing scheme means https on port 4200", () => {
  const { client } = parseConfiguration({ url: " https://a:4200/ , b , http://c:4201/crate/ " });
  assert.deepEqual(client.urls, ["https://a:4200", "https://b:4200", "http://c:4201/crate"]);
});

test("an explicit scheme without a port keeps the scheme's standard port", () => {
  assert.deepEqual(parseConfiguration({ url: "https://proxy.example.com" }).client.urls, [
    "https://proxy.example.com",
  ]);
});

test("a SQLAlchemy URL gives nodes, TLS and credentials", () => {
  const { client } = parseConfiguration({ url: "crate://admin:p%40ss@h1:4200,h2?ssl=true" });
  assert.deepEqual(client.urls, ["https://h1:4200", "https://h2:4200"]);
  assert.equal(client.username, "admin");
  assert.equal(client.password, "p@ss");
});

test("a SQLAlchemy URL without ssl=true uses http", () => {
  const { client } = parseConfiguration({ url: "crate://localhost:4200" });
  assert.deepEqual(client.urls, ["http://localhost:4200"]);
  assert.equal(client.username, "crate");
});

test("the username and password fields win over credentials in the URL", () => {
  const { client } = parseConfiguration({
    url: "https://urluser:urlpass@db:4200",
    username: "fivetran",
    password: "fieldpass",
  });
  assert.deepEqual(
    [client.urls, client.username, client.password],
    [["https://db:4200"], "fivetran", "fieldpass"],
  );
});

test("credentials in the URL are used when the fields are empty", () => {
  const { client } = parseConfiguration({ url: "https://u:pw@db:4200", username: "", password: "" });
  assert.deepEqual([client.username, client.password], ["u", "pw"]);
});

test("a missing or malformed URL names the field without repeating it", () => {
  assert.match(configError({}).message, /CrateDB URL \(url\) is required/);
  const error = configError({ url: "https://user:topsecret@exa mple:4200" });
  assert.match(error.message, /CrateDB URL \(url\) is not a valid URL/);
  assert.ok(!error.message.includes("topsecret"));
  assert.match(configError({ url: "ftp://db:4200" }).message, /must use http:\/\/ or https:\/\//);
});

test("a password with URL delimiters inside the URL asks for percent-encoding without repeating it", () => {
  const error = configError({ url: "https://user:top,secret@db:4200" });
  assert.match(error.message, /percent-encode/);
  assert.ok(!error.message.includes("secret"));
});

test("a broken %-escape in URL credentials is a configuration error that does not repeat them", () => {
  for (const url of ["https://user:pw%zzsecret@db:4200", "crate://user%G1:pwsecret@db:4200"]) {
    const error = configError({ url });
    assert.match(error.message, /CrateDB URL \(url\) holds a user or password with an invalid %-escape/);
    assert.ok(!error.message.includes("secret"));
  }
});

test("TLS verification is on by default and accepts common spellings", () => {
  assert.equal(parseConfiguration({ url: "db" }).client.verifyTls, true);
  assert.equal(parseConfiguration({ url: "db", verify_tls: "false" }).client.verifyTls, false);
  assert.equal(parseConfiguration({ url: "db", verify_tls: "TRUE" }).client.verifyTls, true);
  assert.match(
    configError({ url: "db", verify_tls: "maybe" }).message,
    /Verify TLS certificate \(verify_tls\) must be true or false/,
  );
});

test("the CA certificate is accepted base64-encoded (upload field) and as raw PEM", () => {
  const fromBase64 = parseConfiguration({ url: "db", ca_certificate: Buffer.from(PEM).toString("base64") });
  assert.equal(fromBase64.client.caPem, PEM);
  assert.equal(parseConfiguration({ url: "db", ca_certificate: PEM }).client.caPem?.trim(), PEM.trim());
});

test("a DER certificate is converted to PEM", () => {
  const der = Buffer.from(PEM.replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
  const { caPem } = parseConfiguration({ url: "db", ca_certificate: der.toString("base64") }).client;
  assert.match(caPem!, /^-----BEGIN CERTIFICATE-----\n/);
  assert.equal(Buffer.from(caPem!.replace(/-----[A-Z ]+-----|\s/g, ""), "base64").compare(der), 0);
});

test("a CA certificate that is not one is rejected without echoing it", () => {
  const error = configError({
    url: "db",
    ca_certificate: Buffer.from("not a certificate at all").toString("base64"),
  });
  assert.match(error.message, /CA certificate \(ca_certificate\) is not a PEM/);
  assert.ok(!error.message.includes("not a certificate at all"));
});

test("advanced settings are parsed and converted to milliseconds", () => {
  const config = parseConfiguration({
    url: "db",
    advanced: "true",
    chunk_bytes: "1048576",
    request_concurrency: "8",
    connect_timeout_seconds: "5",
    request_timeout_seconds: "120",
    number_of_shards: "6",
    number_of_replicas: "0-1",
    refresh_interval_ms: "0",
    compress_requests: "false",
  });
  assert.deepEqual(
    [
      config.client.requestBytes,
      config.client.concurrency,
      config.client.connectTimeoutMs,
      config.client.requestTimeoutMs,
    ],
    [1048576, 8, 5000, 120000],
  );
  assert.equal(config.client.compressRequests, false);
  assert.deepEqual([config.client.requestBytes], [1048576]);
  assert.deepEqual(config.tables, { shards: 6, replicas: "0-1", refreshIntervalMs: 0 });
});

test("advanced settings are ignored while the advanced section is switched off", () => {
  const config = parseConfiguration({
    url: "db",
    advanced: "false",
    chunk_bytes: "1",
    number_of_shards: "6",
  });
  assert.equal(config.client.requestBytes, 8388608);
  assert.deepEqual(config.tables, {});
});

const outOfRange: [string, string, RegExp][] = [
  [
    "chunk_bytes",
    "1000",
    /Request size \(bytes\) \(chunk_bytes\) must be a whole number from 65536 to 67108864; got "1000"/,
  ],
  [
    "request_concurrency",
    "0",
    /Parallel requests \(request_concurrency\) must be a whole number from 1 to 64/,
  ],
  ["request_concurrency", "2.5", /from 1 to 64; got "2.5"/],
  [
    "connect_timeout_seconds",
    "301",
    /Connect timeout \(seconds\) \(connect_timeout_seconds\) must be a whole number from 1 to 300/,
  ],
  ["request_timeout_seconds", "-1", /from 5 to 86400/],
  [
    "number_of_shards",
    "0",
    /Shards per new table \(number_of_shards\) must be a whole number from 1 to 1000/,
  ],
  ["number_of_replicas", "2-1", /Replicas per new table \(number_of_replicas\) must be a number of replicas/],
  ["number_of_replicas", "all", /must be a number of replicas/],
  ["refresh_interval_ms", "abc", /Refresh interval \(ms\) \(refresh_interval_ms\) must be a whole number/],
];
for (const [key, value, expected] of outOfRange) {
  test(`${key} = "${value}" is rejected naming the field and the allowed values`, () => {
    assert.match(configError({ url: "db", advanced: "true", [key]: value }).message, expected);
  });
}

test("replica ranges CrateDB accepts pass", () => {
  for (const replicas of ["0", "1", "0-1", "1-all", "2-3"]) {
    assert.equal(parseConfiguration({ url: "db", number_of_replicas: replicas }).tables.replicas, replicas);
  }
});

test("different credentials in different node URLs are refused without repeating them", () => {
  const error = configError({ url: "https://a:pw1@n1:4200,https://b:pw2@n2:4200" });
  assert.match(error.message, /holds different credentials for different nodes/);
  assert.ok(!error.message.includes("pw1") && !error.message.includes("pw2"));
});
