/**
 * Migrate's string values (`default_value`, `value`, `operation_timestamp`) → what CrateDB's
 * `/_sql` takes for the column's type, through the same converters as batch files
 * (docs/type-mapping.md), so a default is stored exactly as the same value in a batch would be.
 * One difference: timestamps arrive as ISO-8601 instants (`2005-05-28T20:57:00Z`), also for
 * naive columns, whose wall clock is taken as UTC (fivetran-protocol.md §7.10). Errors name the
 * column and type, never the value.
 */
import { textConverter } from "../../batch/convert/converters.ts";
import { naiveDateMs, utcDateTimeMs } from "../../batch/convert/timestamp.ts";
import { InvalidValue } from "../../batch/errors.ts";
import type { SqlValue } from "../../cratedb/sql-client.ts";
import { DestinationError } from "../../errors.ts";
import type { ColumnDef } from "../../table-def.ts";
import { asArg } from "../args.ts";

export class MigrateValueError extends DestinationError {
  constructor(what: string, reason: string) {
    super("MIGRATE_BAD_VALUE", `Migrate: the value for ${what} is ${reason}.`);
    this.name = "MigrateValueError";
  }
}

/** An ISO-8601 date or date-time (offset optional, UTC when absent) → epoch ms; undefined if not one. */
export function instantMs(text: string): number | undefined {
  try {
    return utcDateTimeMs(text);
  } catch (error) {
    if (error instanceof InvalidValue) return undefined;
    throw error;
  }
}

function convert(column: ColumnDef, text: string): SqlValue {
  switch (column.type) {
    case "NAIVE_DATE":
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? naiveDateMs(text) : utcDateTimeMs(text);
    case "NAIVE_DATETIME":
    case "UTC_DATETIME":
      return utcDateTimeMs(text);
    default:
      return asArg(textConverter(column)(text));
  }
}

/** The wire value of `text` for a column of this definition. */
export function columnValue(column: ColumnDef, text: string): SqlValue {
  try {
    return convert(column, text);
  } catch (error) {
    if (!(error instanceof InvalidValue)) throw error;
    throw new MigrateValueError(`column "${column.name}" (${column.type})`, error.message);
  }
}

/** `operation_timestamp` → epoch ms; a Task when it isn't an ISO-8601 instant. */
export function operationTimestampMs(text: string): number {
  const ms = instantMs(text);
  if (ms === undefined)
    throw new MigrateValueError(
      "operation_timestamp",
      "not an ISO-8601 timestamp (e.g. 2005-05-28T20:57:00Z)",
    );
  return ms;
}
