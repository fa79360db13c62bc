/**
 * CrateDB's error envelope: `{"error":{"message":"Name[text]","code":N}}` with the HTTP status
 * derived from the code range (cratedb.md §1.7, §1.8).
 */
export class SimError extends Error {
  readonly code: number;
  readonly exception: string;
  readonly text: string;
  /** A shard-level failure of one row: skipped in multi-row inserts, reported per item in bulks. */
  rowLevel = false;
  constructor(code: number, exception: string, text: string) {
    super(`${exception}[${text}]`);
    this.code = code;
    this.exception = exception;
    this.text = text;
  }
}

export function rowLevel(e: SimError): SimError {
  e.rowLevel = true;
  return e;
}

export function httpStatusForCode(code: number): number {
  const s = String(code);
  if (s.startsWith("401")) return 401;
  if (s.startsWith("403")) return 403;
  if (s.startsWith("404")) return 404;
  if (s.startsWith("409")) return 409;
  if (s.startsWith("429")) return 429;
  if (s.startsWith("503")) return 503;
  if (s.startsWith("500")) return 500;
  if (s.startsWith("40")) return 400;
  return 500;
}

export const parseError = (text: string) => new SimError(4000, "SQLParseException", text);
export const syntaxError = (text: string) => new SimError(4000, "ParsingException", text);
export const unsupported = (text: string) => new SimError(4004, "UnsupportedFeatureException", text);
export const invalidColumnName = (text: string) => new SimError(4008, "InvalidColumnNameException", text);
export const relationUnknown = (fqn: string) =>
  new SimError(4041, "RelationUnknown", `Relation '${fqn}' unknown`);
export const schemaUnknown = (schema: string) =>
  new SimError(4045, "SchemaUnknownException", `Schema '${schema}' unknown`);
export const columnUnknown = (name: string) =>
  new SimError(4043, "ColumnUnknownException", `Column ${name} unknown`);
export const relationExists = (fqn: string) =>
  new SimError(4093, "RelationAlreadyExists", `Relation '${fqn}' already exists.`);
export const duplicateKey = () =>
  rowLevel(
    new SimError(4091, "DuplicateKeyException", "A document with the same primary key exists already"),
  );
export const operationNotAllowed = (fqn: string, op: string) =>
  new SimError(
    4007,
    "OperationOnInaccessibleRelationException",
    `The relation "${fqn}" doesn't support or allow ${op} operations`,
  );
/**
 * `blocks.read_only_allow_delete` (also set by the disk flood-stage watermark) is an index block
 * checked when a write or a DROP reaches the table, not at analysis (RENAME is allowed): 403/4037 (§0).
 */
export const readDeleteOnlyBlock = () =>
  new SimError(
    4037,
    "ClusterBlockException",
    "blocked by: [RELATION_READ_DELETE_ONLY/12/index read-only / allow delete (api)];",
  );
export const missingPrivilege = (type: string, user: string) =>
  new SimError(4011, "MissingPrivilegeException", `Missing '${type}' privilege for user '${user}'`);
export const documentMissing = (id: string) =>
  rowLevel(new SimError(40411, "DocumentMissingException", `[${id}]: document missing`));
export const castError = (value: string, type: string) =>
  parseError(`Cannot cast value \`${value}\` to type \`${type}\``);
