/**
 * Replays sdk-tester input files against the real server over gRPC (h2c, @grpc/grpc-js), the way
 * Fivetran's destination tester does (fivetran-protocol.md §8): Capabilities, ConfigurationForm and
 * every Test first, then per input file create_table → alter_table → ops → schema_migration → describe_table.
 * Every issued RPC is also recorded as a plain TesterCall so the reference model can replay it.
 */
import type * as grpc from "@grpc/grpc-js";
import { BatchFileFormat, DestinationConnector } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { tableDefFromProto, tableDefToProto } from "../../src/rpc/table-def-from-proto.ts";
import { SYSTEM_COLUMN, type TableDef } from "../../src/table-def.ts";
import { grpcUnary } from "../rpc/server-fixture.ts";
import { BatchCollector, type OpKind } from "./tester-batches.ts";
import { migrationTables, type Row, type TableBatch, type TesterCall } from "./tester-calls.ts";
import { testerFileParams, writeTableFiles } from "./tester-files.ts";
import {
  fivetranType,
  isHistoryTable,
  type MigrationGroup,
  type TesterInput,
  testerTableDef,
} from "./tester-input.ts";
import { migrationDetails, toMigration } from "./tester-migrations.ts";

const m = DestinationConnector.method;

export interface ReplayOptions {
  readonly rpc: grpc.Client;
  readonly configuration: Record<string, string>;
  readonly schema: string;
  /** Where batch files are written. */
  readonly dir: string;
  /**
   * Hold truncates until the file's batches are written, cutoffs kept from when each truncate op
   * was reached (§8.3's reading). Default: write what was gathered before each truncate.
   */
  readonly deferTruncates?: boolean;
  /** The batch file format Capabilities asked for. */
  readonly format?: "csv" | "parquet";
  /** Batch files neither compressed nor encrypted (the tester's `--plain-text`). */
  readonly plainText?: boolean;
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

/**
 * Capabilities (the batch file format to write), ConfigurationForm, then every connection test it
 * lists; a failing test aborts the run (§8.1).
 */
export async function runSetup(
  rpc: grpc.Client,
  configuration: Record<string, string>,
): Promise<{ tests: string[]; format: "csv" | "parquet" }> {
  const capabilities = await grpcUnary(rpc, m.capabilities, {});
  const format = capabilities.batchFileFormat === BatchFileFormat.PARQUET ? "parquet" : "csv";
  const form = await grpcUnary(rpc, m.configurationForm, {});
  for (const t of form.tests) {
    const res = await grpcUnary(rpc, m.test, { name: t.name, configuration });
    if (res.response.case !== "success") {
      throw new Error(`connection test ${t.name} failed: ${String(res.response.value)}`);
    }
  }
  return { tests: form.tests.map((t) => t.name), format };
}

/** Whether the server implements an RPC: only UNIMPLEMENTED counts as missing. */
export class TesterReplay {
  readonly calls: TesterCall[] = [];
  /** What the last DescribeTable of each table answered (`undefined` = not_found). */
  readonly described = new Map<string, TableDef | undefined>();
  /** What the tester knows about each table (from its input or DescribeTable). */
  readonly #defs = new Map<string, TableDef>();
  readonly #o: ReplayOptions;
  #lastMs = 0;

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
      for (const batch of collector.batches()) await this.#write(fileName, batch);
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
    const files = await writeTableFiles(
      this.#o.dir,
      fileName,
      batch,
      this.#o.plainText ?? false,
      this.#o.format ?? "csv",
    );
    const { keys, replaceFiles, updateFiles, deleteFiles, earliestStartFiles } = files;
    const common = {
      configuration: this.#o.configuration,
      schemaName: this.#o.schema,
      table: tableDefToProto(batch.table),
      fileParams: testerFileParams(this.#o.plainText ?? false),
    };
    if (batch.history) {
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
