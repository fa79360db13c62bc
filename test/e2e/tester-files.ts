/**
 * One table batch as the tester writes it: a CSV (or Parquet) file per non-empty kind, columns shuffled,
 * zstd-compressed and AES-encrypted with a fresh key each (unless plain text), with the tester's
 * sentinels (§8.3).
 */
import { Compression, Encryption } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { type Cell, TESTER_NULL, TESTER_UNMODIFIED, writeBatchFile } from "../helpers/batch-writer.ts";
import type { Row, TableBatch } from "./tester-calls.ts";

/** FileParams as the tester sends them; `--plain-text` turns compression and encryption off. */
export function testerFileParams(plainText: boolean) {
  return {
    compression: plainText ? Compression.OFF : Compression.ZSTD,
    encryption: plainText ? Encryption.NONE : Encryption.AES,
    nullString: TESTER_NULL,
    unmodifiedString: TESTER_UNMODIFIED,
  };
}

export interface TableFiles {
  readonly keys: Record<string, Uint8Array>;
  readonly replaceFiles: string[];
  readonly updateFiles: string[];
  readonly deleteFiles: string[];
  readonly earliestStartFiles: string[];
}

let counter = 0;

export async function writeTableFiles(
  dir: string,
  inputFile: string,
  batch: TableBatch,
  plainText: boolean,
  format: "csv" | "parquet",
): Promise<TableFiles> {
  const keys: Record<string, Uint8Array> = {};
  const file = async (
    kind: string,
    rows: readonly Row[],
    columns = batch.table.columns,
  ): Promise<string[]> => {
    if (rows.length === 0) return [];
    const n = ++counter;
    const table = batch.table.name.replace(/[^A-Za-z0-9_-]/g, "_");
    const written = await writeBatchFile({
      dir,
      name: `${n}_${table}_${inputFile.replace(/\W/g, "_")}_${kind}.${format}${plainText ? "" : ".zstd.aes"}`,
      format,
      compression: plainText ? "none" : "zstd",
      encryption: plainText ? "none" : "aes",
      columns,
      rows: rows.map((row): Cell[] => columns.map((c) => (c.name in row ? row[c.name]! : null))),
      shuffleSeed: n,
    });
    Object.assign(keys, written.keys);
    return [written.path];
  };
  return {
    keys,
    replaceFiles: await file("upsert", batch.replace),
    updateFiles: await file("update", batch.update),
    deleteFiles: await file("delete", batch.delete),
    // Source key columns and _fivetran_start: the table's key columns in history mode.
    earliestStartFiles: await file(
      "earliest",
      batch.earliest,
      batch.table.columns.filter((c) => c.primaryKey),
    ),
  };
}
