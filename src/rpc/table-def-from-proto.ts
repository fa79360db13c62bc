/** Protobuf `Table`/`Column` ↔ the destination's own TableDef (src/table-def.ts). */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { DataType, Table, TableSchema } from "../../gen/fivetran_sdk/v2/common_pb.ts";
import { DESTINATION_SCHEMA } from "../cratedb/sql/type-metadata.ts";
import { DestinationError } from "../errors.ts";
import { type ColumnDef, FIVETRAN_TYPES, type TableDef, type TableRef } from "../table-def.ts";

/**
 * The table a request names. The destination's own schema is out of reach of every RPC: a
 * request naming it is refused before anything is sent.
 */
export function requestRef(schema: string, table: string): TableRef {
  if (schema === DESTINATION_SCHEMA) {
    throw new DestinationError(
      "RESERVED_SCHEMA",
      `Schema "${schema}" holds this destination's own records and can't be used by a connector.`,
    );
  }
  return { schema, table };
}

/** The table a CreateTable/AlterTable/WriteBatch request names, and its definition. */
export function requestedTable(req: { readonly schemaName: string; readonly table?: Table | undefined }): {
  ref: TableRef;
  def: TableDef;
} {
  const def = tableDefFromProto(req.table ?? { $typeName: "fivetran_sdk.v2.Table", name: "", columns: [] });
  return { ref: requestRef(req.schemaName, def.name), def };
}

/** An enum number this build doesn't know (a newer SDK) is stored like UNSPECIFIED: as text. */
export function tableDefFromProto(table: Table): TableDef {
  return {
    name: table.name,
    columns: table.columns.map((column): ColumnDef => {
      const params = column.params?.params;
      return {
        name: column.name,
        type: FIVETRAN_TYPES[column.type] ?? "UNSPECIFIED",
        primaryKey: column.primaryKey,
        ...(params?.case === "decimal"
          ? { decimal: { precision: params.value.precision, scale: params.value.scale } }
          : {}),
        ...(params?.case === "stringByteLength" ? { stringByteLength: params.value } : {}),
      };
    }),
  };
}

/**
 * Only DECIMAL params are reported: string lengths are not enforced (text is unbounded), and
 * reporting them would make Fivetran send needless AlterTables (fivetran-protocol.md §5).
 */
export function tableDefToProto(def: TableDef): MessageInitShape<typeof TableSchema> {
  return {
    name: def.name,
    columns: def.columns.map((c) => ({
      name: c.name,
      type: FIVETRAN_TYPES.indexOf(c.type) as DataType,
      primaryKey: c.primaryKey,
      ...(c.type === "DECIMAL" && c.decimal
        ? {
            params: {
              params: {
                case: "decimal" as const,
                value: { precision: c.decimal.precision, scale: c.decimal.scale },
              },
            },
          }
        : {}),
    })),
  };
}
