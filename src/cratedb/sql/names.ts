/**
 * CrateDB's naming rules (cratedb.md §3.1), checked before any DDL is sent so the user gets a
 * Task naming the offending name and the rule instead of a raw CrateDB error halfway through an
 * operation. Also derives the deterministic helper names (rebuild table, conversion column) that
 * let a retried operation find what an earlier attempt left behind.
 */
import { createHash } from "node:crypto";
import { DestinationError, shownName, shownTable } from "../../errors.ts";
import type { TableRef } from "../../table-def.ts";

export class InvalidNameError extends DestinationError {
  constructor(message: string) {
    super("INVALID_NAME", message);
    this.name = "InvalidNameError";
  }
}

/** `max_identifier_length`; for tables it bounds `schema.table`, CrateDB's internal index name. */
export const MAX_NAME_BYTES = 255;

/** Columns CrateDB reserves for itself; a user column may not carry these names. */
export const SYSTEM_COLUMNS: ReadonlySet<string> = new Set([
  "_id",
  "_version",
  "_score",
  "_uid",
  "_doc",
  "_raw",
  "_seq_no",
  "_primary_term",
  "_tombstone",
  "_fetchid",
  "_docid",
]);

const RESERVED_SCHEMAS: ReadonlySet<string> = new Set(["sys", "information_schema", "pg_catalog", "blob"]);

const bytes = (s: string): number => Buffer.byteLength(s, "utf8");

/** Why `name` cannot be a CrateDB column name, or undefined when it can. */
export function columnNameProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  // CrateDB's wire protocols end strings at a NUL; the statement would fail with a protocol error.
  if (name.includes("\0")) return "it contains a NUL character";
  if (name.includes(".")) return "it contains a dot";
  if (name.includes("[") || name.includes("]")) return "it contains a square bracket";
  if (/[\t\r\n]/.test(name)) return "it contains a tab or line break";
  if (SYSTEM_COLUMNS.has(name)) return "it is a CrateDB system column name";
  if (bytes(name) > MAX_NAME_BYTES) return `it is longer than ${MAX_NAME_BYTES} bytes`;
  return undefined;
}

/**
 * Characters CrateDB refuses in schema and table names, which become file names on its nodes
 * (checked on CrateDB 6.4.3: 4002 InvalidRelationName). Column names may hold any of them.
 */
const RELATION_FORBIDDEN = /[\\/*?"<>|, #]/;

/** `leading`: the name starts CrateDB's index name (`schema.table`, or the table in schema `doc`). */
function relationNameProblem(name: string, leading: boolean): string | undefined {
  if (name.length === 0) return "it is empty";
  // Relation names become file names on the nodes, and no file name holds a NUL.
  if (name.includes("\0")) return "it contains a NUL character";
  if (name.includes(".")) return "it contains a dot";
  const forbidden = RELATION_FORBIDDEN.exec(name);
  if (forbidden) {
    const what = forbidden[0] === " " ? "a space" : `the character ${forbidden[0]}`;
    return `it contains ${what} (CrateDB refuses spaces and any of \\ / * ? " < > | , # in schema and table names)`;
  }
  if (leading && (name.startsWith("-") || name.startsWith("+"))) return "it starts with - or +";
  if (name.toLowerCase() === "_all") return "`_all` is reserved";
  return undefined;
}

/** Why CrateDB would reject the schema or table name, as a sentence; undefined when it wouldn't. */
export function tableRefProblem(ref: TableRef): string | undefined {
  const schemaProblem = relationNameProblem(ref.schema, true);
  if (schemaProblem)
    return `Schema name "${shownName(ref.schema)}" can't be used in CrateDB: ${schemaProblem}.`;
  if (RESERVED_SCHEMAS.has(ref.schema)) {
    return `Schema name "${ref.schema}" can't be used in CrateDB: it is a system schema.`;
  }
  const tableProblem = relationNameProblem(ref.table, ref.schema === "doc");
  if (tableProblem) return `Table name "${shownName(ref.table)}" can't be used in CrateDB: ${tableProblem}.`;
  if (bytes(ref.schema) + 1 + bytes(ref.table) > MAX_NAME_BYTES) {
    return `Table name "${shownTable(ref)}" can't be used in CrateDB: schema and table name together exceed ${MAX_NAME_BYTES} bytes.`;
  }
  return undefined;
}

/** Throws an InvalidNameError when CrateDB would reject the schema or table name. */
export function validateTableRef(ref: TableRef): void {
  const problem = tableRefProblem(ref);
  if (problem !== undefined) throw new InvalidNameError(problem);
}

/** Throws an InvalidNameError for the first column name CrateDB would reject, or a duplicate. */
export function validateColumnNames(ref: TableRef, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    const problem = columnNameProblem(name);
    if (problem) {
      throw new InvalidNameError(
        `Column name "${shownName(name)}" in table "${shownName(ref.schema)}"."${shownName(ref.table)}" can't be used in CrateDB: ${problem}.`,
      );
    }
    if (seen.has(name)) {
      throw new InvalidNameError(`Column "${name}" appears twice in the definition of ${shownTable(ref)}.`);
    }
    seen.add(name);
  }
}

/** Cuts `s` to at most `max` UTF-8 bytes without splitting a character. */
function truncateBytes(s: string, max: number): string {
  let out = "";
  let used = 0;
  for (const ch of s) {
    const n = bytes(ch);
    if (used + n > max) break;
    out += ch;
    used += n;
  }
  return out;
}

/**
 * `base + suffix` when that fits in `maxBytes`; otherwise a shortened base plus a hash of the full
 * base, so the result is still deterministic (a retry finds it) and distinct per base.
 */
function withSuffix(base: string, suffix: string, maxBytes: number): string {
  const plain = base + suffix;
  if (bytes(plain) <= maxBytes) return plain;
  const hash = createHash("sha256").update(base).digest("hex").slice(0, 8);
  const tail = `${suffix}_${hash}`;
  return truncateBytes(base, maxBytes - bytes(tail)) + tail;
}

export const REBUILD_SUFFIX = "__ft_rebuild";
export const CONVERT_SUFFIX = "__ft_convert";

/** The table a primary-key change is rebuilt into: `<t>__ft_rebuild`, same schema. */
export function rebuildTableFor(ref: TableRef): TableRef {
  return {
    schema: ref.schema,
    table: withSuffix(ref.table, REBUILD_SUFFIX, MAX_NAME_BYTES - bytes(ref.schema) - 1),
  };
}

/** The column a type change is copied into before it takes the original name: `<c>__ft_convert`. */
export function conversionColumnFor(column: string): string {
  return withSuffix(column, CONVERT_SUFFIX, MAX_NAME_BYTES);
}
