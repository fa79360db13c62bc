/**
 * Shared by the batch error tests: a small table, row helpers and `expectError`, which reads a
 * file expecting a BatchFileError that names it and leaks neither a value nor the key.
 */
import assert from "node:assert/strict";
import { basename, dirname } from "node:path";
import { BatchFileError } from "../../src/batch/errors.ts";
import { type ReadBatchFileOptions, readBatchFile } from "../../src/batch/read-batch-file.ts";
import type { TableDef } from "../../src/table-def.ts";
import type { Cell, WrittenBatchFile } from "./batch-writer.ts";

export const TABLE: TableDef = {
  name: "orders",
  columns: [
    { name: "id", type: "LONG", primaryKey: true },
    { name: "amount", type: "DECIMAL", primaryKey: false, decimal: { precision: 10, scale: 2 } },
    { name: "note", type: "STRING", primaryKey: false },
    { name: "_fivetran_synced", type: "UTC_DATETIME", primaryKey: false },
  ],
};
export const SYNCED = "2024-01-01T00:00:00Z";
export const SECRET = "s3cr3t-customer-value";

export async function drain(path: string, options: ReadBatchFileOptions): Promise<void> {
  for await (const _ of readBatchFile(path, options)) {
    // consume
  }
}

export interface Expected {
  code: string;
  row?: number;
  column?: string;
  message: RegExp;
}

/** Reads the file, expecting a BatchFileError that names it and leaks neither value nor key. */
export async function expectError(
  file: WrittenBatchFile,
  expected: Expected,
  overrides: Partial<ReadBatchFileOptions> = {},
): Promise<BatchFileError> {
  let caught: unknown;
  try {
    await drain(file.path, {
      table: TABLE,
      keys: file.keys,
      fileParams: file.fileParams,
      format: "csv",
      ...overrides,
    });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof BatchFileError, `expected a BatchFileError, got ${String(caught)}`);
  assert.equal(caught.code, expected.code);
  assert.equal(caught.kind, "user");
  assert.equal(caught.file, basename(file.path));
  assert.ok(caught.message.startsWith(`batch file "${basename(file.path)}"`), caught.message);
  assert.ok(!caught.message.includes(dirname(file.path)), "no directory in the message");
  assert.equal(caught.row, expected.row);
  assert.equal(caught.column, expected.column);
  assert.match(caught.message, expected.message);
  const key = Buffer.from(file.key);
  for (const secret of [SECRET, key.toString("hex"), key.toString("base64")]) {
    assert.ok(!caught.message.includes(secret), "no value or key in the message");
  }
  return caught;
}

export const rows = (...extra: Cell[][]): Cell[][] => [["1", "1.50", "a", SYNCED], ...extra];
