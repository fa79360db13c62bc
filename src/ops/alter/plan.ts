/**
 * What an AlterTable request means for an existing table (fivetran-protocol.md §7.6), worked out
 * purely from the described table and the request; docs/alter-table.md explains each outcome.
 *
 * - added columns are added nullable; changed types are relabelled (same CrateDB type) or
 *   converted through a new column;
 * - a different primary key, or a key column whose CrateDB type changes, rebuilds the table;
 * - columns missing from the request are dropped only with `drop_columns`; otherwise they stay,
 *   and a key column among them leaves the key (which also means a rebuild).
 */
import { type Conversion, conversionFor, type TypedColumn } from "../../cratedb/sql/conversion.ts";
import { type CrateDataType, type CrateType, crateTypeFor } from "../../cratedb/type-map.ts";
import type { ColumnDef, TableDef } from "../../table-def.ts";
import type { DescribedColumn } from "../table/describe.ts";

export interface TypeChange {
  readonly from: DescribedColumn;
  readonly to: ColumnDef;
  readonly conversion: Exclude<Conversion, { kind: "refused" }>;
}

export interface AlterPlan {
  readonly add: readonly ColumnDef[];
  readonly changes: readonly TypeChange[];
  /** Columns to drop (only with `drop_columns`). */
  readonly drop: readonly string[];
  /** The complete new definition when the table must be rebuilt, in column order. */
  readonly rebuild?: readonly ColumnDef[];
  /** Column → why its type change is refused. */
  readonly refused: ReadonlyMap<string, string>;
}

const KNOWN: ReadonlySet<string> = new Set<CrateDataType>([
  "boolean",
  "smallint",
  "integer",
  "bigint",
  "real",
  "double precision",
  "numeric",
  "text",
  "timestamp with time zone",
  "timestamp without time zone",
]);

/** The column's actual CrateDB type, or undefined for types this destination never creates. */
function physicalType(column: DescribedColumn): CrateType | undefined {
  const { dataType, numericPrecision } = column.physical;
  if (!KNOWN.has(dataType)) return undefined;
  if (dataType === "numeric") {
    // Scale unknown (SHOW CREATE TABLE didn't tell): left out, so every conversion is checked.
    const scale = column.decimal?.scale;
    return { dataType, precision: numericPrecision ?? 38, ...(scale !== undefined ? { scale } : {}) };
  }
  if (dataType === "text") {
    // Whether it is indexed is what this destination created it with; information_schema can't say.
    const { physical: _, ...def } = column;
    return { dataType, indexed: crateTypeFor(def).indexed ?? true };
  }
  return { dataType: dataType as CrateDataType };
}

const decimalOf = (c: ColumnDef): string =>
  c.type === "DECIMAL" ? `${c.decimal?.precision},${c.decimal?.scale}` : "";
export const sameType = (a: ColumnDef, b: ColumnDef): boolean =>
  a.type === b.type && decimalOf(a) === decimalOf(b);

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

export function planAlter(
  current: readonly DescribedColumn[],
  currentKey: readonly string[],
  request: TableDef,
  dropColumns: boolean,
): AlterPlan {
  const existing = new Map(current.map((c) => [c.name, c]));
  const requested = new Map(request.columns.map((c) => [c.name, c]));
  const add = request.columns.filter((c) => !existing.has(c.name));
  const changes: TypeChange[] = [];
  const refused = new Map<string, string>();

  for (const to of request.columns) {
    const from = existing.get(to.name);
    if (from === undefined || sameType(from, to)) continue;
    const fromCrate = physicalType(from);
    if (fromCrate === undefined) {
      refused.set(to.name, `its CrateDB type ${from.physical.dataType} is not one this destination converts`);
      continue;
    }
    const source: TypedColumn = { type: from.type, crate: fromCrate };
    const target: TypedColumn = { type: to.type, crate: crateTypeFor(to) };
    const conversion = conversionFor(source, target);
    if (conversion.kind === "refused") refused.set(to.name, conversion.reason);
    else changes.push({ from, to, conversion });
  }

  const absent = current.filter((c) => !requested.has(c.name));
  const drop = dropColumns ? absent.map((c) => c.name) : [];

  // The key after the request: requested key columns, plus nothing else (columns that are absent
  // and kept leave the key).
  const newKey = request.columns.filter((c) => c.primaryKey).map((c) => c.name);
  const keyTypeChanges = changes.some((ch) => ch.to.primaryKey && ch.conversion.kind === "convert");
  const needsRebuild = !sameSet(newKey, currentKey) || keyTypeChanges;

  if (!needsRebuild) return { add, changes, drop, refused };

  const rebuild: ColumnDef[] = [];
  for (const c of current) {
    const wanted = requested.get(c.name);
    if (wanted) rebuild.push(wanted);
    else if (!dropColumns) {
      const { physical: _, ...kept } = c;
      rebuild.push({ ...kept, primaryKey: false });
    }
  }
  rebuild.push(...add);
  return { add, changes, drop, rebuild, refused };
}

export const isNoop = (plan: AlterPlan): boolean =>
  plan.rebuild === undefined && plan.add.length === 0 && plan.changes.length === 0 && plan.drop.length === 0;
