/**
 * Replays sdk-tester input files against the real server over gRPC (h2c, @grpc/grpc-js), the way
 * Fivetran's destination tester does (fivetran-protocol.md §8): ConfigurationForm and every Test
 * first, then per input file create_table → alter_table → ops → schema_migration → describe_table.
 * Every issued RPC is also recorded as a plain TesterCall so the reference model can replay it.
 */
import * as grpc from "@grpc/grpc-js";
import type { DataType } from "../../gen/fivetran_sdk/v2/common_pb.ts";
import {
  Compression,
  DestinationConnector,
  Encryption,
  TableSyncModeMigrationType,
} from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { tableDefFromProto, tableDefToProto } from "../../src/rpc/table-def-from-proto.ts";
import { FIVETRAN_TYPES, SYSTEM_COLUMN, type TableDef } from "../../src/table-def.ts";
import { type Cell, TESTER_NULL, TESTER_UNMODIFIED, writeBatchFile } from "../helpers/batch-writer.ts";
import { grpcUnary } from "../rpc/server-fixture.ts";
import { BatchCollector, type OpKind } from "./tester-batches.ts";
import {
  type Migration,
  migrationTables,
  type Row,
  type TableBatch,
  type TesterCall,
} from "./tester-calls.ts";
import {
  fivetranType,
  isHistoryTable,
  type MigrationGroup,
  type TesterInput,
  testerTableDef,
} from "./tester-input.ts";

const m = DestinationConnector.method;

export interface ReplayOptions {
  readonly rpc: grpc.Client;
  readonly configuration: Record<string, string>;
  readonly schema: string;
  /** Where batch files are written. */
  readonly dir: string;
  /** False while WriteBatch/WriteHistoryBatch are missing: data files are built but not sent. */
  readonly data: boolean;
  /**
   * Hold truncates until the file's batches are written, cutoffs kept from when each truncate op
   * was reached (§8.3's reading). Default: write what was gathered before each truncate.
   */
  readonly deferTruncates?: boolean;
  /**
   * Behave like testers before 2.26.0408: `_fivetran_deleted` is not created with the table but
   * added by AlterTable right before the first soft delete or soft truncate.
   */
  readonly olderTester?: boolean;
  /**
   * Send every mutating RPC twice, as Fivetran does when a response is lost: the second call must
   * succeed and change nothing (fivetran-protocol.md §9.14).
   */
  readonly repeatCalls?: boolean;
  /** Pause before each op so that `_fivetran_synced` values and truncate cutoffs never share a millisecond. */
  readonly opDelayMs?: number;
}

/** ConfigurationForm, then every connection test it lists; a failing test aborts the run (§8.1). */
export async function runSetup(rpc: grpc.Client, configuration: Record<string, string>): Promise<string[]> {
  const form = await grpcUnary(rpc, m.configurationForm, {});
  for (const t of form.tests) {
    const res = await grpcUnary(rpc, m.test, { name: t.name, configuration });
    if (res.response.case !== "success") {
      throw new Error(`connection test ${t.name} failed: ${String(res.response.value)}`);
    }
  }
  return form.tests.map((t) => t.name);
}

/** Whether the server implements an RPC: only UNIMPLEMENTED counts as missing. */
export async function implemented(
  rpc: grpc.Client,
  method: "writeBatch" | "writeHistoryBatch",
): Promise<boolean> {
  try {
    if (method === "writeBatch") await grpcUnary(rpc, m.writeBatch, {});
    else await grpcUnary(rpc, m.writeHistoryBatch, {});
    return true;
  } catch (err) {
    return (err as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED;
  }
}

export class TesterReplay {
  readonly calls: TesterCall[] = [];
  /** What the last DescribeTable of each table answered (`undefined` = not_found). */
  readonly described = new Map<string, TableDef | undefined>();
  /** What the tester knows about each table (from its input or DescribeTable). */
  readonly #defs = new Map<string, TableDef>();
  readonly #o: ReplayOptions;
  #lastMs = 0;
  #files = 0;

  constructor(options: ReplayOptions) {
    this.#o = options;
  }

  async runFile(name: string, input: TesterInput): Promise<void> {
    for (const [table, spec] of Object.entries(input.create_table ?? {})) {
      const def = testerTableDef(table, spec, { deletedColumn: !this.#o.olderTester });
      await this.#createTable(def);
    }
    for (const [table, spec] of Object.entries(input.alter_table ?? {})) {
      await this.#alterTable(testerTableDef(table, spec, { deletedColumn: !this.#o.olderTester }), false);
    }
    await this.#ops(name, input);
    for (const group of input.schema_migration ?? []) await this.#migrationGroup(group);
    for (const table of input.describe_table ?? []) await this.describe(table);
  }

  async describe(table: string): Promise<TableDef | undefined> {
    this.calls.push({ rpc: "describeTable", table });
    const res = await grpcUnary(rpc(this), m.describeTable, {
      configuration: this.#o.configuration,
      schemaName: this.#o.schema,
      tableName: table,
    });
    if (res.response.case !== "table" && res.response.case !== "notFound") {
      throw new Error(`DescribeTable ${table} answered ${res.response.case}: ${String(res.response.value)}`);
    }
    const def = res.response.case === "table" ? tableDefFromProto(res.response.value) : undefined;
    this.described.set(table, def);
    if (def) this.#defs.set(table, def);
    else this.#defs.delete(table);
    return def;
  }

  async #def(table: string): Promise<TableDef> {
    const def = this.#defs.get(table) ?? (await this.describe(table));
    if (!def) throw new Error(`tester input names table ${table}, which does not exist`);
    return def;
  }

  async #createTable(def: TableDef): Promise<void> {
    this.calls.push({ rpc: "createTable", table: def });
    await this.#mutate("CreateTable", def.name, () =>
      grpcUnary(rpc(this), m.createTable, {
        configuration: this.#o.configuration,
        schemaName: this.#o.schema,
        table: tableDefToProto(def),
      }),
    );
    this.#defs.set(def.name, def);
  }

  async #alterTable(def: TableDef, dropColumns: boolean): Promise<void> {
    this.calls.push({ rpc: "alterTable", table: def, dropColumns });
    await this.#mutate("AlterTable", def.name, () =>
      grpcUnary(rpc(this), m.alterTable, {
        configuration: this.#o.configuration,
        schemaName: this.#o.schema,
        table: tableDefToProto(def),
        dropColumns,
      }),
    );
    this.#defs.set(def.name, def);
  }

  /** Strictly increasing wall-clock milliseconds, after the per-op delay. */
  async #tick(): Promise<number> {
    do await new Promise((resolve) => setTimeout(resolve, this.#o.opDelayMs ?? 3));
    while (Date.now() <= this.#lastMs);
    this.#lastMs = Date.now();
    return this.#lastMs;
  }

  async #ops(fileName: string, input: TesterInput): Promise<void> {
    let collector = new BatchCollector();
    const truncates: { table: string; cutoffMs: number; soft: boolean }[] = [];
    const flush = async (): Promise<void> => {
      if (this.#o.data) for (const batch of collector.batches()) await this.#write(fileName, batch);
      collector = new BatchCollector();
      for (const t of truncates.splice(0)) await this.#truncate(t.table, t.cutoffMs, t.soft);
    };
    for (const op of input.ops ?? []) {
      const now = await this.#tick();
      if ("truncate_before" in op || "soft_truncate_before" in op) {
        // Sequential: what was gathered so far is written first, so the truncate sees it (the
        // official inputs name an update after a truncate an operation on a missing record).
        if (!this.#o.deferTruncates) await flush();
        const soft = "soft_truncate_before" in op;
        for (const table of soft ? op.soft_truncate_before : op.truncate_before) {
          if (soft) await this.#ensureDeletedColumn(table);
          truncates.push({ table, cutoffMs: now, soft });
        }
        if (!this.#o.deferTruncates) await flush();
        continue;
      }
      const [kind, tables] = Object.entries(op)[0] as [OpKind, Record<string, readonly Row[]>];
      for (const [table, rows] of Object.entries(tables)) {
        if (kind === "soft_delete") await this.#ensureDeletedColumn(table);
        collector.add(kind, await this.#def(table), rows as never, now);
      }
    }
    // Deferred: one WriteBatch per table with all of the file's rows, then the truncates with
    // the cutoffs taken when they were reached, so a cutoff can fall between rows of one file.
    await flush();
  }

  /** Before a soft op, older testers add `_fivetran_deleted` to soft-delete tables lacking it. */
  async #ensureDeletedColumn(table: string): Promise<void> {
    const def = await this.#def(table);
    if (isHistoryTable(def) || def.columns.some((c) => c.name === SYSTEM_COLUMN.deleted)) return;
    const columns = [
      ...def.columns,
      { name: SYSTEM_COLUMN.deleted, type: "BOOLEAN" as const, primaryKey: false },
    ];
    await this.#alterTable({ name: table, columns }, false);
  }

  async #truncate(table: string, cutoffMs: number, soft: boolean): Promise<void> {
    this.calls.push({ rpc: "truncate", table, cutoffMs, soft });
    await this.#mutate("Truncate", table, () =>
      grpcUnary(rpc(this), m.truncate, {
        configuration: this.#o.configuration,
        schemaName: this.#o.schema,
        tableName: table,
        syncedColumn: SYSTEM_COLUMN.synced,
        utcDeleteBefore: {
          seconds: BigInt(Math.floor(cutoffMs / 1000)),
          nanos: (cutoffMs % 1000) * 1_000_000,
        },
        ...(soft ? { soft: { deletedColumn: SYSTEM_COLUMN.deleted } } : {}),
      }),
    );
  }

  async #write(fileName: string, batch: TableBatch): Promise<void> {
    const keys: Record<string, Uint8Array> = {};
    const file = async (kind: string, rows: readonly Row[], columns = batch.table.columns) => {
      if (rows.length === 0) return [];
      const n = ++this.#files;
      const written = await writeBatchFile({
        dir: this.#o.dir,
        name: `${n}_${batch.table.name.replace(/[^A-Za-z0-9_-]/g, "_")}_${fileName.replace(/\W/g, "_")}_${kind}.csv.zstd.aes`,
        columns,
        rows: rows.map((row): Cell[] => columns.map((c) => (c.name in row ? row[c.name]! : null))),
        shuffleSeed: n,
      });
      Object.assign(keys, written.keys);
      return [written.path];
    };
    const common = {
      configuration: this.#o.configuration,
      schemaName: this.#o.schema,
      table: tableDefToProto(batch.table),
      fileParams: {
        compression: Compression.ZSTD,
        encryption: Encryption.AES,
        nullString: TESTER_NULL,
        unmodifiedString: TESTER_UNMODIFIED,
      },
    };
    const replaceFiles = await file("upsert", batch.replace);
    const updateFiles = await file("update", batch.update);
    const deleteFiles = await file("delete", batch.delete);
    if (batch.history) {
      const earliestColumns = batch.table.columns.filter((c) => c.primaryKey);
      const earliestStartFiles = await file("earliest", batch.earliest, earliestColumns);
      this.calls.push({ rpc: "writeHistoryBatch", batch });
      await this.#mutate("WriteHistoryBatch", batch.table.name, () =>
        grpcUnary(rpc(this), m.writeHistoryBatch, {
          ...common,
          keys,
          earliestStartFiles,
          replaceFiles,
          updateFiles,
          deleteFiles,
        }),
      );
    } else {
      this.calls.push({ rpc: "writeBatch", batch });
      await this.#mutate("WriteBatch", batch.table.name, () =>
        grpcUnary(rpc(this), m.writeBatch, {
          ...common,
          keys,
          replaceFiles,
          updateFiles,
          deleteFiles,
        }),
      );
    }
  }

  async #migrationGroup(group: MigrationGroup): Promise<void> {
    for (const [kind, list] of Object.entries(group)) {
      for (const p of list) await this.#migration(kind, p);
    }
  }

  async #migration(kind: string, p: Readonly<Record<string, string>>): Promise<void> {
    const s = (key: string): string => {
      const v = p[key];
      if (v === undefined) throw new Error(`schema_migration ${kind} lacks ${key}`);
      return v;
    };
    if (kind === "add_column" || kind === "change_column_data_type" || kind === "drop_column") {
      const def = await this.#def(s("table"));
      const column = s("column");
      const columns =
        kind === "add_column"
          ? [...def.columns, { name: column, type: fivetranType(s("data_type")), primaryKey: false }]
          : kind === "drop_column"
            ? def.columns.filter((c) => c.name !== column)
            : def.columns.map((c) =>
                c.name === column
                  ? { name: c.name, type: fivetranType(s("data_type")), primaryKey: c.primaryKey }
                  : c,
              );
      await this.#alterTable({ name: def.name, columns }, kind === "drop_column");
      return;
    }
    const migration = toMigration(kind, s);
    this.calls.push({ rpc: "migrate", migration });
    await this.#mutate("Migrate", kind, () =>
      grpcUnary(rpc(this), m.migrate, {
        configuration: this.#o.configuration,
        details: migrationDetails(this.#o.schema, migration),
      }),
    );
    for (const table of migrationTables(migration)) await this.#relearn(table);
  }

  /** The tester learns a migrated table's new shape through DescribeTable (not recorded as a step). */
  async #relearn(table: string): Promise<void> {
    const res = await grpcUnary(rpc(this), m.describeTable, {
      configuration: this.#o.configuration,
      schemaName: this.#o.schema,
      tableName: table,
    });
    if (res.response.case === "table") this.#defs.set(table, tableDefFromProto(res.response.value));
    else this.#defs.delete(table);
  }

  /** A mutating RPC must succeed; with `repeatCalls` it is sent again and must succeed again. */
  async #mutate(
    what: string,
    subject: string,
    call: () => Promise<{ response: { case: string | undefined; value?: unknown } }>,
  ): Promise<void> {
    expectSuccess(what, subject, (await call()).response);
    if (this.#o.repeatCalls) expectSuccess(what, `${subject} (sent again)`, (await call()).response);
  }

  get options(): ReplayOptions {
    return this.#o;
  }
}

const rpc = (r: TesterReplay): grpc.Client => r.options.rpc;

function expectSuccess(
  what: string,
  subject: string,
  response: { case: string | undefined; value?: unknown },
): void {
  if (response.case === "success") return;
  const value = response.value as { message?: string } | undefined;
  throw new Error(
    `${what} ${subject} answered ${response.case}${value?.message ? `: ${value.message}` : ""}`,
  );
}

function toMigration(kind: string, s: (key: string) => string): Migration {
  switch (kind) {
    case "copy_column":
      return { op: "copy_column", table: s("table"), from: s("from_column"), to: s("to_column") };
    case "update_column_value":
      return { op: "update_column_value", table: s("table"), column: s("column"), value: s("value") };
    case "set_column_to_null":
      return { op: "update_column_value", table: s("table"), column: s("column"), value: "NULL" };
    case "add_column_with_default_value":
      return {
        op: "add_column_with_default_value",
        table: s("table"),
        column: s("column"),
        type: fivetranType(s("data_type")),
        value: s("default_value"),
      };
    case "copy_table":
      return { op: "copy_table", from: s("from_table"), to: s("to_table") };
    case "rename_column":
      return { op: "rename_column", table: s("table"), from: s("from_column"), to: s("to_column") };
    case "rename_table":
      return { op: "rename_table", from: s("from_table"), to: s("to_table") };
    case "drop_table":
      return { op: "drop_table", table: s("table") };
    case "add_column_in_history_mode":
      return {
        op: "add_column_in_history_mode",
        table: s("table"),
        column: s("column"),
        type: fivetranType(s("data_type")),
        value: s("default_value"),
        at: s("operation_timestamp"),
      };
    case "drop_column_in_history_mode":
      return {
        op: "drop_column_in_history_mode",
        table: s("table"),
        column: s("column"),
        at: s("operation_timestamp"),
      };
    case "copy_table_to_history_mode":
      return {
        op: "copy_table_to_history_mode",
        from: s("from_table"),
        to: s("to_table"),
        deletedColumn: s("deleted_column"),
      };
    case "migrate_soft_delete_to_history":
      return {
        op: "sync_mode",
        table: s("table"),
        type: "SOFT_DELETE_TO_HISTORY",
        deletedColumn: s("deleted_column"),
      };
    case "migrate_history_to_soft_delete":
      return {
        op: "sync_mode",
        table: s("table"),
        type: "HISTORY_TO_SOFT_DELETE",
        deletedColumn: s("deleted_column"),
      };
    default:
      throw new Error(`schema_migration kind ${kind} is not supported by the tester`);
  }
}

const dataType = (type: (typeof FIVETRAN_TYPES)[number]): DataType =>
  FIVETRAN_TYPES.indexOf(type) as DataType;

/** MigrationDetails as the tester sends it: `table` is the migrated (or source) table. */
function migrationDetails(schema: string, mig: Migration) {
  const table = "table" in mig ? mig.table : mig.from;
  const base = { schema, table };
  switch (mig.op) {
    case "drop_table":
      return {
        ...base,
        operation: { case: "drop" as const, value: { entity: { case: "dropTable" as const, value: true } } },
      };
    case "drop_column_in_history_mode":
      return {
        ...base,
        operation: {
          case: "drop" as const,
          value: {
            entity: {
              case: "dropColumnInHistoryMode" as const,
              value: { column: mig.column, operationTimestamp: mig.at },
            },
          },
        },
      };
    case "copy_table":
      return {
        ...base,
        operation: {
          case: "copy" as const,
          value: { entity: { case: "copyTable" as const, value: { fromTable: mig.from, toTable: mig.to } } },
        },
      };
    case "copy_column":
      return {
        ...base,
        operation: {
          case: "copy" as const,
          value: {
            entity: { case: "copyColumn" as const, value: { fromColumn: mig.from, toColumn: mig.to } },
          },
        },
      };
    case "copy_table_to_history_mode":
      return {
        ...base,
        operation: {
          case: "copy" as const,
          value: {
            entity: {
              case: "copyTableToHistoryMode" as const,
              value: { fromTable: mig.from, toTable: mig.to, softDeletedColumn: mig.deletedColumn },
            },
          },
        },
      };
    case "rename_table":
      return {
        ...base,
        operation: {
          case: "rename" as const,
          value: {
            entity: { case: "renameTable" as const, value: { fromTable: mig.from, toTable: mig.to } },
          },
        },
      };
    case "rename_column":
      return {
        ...base,
        operation: {
          case: "rename" as const,
          value: {
            entity: { case: "renameColumn" as const, value: { fromColumn: mig.from, toColumn: mig.to } },
          },
        },
      };
    case "add_column_with_default_value":
      return {
        ...base,
        operation: {
          case: "add" as const,
          value: {
            entity: {
              case: "addColumnWithDefaultValue" as const,
              value: { column: mig.column, columnType: dataType(mig.type), defaultValue: mig.value },
            },
          },
        },
      };
    case "add_column_in_history_mode":
      return {
        ...base,
        operation: {
          case: "add" as const,
          value: {
            entity: {
              case: "addColumnInHistoryMode" as const,
              value: {
                column: mig.column,
                columnType: dataType(mig.type),
                defaultValue: mig.value,
                operationTimestamp: mig.at,
              },
            },
          },
        },
      };
    case "update_column_value":
      return {
        ...base,
        operation: { case: "updateColumnValue" as const, value: { column: mig.column, value: mig.value } },
      };
    case "sync_mode":
      return {
        ...base,
        operation: {
          case: "tableSyncModeMigration" as const,
          value: { type: TableSyncModeMigrationType[mig.type], softDeletedColumn: mig.deletedColumn },
        },
      };
  }
}
