/** Identifier rules (cratedb.md §3.1). */
import type { VersionRules } from "./context.ts";
import { invalidColumnName, parseError, SimError, syntaxError } from "./errors.ts";
import type { Tok } from "./tokens.ts";

export const SYSTEM_COLUMNS = new Set([
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

/** CrateDB reserved words: usable as names only when quoted. */
export const RESERVED = new Set(
  (
    "add all alter and any array as asc between by called case cast column constraint costs create cross " +
    "current_date current_schema current_time current_timestamp current_user current_catalog default delete " +
    "deny desc describe directory distinct drop else end escape except exists extract false first for from " +
    "full function grant group having if in index inner input insert intersect into is join last left like " +
    "limit match natural not null nulls object offset on or order outer persistent recursive reset returns " +
    "revoke right select session_user set some stratify table then transient true try_cast unbounded union " +
    "update user using when where with"
  ).split(" "),
);

/**
 * An identifier as CrateDB prints it in messages (`Identifiers.quoteIfNeeded`): bare when it is
 * lower case letters, digits and `_` (not starting with a digit) and not a reserved word.
 */
export function sqlIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** Name from an identifier token; unquoted reserved words are a syntax error like in CrateDB's grammar. */
export function nameOf(t: Tok | undefined): string {
  if (t === undefined) throw syntaxError("line 1:1: mismatched input '<EOF>' expecting identifier");
  if (t.kind === "ident") return t.value;
  if (t.kind === "word" && !RESERVED.has(t.value)) return t.value;
  throw syntaxError(`line 1:${t.pos + 1}: mismatched input '${t.text}' expecting identifier`);
}

export function checkColumnName(name: string, version: VersionRules): void {
  if (name.includes(".")) throw invalidColumnName(`"${name}" contains a dot`);
  if (name.includes("[") || name.includes("]")) {
    throw invalidColumnName(`"${name}" conflicts with subscript pattern, square brackets are not allowed`);
  }
  if (/[\t\r\n]/.test(name)) throw invalidColumnName(`"${name}" contains illegal whitespace character`);
  if (name === "") throw invalidColumnName(`"" is an invalid column name`);
  if (SYSTEM_COLUMNS.has(name)) throw invalidColumnName(`"${name}" conflicts with system column`);
  if (version.legacyUnderscoreRule && /^_[a-z]+(_[a-z]+)*$/.test(name)) {
    throw invalidColumnName(`"${name}" conflicts with system column pattern`);
  }
}

/**
 * What every relation name must satisfy (CrateDB's `RelationName` and its DDL analysis): no dots,
 * not empty, not `_all`, not in a read-only system schema.
 */
export function checkRelationName(schema: string, name: string): void {
  if (schema === "" || schema.includes(".")) {
    throw new SimError(4002, "InvalidSchemaNameException", `schema name "${schema}" is invalid.`);
  }
  const invalid = (why: string) =>
    new SimError(4002, "InvalidRelationName", `Relation name '${schema}.${name}' is invalid. ${why}`);
  if (name === "") throw invalid("Name cannot be empty");
  if (name.includes(".")) throw invalid("Name can't contain '.'");
  if (schema.toLowerCase() === "_all" || name.toLowerCase() === "_all") {
    throw parseError('"_all" cannot be used as schema or table name');
  }
  if (["sys", "information_schema", "pg_catalog", "blob"].includes(schema)) {
    throw parseError(`Cannot create relation in read-only schema: ${schema}`);
  }
}

/**
 * Characters CrateDB refuses in the index name of a new table (Elasticsearch's
 * `Strings.INVALID_FILENAME_CHARS`). CrateDB prints them from a `Set.of(…)`, whose order changes
 * with every JVM start; this is the order observed on CrateDB 6.4.3.
 */
const INVALID_INDEX_CHARS = ["<", "*", "?", ">", "|", ",", "/", "\\", " ", '"'];

/**
 * CREATE TABLE (and CREATE TABLE AS) validate the table's index name, `schema.table` (just `table`
 * in `doc`), like an Elasticsearch index name (`IndexName.validate`). Only table creation does:
 * RENAME TO, SWAP and CREATE SCHEMA accept such names.
 */
export function checkIndexName(schema: string, name: string): void {
  const index = schema === "doc" ? name : `${schema}.${name}`;
  const invalid = (why: string) =>
    new SimError(4002, "InvalidRelationName", `Relation name '${index}' is invalid. ${why}`);
  if ([...index].some((c) => INVALID_INDEX_CHARS.includes(c))) {
    throw invalid(`Must not contain the following characters [${INVALID_INDEX_CHARS.join(", ")}]`);
  }
  if (index.includes("#")) throw invalid("Must not contain '#'");
  if (index.startsWith("-") || index.startsWith("+")) throw invalid("Must not start with '-', or '+'");
  const bytes = Buffer.byteLength(index);
  if (bytes > 255) throw invalid(`Index name is too long, (${bytes} > 255)`);
}
