/**
 * The setup form Fivetran shows the user, and the connection tests it runs: defined here once.
 * Field names are the keys of the `configuration` map on every request; src/rpc/config.ts parses
 * and validates them into a typed config (defaults and ranges live there, next to the parsing).
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  type ConfigurationFormResponseSchema,
  type FormFieldSchema,
  TextField,
} from "../../gen/fivetran_sdk/v2/common_pb.ts";

type FormFieldInit = MessageInitShape<typeof FormFieldSchema>;

/** Configuration keys, shared by the form and the parser. */
export const FIELD = {
  url: "url",
  username: "username",
  password: "password",
  verifyTls: "verify_tls",
  caCertificate: "ca_certificate",
  advanced: "advanced",
  requestBytes: "chunk_bytes",
  concurrency: "request_concurrency",
  connectTimeout: "connect_timeout_seconds",
  requestTimeout: "request_timeout_seconds",
  compressRequests: "compress_requests",
  shards: "number_of_shards",
  replicas: "number_of_replicas",
  refreshInterval: "refresh_interval_ms",
} as const;

/** Connection test names, run by Fivetran in this order. */
export const TEST = {
  connect: "connect",
  authenticate: "authenticate",
  version: "version",
  permissions: "permissions",
} as const;

const text = (
  name: string,
  label: string,
  description: string,
  extra: Partial<FormFieldInit> = {},
): FormFieldInit => ({
  name,
  label,
  description,
  required: false,
  type: { case: "textField", value: TextField.PlainText },
  ...extra,
});

const advancedFields: FormFieldInit[] = [
  text(
    FIELD.requestBytes,
    "Request size (bytes)",
    "Largest body of one bulk request sent to CrateDB. Keep it well below the cluster's http.max_content_length (100 MB by default). Default 8388608 (8 MiB); allowed 65536 to 67108864.",
    { placeholder: "8388608" },
  ),
  text(
    FIELD.concurrency,
    "Parallel requests",
    "How many requests one sync keeps in flight to CrateDB at once. Default 4; allowed 1 to 64.",
    { placeholder: "4" },
  ),
  text(
    FIELD.connectTimeout,
    "Connect timeout (seconds)",
    "How long to wait for a TCP/TLS connection to a CrateDB node. Default 10; allowed 1 to 300.",
    { placeholder: "10" },
  ),
  text(
    FIELD.requestTimeout,
    "Request timeout (seconds)",
    "How long one SQL request may run before it is abandoned. Table rebuilds copy whole tables, so keep it generous. Default 600; allowed 5 to 86400.",
    { placeholder: "600" },
  ),
  {
    name: FIELD.compressRequests,
    label: "Compress requests",
    description:
      "Send request bodies of 8 KiB and more gzip-compressed (level 1, typically 5–10× smaller, little CPU). Turn off only if something between the destination and CrateDB cannot pass compressed bodies.",
    required: false,
    defaultValue: "true",
    type: { case: "toggleField", value: {} },
  },
  text(
    FIELD.shards,
    "Shards per new table",
    "CLUSTERED INTO n SHARDS for tables this destination creates. Empty: CrateDB's default. Allowed 1 to 1000.",
  ),
  text(
    FIELD.replicas,
    "Replicas per new table",
    "number_of_replicas for tables this destination creates, a number or a range such as 0-1. Empty: CrateDB's default (0-1).",
  ),
  text(
    FIELD.refreshInterval,
    "Refresh interval (ms)",
    "refresh_interval for tables this destination creates. The destination refreshes explicitly where it must, so this only affects how soon other readers see new rows. Empty: CrateDB's default (1000); allowed 0 (no periodic refresh) to 3600000.",
  ),
];

const fields: FormFieldInit[] = [
  text(
    FIELD.url,
    "CrateDB URL",
    "HTTP(S) address of your CrateDB cluster, e.g. https://my-cluster.eks1.eu-west-1.aws.cratedb.net:4200. List several nodes of one cluster separated by commas. Without a scheme, https:// and port 4200 are assumed. A SQLAlchemy-style URL (crate://user:password@host:4200?ssl=true) is accepted too.",
    { required: true, placeholder: "https://my-cluster.eks1.eu-west-1.aws.cratedb.net:4200" },
  ),
  text(
    FIELD.username,
    "Username",
    "CrateDB user the destination connects as. It needs the DQL, DML and DDL privileges at cluster level, because Fivetran creates a schema per connector (GRANT DQL, DML, DDL TO <user>).",
    { defaultValue: "crate", placeholder: "crate" },
  ),
  {
    name: FIELD.password,
    label: "Password",
    description: "Password of that user. Leave empty for a user without a password.",
    required: false,
    type: { case: "textField", value: TextField.Password },
  },
  {
    name: FIELD.verifyTls,
    label: "Verify TLS certificate",
    description:
      "Check the server's certificate on https:// URLs. Turn off only for test clusters with self-signed certificates; every connection then logs a warning.",
    required: false,
    defaultValue: "true",
    type: { case: "toggleField", value: {} },
  },
  {
    name: FIELD.caCertificate,
    label: "CA certificate (optional)",
    description:
      "PEM file of the certificate authority that signed your cluster's certificate, when it is not a public one.",
    required: false,
    type: { case: "uploadField", value: { allowedFileType: [".pem", ".crt"], maxFileSizeBytes: 1_048_576 } },
  },
  {
    name: FIELD.advanced,
    label: "Advanced settings",
    description:
      "Tune request sizes, parallelism, timeouts and the settings of tables the destination creates.",
    required: false,
    defaultValue: "false",
    type: { case: "toggleField", value: {} },
  },
  {
    name: "advanced_settings",
    label: "Advanced settings",
    type: {
      case: "conditionalFields",
      value: {
        condition: { conditionField: FIELD.advanced, visibleWhen: { case: "boolValue", value: true } },
        fields: advancedFields,
      },
    },
  },
];

const tests = [
  { name: TEST.connect, label: "Connecting to every CrateDB node" },
  { name: TEST.authenticate, label: "Signing in" },
  { name: TEST.version, label: "Checking the CrateDB version" },
  { name: TEST.permissions, label: "Checking privileges (create, write, read, alter, drop)" },
];

export function configurationForm(): MessageInitShape<typeof ConfigurationFormResponseSchema> {
  return {
    schemaSelectionSupported: true,
    tableSelectionSupported: true,
    fields,
    tests,
  };
}
