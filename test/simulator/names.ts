/** Identifier rules (cratedb.md §3.1). */
import type { VersionRules } from "./context.ts";
import { invalidColumnName, SimError, syntaxError } from "./errors.ts";
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

/** A list of identifiers as Java prints a `List` in messages: `[a, b]`. */
export const sqlIdentList = (names: readonly string[]) => `[${names.map(sqlIdent).join(", ")}]`;

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

export function checkRelationName(schema: string, name: string): void {
  for (const n of [schema, name]) {
    if (n.includes("."))
      throw new SimError(4002, "InvalidRelationName", `Relation name "${schema}.${name}" is invalid.`);
    if (n === "" || n === "_all") {
      throw new SimError(4002, "InvalidRelationName", `Relation name "${schema}.${name}" is invalid.`);
    }
  }
  if (["sys", "information_schema", "pg_catalog", "blob"].includes(schema)) {
    throw new SimError(4002, "InvalidSchemaNameException", `schema name "${schema}" is invalid.`);
  }
  if (Buffer.byteLength(`${schema}.${name}`) > 255) {
    throw new SimError(4002, "InvalidRelationName", `Relation name "${schema}.${name}" is invalid.`);
  }
}
