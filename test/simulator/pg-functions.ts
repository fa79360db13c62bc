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

/**
 * CrateDB's `date_format([format,] [timezone,] ts)` (MySQL-style specifiers, default
 * `%Y-%m-%dT%H:%i:%s.%fZ`, cratedb.md §2.2) on top of PG's `to_char`.
 */
export const DATE_FORMAT_FUNCTIONS = `
CREATE FUNCTION sim.mysql_to_pg_format(fmt text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $f$
DECLARE
  out text := '';
  lit text := '';
  i int := 1;
  c text;
  spec text;
BEGIN
  WHILE i <= length(fmt) LOOP
    c := substr(fmt, i, 1);
    IF c = '%' AND i < length(fmt) THEN
      spec := CASE substr(fmt, i + 1, 1)
        WHEN 'Y' THEN 'YYYY' WHEN 'y' THEN 'YY' WHEN 'm' THEN 'MM' WHEN 'c' THEN 'FMMM' WHEN 'd' THEN 'DD'
        WHEN 'e' THEN 'FMDD' WHEN 'H' THEN 'HH24' WHEN 'k' THEN 'FMHH24' WHEN 'h' THEN 'HH12' WHEN 'I' THEN 'HH12'
        WHEN 'l' THEN 'FMHH12' WHEN 'i' THEN 'MI' WHEN 's' THEN 'SS' WHEN 'S' THEN 'SS' WHEN 'f' THEN 'US'
        WHEN 'p' THEN 'AM' WHEN 'T' THEN 'HH24:MI:SS' WHEN 'r' THEN 'HH12:MI:SS AM' WHEN 'j' THEN 'DDD'
        WHEN 'M' THEN 'FMMonth' WHEN 'b' THEN 'Mon' WHEN 'W' THEN 'FMDay' WHEN 'a' THEN 'Dy' ELSE NULL END;
      IF spec IS NULL THEN
        lit := lit || substr(fmt, i + 1, 1);
      ELSE
        IF lit <> '' THEN out := out || '"' || replace(replace(lit, '\\', '\\\\'), '"', '\\"') || '"'; lit := ''; END IF;
        out := out || spec;
      END IF;
      i := i + 2;
    ELSE
      lit := lit || c;
      i := i + 1;
    END IF;
  END LOOP;
  IF lit <> '' THEN out := out || '"' || replace(replace(lit, '\\', '\\\\'), '"', '\\"') || '"'; END IF;
  RETURN out;
END $f$;
CREATE FUNCTION public.date_format(fmt text, tz text, ts timestamptz) RETURNS text LANGUAGE sql STABLE AS
  $f$ SELECT to_char(ts AT TIME ZONE tz, sim.mysql_to_pg_format(fmt)) $f$;
CREATE FUNCTION public.date_format(fmt text, ts timestamptz) RETURNS text LANGUAGE sql STABLE AS
  $f$ SELECT to_char(ts AT TIME ZONE 'UTC', sim.mysql_to_pg_format(fmt)) $f$;
CREATE FUNCTION public.date_format(fmt text, ts timestamp) RETURNS text LANGUAGE sql STABLE AS
  $f$ SELECT to_char(ts, sim.mysql_to_pg_format(fmt)) $f$;
CREATE FUNCTION public.date_format(ts timestamptz) RETURNS text LANGUAGE sql STABLE AS
  $f$ SELECT public.date_format('%Y-%m-%dT%H:%i:%s.%fZ', ts) $f$;
CREATE FUNCTION public.date_format(ts timestamp) RETURNS text LANGUAGE sql STABLE AS
  $f$ SELECT public.date_format('%Y-%m-%dT%H:%i:%s.%fZ', ts) $f$;
`;
