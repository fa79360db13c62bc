/**
 * Every error the destination reports, in one closed vocabulary: its code, its kind (what
 * Fivetran is told: a Task for `user`, UNAVAILABLE for `transient`, INTERNAL for `bug`;
 * src/rpc/responses.ts) and, for what users can act on, what to do. The hint ends the message
 * unless the place that raises the error knows better advice. docs/errors.md renders this table
 * (`npm run docs:errors`); a test keeps the two in sync.
 */

/**
 * - `user`: the user can fix it (credentials, privileges, rejected names, unusable data) → Task.
 * - `transient`: the environment may heal (node down, overload); retried inside the destination
 *   first, then surfaced as gRPC UNAVAILABLE so Fivetran retries the sync.
 * - `bug`: our invariant broke → gRPC INTERNAL, logged SEVERE.
 */
export type ErrorKind = "user" | "transient" | "bug";

export interface ErrorCodeInfo {
  readonly kind: ErrorKind;
  /** What the user can do; every `user` code has one. */
  readonly hint?: string;
  /** Which part of the destination raises it, for the docs table. */
  readonly area: string;
}

const CONFIG = "configuration";
const TABLES = "tables";
const BATCH = "batch files";
const MIGRATE = "Migrate";
const CRATEDB = "CrateDB";

export const ERROR_CODES = {
  CONFIG_INVALID: {
    area: CONFIG,
    kind: "user",
    hint: "Correct that field in the destination's setup form in Fivetran.",
  },
  FILE_PARAMS_UNSUPPORTED: {
    area: CONFIG,
    kind: "user",
    hint: "Update the destination to a version that reads what Fivetran sends.",
  },
  RESERVED_SCHEMA: {
    area: CONFIG,
    kind: "user",
    hint: "Choose another destination schema name for the connector in Fivetran.",
  },

  INVALID_NAME: {
    area: TABLES,
    kind: "user",
    hint: "Rename the table or column at the source, or exclude it from the sync in Fivetran.",
  },
  INVALID_TYPE: {
    area: TABLES,
    kind: "user",
    hint: "Change the column's type at the source, or exclude the column from the sync in Fivetran.",
  },
  TABLE_MISSING: {
    area: TABLES,
    kind: "user",
    hint: "It may have been dropped outside Fivetran; re-sync the table in Fivetran to recreate it.",
  },
  TABLE_EXISTS: {
    area: TABLES,
    kind: "user",
    hint: "Drop or rename the existing table, or choose another destination schema, so Fivetran can create it.",
  },
  TABLE_IS_VIEW: {
    area: TABLES,
    kind: "user",
    hint: "Drop or rename the view so Fivetran can manage a table of that name.",
  },
  TABLE_WRITE_BLOCKED: {
    area: TABLES,
    kind: "user",
    hint: 'Reset the block (ALTER TABLE … RESET ("blocks.write", "blocks.read_only_allow_delete")) so Fivetran can change the table.',
  },
  TABLE_WITHOUT_KEY: {
    area: TABLES,
    kind: "user",
    hint: 'Fivetran tables always have a primary key (or "_fivetran_id"); re-sync the table in Fivetran.',
  },
  TABLE_NOT_HISTORY: {
    area: TABLES,
    kind: "user",
    hint: "Re-sync the table in Fivetran so it is created in history mode.",
  },
  TABLE_CHANGING: { area: TABLES, kind: "transient" },
  ALTER_REFUSED: {
    area: TABLES,
    kind: "user",
    hint: "Fix or remove those values in CrateDB, or revert the type change at the source.",
  },
  ALTER_VERIFY_FAILED: {
    area: TABLES,
    kind: "user",
    hint: "Either another writer changed rows meanwhile, or some values don't convert; check them and retry the sync.",
  },
  ALTER_REBUILD_MISMATCH: {
    area: TABLES,
    kind: "user",
    hint: "Remove the duplicate rows or revert the key change at the source.",
  },

  BATCH_BAD_PATH: {
    area: BATCH,
    kind: "user",
    hint: "Check where Fivetran writes batch files and that the destination runs beside it.",
  },
  BATCH_FILE_NOT_ALLOWED: {
    area: BATCH,
    kind: "user",
    hint: "Add the directory Fivetran writes batch files to to --batch-file-dirs.",
  },
  BATCH_FILE_UNREADABLE: {
    area: BATCH,
    kind: "user",
    hint: "Check that the file exists and that the destination's user may read it.",
  },
  BATCH_NOT_A_FILE: {
    area: BATCH,
    kind: "user",
    hint: "Batch files are regular files; check the path Fivetran sent.",
  },
  BATCH_FILE_STALLED: {
    area: BATCH,
    kind: "user",
    hint: "Check the file system the batch files live on (a hung network mount?), or raise --batch-file-stall-timeout.",
  },
  BATCH_KEY_MISSING: {
    area: BATCH,
    kind: "user",
    hint: "Fivetran sends a key for every encrypted file; retry the sync.",
  },
  BATCH_KEY_INVALID: {
    area: BATCH,
    kind: "user",
    hint: "Fivetran sends a 32-byte AES key for every encrypted file; retry the sync.",
  },
  BATCH_DECRYPT_FAILED: {
    area: BATCH,
    kind: "user",
    hint: "The file does not decrypt with its key: it was changed or truncated after Fivetran wrote it; retry the sync.",
  },
  BATCH_BAD_PADDING: {
    area: BATCH,
    kind: "user",
    hint: "The file does not decrypt with its key: it was changed or truncated after Fivetran wrote it; retry the sync.",
  },
  BATCH_TRUNCATED: {
    area: BATCH,
    kind: "user",
    hint: "The file ends early: it was cut short after Fivetran wrote it; retry the sync.",
  },
  BATCH_CORRUPT_COMPRESSED: {
    area: BATCH,
    kind: "user",
    hint: "The file does not decompress as the request says it is compressed; retry the sync.",
  },
  BATCH_MALFORMED_CSV: {
    area: BATCH,
    kind: "user",
    hint: "The file is not CSV as Fivetran writes it; retry the sync, and check the batch file format (--batch-file-format).",
  },
  BATCH_RAGGED_ROW: {
    area: BATCH,
    kind: "user",
    hint: "The row does not have as many fields as the header; retry the sync.",
  },
  BATCH_UNKNOWN_COLUMN: {
    area: BATCH,
    kind: "user",
    hint: "The file has a column the request's table does not; retry the sync.",
  },
  BATCH_DUPLICATE_COLUMN: {
    area: BATCH,
    kind: "user",
    hint: "The file names a column twice; retry the sync.",
  },
  BATCH_MISSING_COLUMN: {
    area: BATCH,
    kind: "user",
    hint: "Every batch file carries the full key and _fivetran_synced; retry the sync.",
  },
  BATCH_BAD_VALUE: {
    area: BATCH,
    kind: "user",
    hint: "The source sent a value the column's type can't hold in CrateDB; correct it at the source or change the column's type (docs/type-mapping.md).",
  },
  BATCH_BAD_ROW: {
    area: BATCH,
    kind: "user",
    hint: "A key column or a replace row holds a marker where a value belongs; retry the sync.",
  },
  BATCH_BAD_PARQUET: {
    area: BATCH,
    kind: "user",
    hint: "The file is not Parquet as Fivetran writes it; retry the sync, and check the batch file format (--batch-file-format).",
  },
  BATCH_TOO_LARGE: {
    area: BATCH,
    kind: "user",
    hint: "A Parquet batch file is read whole; switch to CSV (--batch-file-format csv), which is streamed.",
  },
  BATCH_FIELD_TOO_LARGE: {
    area: BATCH,
    kind: "user",
    hint: "Raise --max-field-bytes if such values are expected, or exclude the column from the sync.",
  },
  BATCH_ROW_TOO_LARGE: {
    area: BATCH,
    kind: "user",
    hint: "Raise --max-row-bytes if such rows are expected, or exclude large columns from the sync.",
  },
  WRITE_COLUMN_MISSING: { area: BATCH, kind: "bug" },
  WRITE_UNRESOLVED_VALUE: { area: BATCH, kind: "bug" },
  WRITE_PREPARE_THREAD_STOPPED: {
    area: BATCH,
    kind: "transient",
    hint: "The sync is retried. If it happens again, start the destination with --prepare-threads 0 (or more memory) and report it.",
  },

  MIGRATE_KEEP_LATEST_STUCK: { area: MIGRATE, kind: "bug" },
  MIGRATE_TABLE_MISSING: {
    area: MIGRATE,
    kind: "user",
    hint: "It may have been dropped outside Fivetran; re-sync the table in Fivetran to recreate it.",
  },
  MIGRATE_COLUMN_MISSING: {
    area: MIGRATE,
    kind: "user",
    hint: "It may have been dropped outside Fivetran; re-sync the table in Fivetran.",
  },
  MIGRATE_TARGET_EXISTS: {
    area: MIGRATE,
    kind: "user",
    hint: "Drop or rename what is in the way in CrateDB, then retry the sync.",
  },
  MIGRATE_KEY_COLUMN: {
    area: MIGRATE,
    kind: "user",
    hint: "Primary-key values can't be changed in CrateDB; re-sync the table in Fivetran instead.",
  },
  MIGRATE_NOT_HISTORY: {
    area: MIGRATE,
    kind: "user",
    hint: "The operation applies to history mode tables only; re-sync the table in Fivetran.",
  },
  MIGRATE_HISTORY_CONFLICT: {
    area: MIGRATE,
    kind: "user",
    hint: "Versions newer than the operation's timestamp exist; re-sync the table in Fivetran.",
  },
  MIGRATE_NO_SOURCE_KEY: {
    area: MIGRATE,
    kind: "user",
    hint: "A history mode table needs a source key besides _fivetran_start; re-sync the table in Fivetran.",
  },
  MIGRATE_BAD_SOFT_DELETE_COLUMN: {
    area: MIGRATE,
    kind: "user",
    hint: "Name a BOOLEAN column of the table as the soft-delete column, or none.",
  },
  MIGRATE_BAD_VALUE: {
    area: MIGRATE,
    kind: "user",
    hint: "Correct the value in the schema change at the source.",
  },

  CRATEDB_AUTH: {
    area: CRATEDB,
    kind: "user",
    hint: "Check the username and password, and that CrateDB's host-based authentication (auth.host_based) admits this user over HTTP from this address.",
  },
  CRATEDB_PRIVILEGE: {
    area: CRATEDB,
    kind: "user",
    hint: "Grant the CrateDB user DQL, DML and DDL at cluster level (GRANT DQL, DML, DDL TO <user>), or on every schema Fivetran writes to.",
  },
  CRATEDB_REJECTED: {
    area: CRATEDB,
    kind: "user",
    hint: "CrateDB rejected a value or statement; check the column types and constraints of the table.",
  },
  CRATEDB_INVALID_NAME: {
    area: CRATEDB,
    kind: "user",
    hint: "CrateDB does not accept this table or column name; rename it at the source (docs/alter-table.md lists the rules).",
  },
  CRATEDB_WRITE_BLOCKED: {
    area: CRATEDB,
    kind: "user",
    hint: 'The table does not allow this operation; check its "blocks.*" settings, whether it is closed or a subscribed replica.',
  },
  CRATEDB_READ_ONLY: {
    area: CRATEDB,
    kind: "user",
    hint: "The cluster or table is blocked for writes (read-only node, cluster block, or the disk flood-stage watermark was exceeded); free disk space or lift the block.",
  },
  CRATEDB_UNKNOWN_TABLE: {
    area: CRATEDB,
    kind: "user",
    hint: "The table is missing, or the CrateDB user may not see it (CrateDB hides what a user has no privilege on); check both.",
  },
  CRATEDB_UNKNOWN_COLUMN: {
    area: CRATEDB,
    kind: "user",
    hint: "The column was changed outside Fivetran; re-sync the table in Fivetran.",
  },
  CRATEDB_UNKNOWN_SCHEMA: {
    area: CRATEDB,
    kind: "user",
    hint: "The schema is missing, or the CrateDB user may not see it (CrateDB hides what a user has no privilege on); check both.",
  },
  CRATEDB_NOT_FOUND: {
    area: CRATEDB,
    kind: "user",
    hint: "Something the statement names does not exist (or is hidden from this user); check the table in CrateDB.",
  },
  CRATEDB_BAD_REQUEST: {
    area: CRATEDB,
    kind: "user",
    hint: "Something between the destination and CrateDB refused the request; check the URL (scheme, host, port) and any proxy in between.",
  },
  CRATEDB_REQUEST_TOO_LARGE: {
    area: CRATEDB,
    kind: "user",
    hint: "Lower the request size setting (chunk_bytes) below the cluster's http.max_content_length.",
  },
  CRATEDB_NOT_CRATEDB: {
    area: CRATEDB,
    kind: "user",
    hint: "The URL does not point at a CrateDB HTTP endpoint; check host, port (usually 4200) and path.",
  },
  CRATEDB_NOT_TLS: {
    area: CRATEDB,
    kind: "user",
    hint: "The node does not serve HTTPS on this port: use an http:// URL for it (a URL without a scheme means https://).",
  },
  CRATEDB_TLS: {
    area: CRATEDB,
    kind: "user",
    hint: "The server's TLS certificate could not be verified: supply the CA certificate that signed it, check the host name in the URL, or (test clusters only) turn certificate verification off.",
  },
  CRATEDB_UNREACHABLE: { area: CRATEDB, kind: "transient" },
  CRATEDB_CONNECTION_LOST: { area: CRATEDB, kind: "transient" },
  CRATEDB_TIMEOUT: {
    area: CRATEDB,
    kind: "transient",
    hint: "Raise the request timeout, or check the cluster's load.",
  },
  CRATEDB_GATEWAY: { area: CRATEDB, kind: "transient" },
  CRATEDB_UNAVAILABLE: { area: CRATEDB, kind: "transient" },
  CRATEDB_OVERLOADED: { area: CRATEDB, kind: "transient" },
  CRATEDB_SHARDS_FAILED: { area: CRATEDB, kind: "transient" },
  CRATEDB_VERSION_CONFLICT: { area: CRATEDB, kind: "transient" },
  CRATEDB_QUERY_KILLED: { area: CRATEDB, kind: "transient" },
  CRATEDB_MEMORY: {
    area: CRATEDB,
    kind: "transient",
    hint: "CrateDB ran short of memory for this request; lower the request size (chunk_bytes) or add memory.",
  },
  CRATEDB_LATE: { area: CRATEDB, kind: "transient" },
  CRATEDB_ABORTED: { area: CRATEDB, kind: "transient" },
  CRATEDB_CLIENT_CLOSED: { area: CRATEDB, kind: "transient" },
  CRATEDB_SQL_SYNTAX: { area: CRATEDB, kind: "bug" },
  CRATEDB_BAD_STATEMENT: { area: CRATEDB, kind: "bug" },
  CRATEDB_SERVER_ERROR: { area: CRATEDB, kind: "bug" },
  CRATEDB_DOCUMENT_MISSING: { area: CRATEDB, kind: "bug" },
  CRATEDB_DUPLICATE_KEY: { area: CRATEDB, kind: "bug" },
  CRATEDB_TABLE_EXISTS: { area: CRATEDB, kind: "bug" },
  CRATEDB_CONFLICT: { area: CRATEDB, kind: "bug" },
  CRATEDB_BULK_ITEM_FAILED: { area: CRATEDB, kind: "bug" },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const errorInfo = (code: ErrorCode): ErrorCodeInfo => ERROR_CODES[code];
