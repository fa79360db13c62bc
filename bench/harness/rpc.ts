/**
 * The benchmark's Fivetran: a @grpc/grpc-js client (h2c, as Fivetran and its tester call) sending
 * CreateTable, WriteBatch and WriteHistoryBatch with protobuf-es messages.
 */
import type * as grpc from "@grpc/grpc-js";
import {
  Compression,
  DestinationConnector,
  Encryption,
} from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { tableDefToProto } from "../../src/rpc/table-def-from-proto.ts";
import type { TableDef } from "../../src/table-def.ts";
import { grpcClient, grpcUnary } from "../../test/rpc/server-fixture.ts";
import type { FileKind } from "./workloads.ts";

const m = DestinationConnector.method;

export interface BatchFile {
  readonly kind: FileKind;
  readonly path: string;
  readonly key: Uint8Array;
}

export interface CallTarget {
  readonly configuration: Record<string, string>;
  readonly schema: string;
}

/** FileParams as Fivetran sends them: zstd, AES, the writer's sentinels. */
export interface Sentinels {
  readonly nullString: string;
  readonly unmodifiedString: string;
}

type Answer = { response: { case: string | undefined; value?: unknown } };

function check(what: string, answer: Answer): void {
  if (answer.response.case === "success") return;
  const value = answer.response.value as { message?: string } | undefined;
  throw new Error(`${what} answered ${answer.response.case}: ${value?.message ?? JSON.stringify(value)}`);
}

export class Destination {
  readonly client: grpc.Client;
  constructor(port: number) {
    this.client = grpcClient(port);
  }

  close(): void {
    this.client.close();
  }

  async createTable(target: CallTarget, table: TableDef): Promise<void> {
    check(
      `CreateTable ${table.name}`,
      await grpcUnary(this.client, m.createTable, {
        configuration: target.configuration,
        schemaName: target.schema,
        table: tableDefToProto(table),
      }),
    );
  }

  /** WriteBatch, or WriteHistoryBatch when `history`; files are sorted into their kinds. */
  async write(
    target: CallTarget,
    table: TableDef,
    files: readonly BatchFile[],
    sentinels: Sentinels,
    history: boolean,
  ): Promise<void> {
    const of = (kind: FileKind) => files.filter((f) => f.kind === kind).map((f) => f.path);
    const common = {
      configuration: target.configuration,
      schemaName: target.schema,
      table: tableDefToProto(table),
      keys: Object.fromEntries(files.map((f) => [f.path, f.key])),
      fileParams: {
        compression: Compression.ZSTD,
        encryption: Encryption.AES,
        nullString: sentinels.nullString,
        unmodifiedString: sentinels.unmodifiedString,
      },
      replaceFiles: of("replace"),
      updateFiles: of("update"),
      deleteFiles: of("delete"),
    };
    const what = `${history ? "WriteHistoryBatch" : "WriteBatch"} ${table.name}`;
    check(
      what,
      history
        ? await grpcUnary(this.client, m.writeHistoryBatch, { ...common, earliestStartFiles: of("earliest") })
        : await grpcUnary(this.client, m.writeBatch, common),
    );
  }
}
