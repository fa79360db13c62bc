/**
 * The embedded PostgreSQL (PGlite) with every value passed and returned as PG text, so the
 * simulator controls all conversions (exact numbers, ms timestamps) itself.
 */
import { PGlite } from "@electric-sql/pglite";
import { bigintRangeViolation } from "./bigint-range.ts";
import { columnUnknown, duplicateKey, parseError, relationUnknown, rowLevel, SimError } from "./errors.ts";

export interface PgResult {
  readonly fields: readonly { readonly name: string; readonly dataTypeID: number }[];
  readonly rows: readonly (readonly (string | null)[])[];
  readonly affected: number;
}

const identity = new Proxy({}, { get: () => (x: unknown) => x });

export class Pg {
  private readonly db: PGlite;
  private constructor(db: PGlite) {
    this.db = db;
  }

  static async start(): Promise<Pg> {
    const db = await PGlite.create();
    // Result parsing goes through `this.parsers[oid]`; a catch-all identity keeps PG's text form.
    Object.assign(db, { parsers: identity, serializers: identity });
    await db.exec("SET TIME ZONE 'UTC'; SET datestyle = 'ISO, YMD'; SET intervalstyle = 'postgres'");
    return new Pg(db);
  }

  async query(
    sql: string,
    params: readonly (string | null)[] = [],
    paramTypes?: number[],
  ): Promise<PgResult> {
    try {
      const r = await this.db.query<(string | null)[]>(sql, params as (string | null)[], {
        rowMode: "array",
        ...(paramTypes ? { paramTypes } : {}),
      });
      return { fields: r.fields, rows: r.rows, affected: r.affectedRows ?? 0 };
    } catch (e) {
      throw mapPgError(e);
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.db.exec(sql);
    } catch (e) {
      throw mapPgError(e);
    }
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

interface PgErrorLike {
  code?: string;
  message?: string;
  column?: string;
  constraint?: string;
}

/** SQLSTATE → CrateDB error (cratedb.md §8.2 "Errors"). */
export function mapPgError(e: unknown): Error {
  if (e instanceof SimError) return e;
  const pe = e as PgErrorLike;
  const msg = pe.message ?? String(e);
  switch (pe.code) {
    case "23505":
      return duplicateKey();
    case "23502":
      return rowLevel(parseError(`"${pe.column ?? "?"}" must not be null`));
    case "23514": {
      const range = bigintRangeViolation(pe.constraint);
      if (range) return range;
      const m = /^(.*)_nn$/.exec(pe.constraint ?? "");
      if (m) return rowLevel(parseError(`"${m[1]}" must not be null`));
      // Named back to the CrateDB constraint by the statement that knows the table (dml-insert.ts).
      return rowLevel(new SimError(4000, "SQLParseException", `Failed CONSTRAINT ${pe.constraint ?? "?"}`));
    }
    case "22P02":
    case "22007":
    case "22008":
    case "22003":
    case "22001": {
      const m = /invalid input syntax for type ([\w ]+): "(.*)"$/s.exec(msg);
      if (m) return parseError(`Cannot cast value \`${m[2]}\` to type \`${m[1]}\``);
      return parseError(msg);
    }
    case "42703": {
      // `column "x" does not exist` or `column t.x does not exist`
      const m = /column "(.*?)"/.exec(msg) ?? /column (?:\S+\.)?(\S+) does not exist/.exec(msg);
      return columnUnknown(m?.[1] ?? "?");
    }
    case "42P01": {
      const m = /relation "(.*?)"/.exec(msg);
      return relationUnknown(m?.[1] ?? "?");
    }
    case "42601":
      return new SimError(4000, "ParsingException", msg);
    case "42883":
      return new SimError(4000, "UnsupportedFunctionException", msg);
    case "42804":
    case "42846":
    case "22023":
    case "22012":
    case "2201E":
    case "21000":
    case "42725":
    case "42P18":
      return parseError(msg);
    default:
      return new SimError(5000, "SQLException", `${pe.code ?? "internal"}: ${msg}`);
  }
}
