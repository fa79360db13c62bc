/**
 * PG functions that give CAST to a timestamp CrateDB's semantics (cratedb.md §2.2): digit strings
 * and integers are epoch milliseconds, text must follow the ISO grammar (PG alone would also take
 * 'now', 'epoch', 'Jan 1 2024', …), values are floored to the millisecond, and WITHOUT TIME ZONE
 * drops a given offset. rewrite.ts routes `CAST(col AS TIMESTAMP …)` and `col::TIMESTAMP …` here.
 */

const ISO =
  "^\\s*[+-]?\\d{4,9}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}([.,]\\d+)?)?)?\\s*(Z|z|[+-]\\d{2}(:?\\d{2})?)?\\s*$";

function textCast(name: string, type: string, typeName: string, epoch: string): string {
  return `
CREATE FUNCTION sim.${name}(v text) RETURNS ${type} LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
  IF v IS NULL THEN RETURN NULL; END IF;
  IF v ~ '^\\s*[+-]?\\d+\\s*$' THEN RETURN ${epoch.replace("$v", "trim(v)::numeric")}; END IF;
  IF v ~ '${ISO}' THEN RETURN date_trunc('milliseconds', v::${type}); END IF;
  RAISE EXCEPTION USING ERRCODE = '22007', MESSAGE = format('invalid input syntax for type ${typeName}: "%s"', v);
END $f$;`;
}

export const TIMESTAMP_CAST_FUNCTIONS = `
${textCast("to_tstz", "timestamptz", "timestamp with time zone", "to_timestamp($v / 1000)")}
${textCast("to_ts", "timestamp", "timestamp without time zone", "to_timestamp($v / 1000) AT TIME ZONE 'UTC'")}
CREATE FUNCTION sim.to_tstz(v bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $f$ SELECT to_timestamp(v::numeric / 1000) $f$;
CREATE FUNCTION sim.to_ts(v bigint) RETURNS timestamp LANGUAGE sql IMMUTABLE AS $f$ SELECT to_timestamp(v::numeric / 1000) AT TIME ZONE 'UTC' $f$;
CREATE FUNCTION sim.to_tstz(v timestamptz) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $f$ SELECT v $f$;
CREATE FUNCTION sim.to_ts(v timestamptz) RETURNS timestamp LANGUAGE sql IMMUTABLE AS $f$ SELECT v AT TIME ZONE 'UTC' $f$;
CREATE FUNCTION sim.to_tstz(v timestamp) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $f$ SELECT v AT TIME ZONE 'UTC' $f$;
CREATE FUNCTION sim.to_ts(v timestamp) RETURNS timestamp LANGUAGE sql IMMUTABLE AS $f$ SELECT v $f$;
`;
