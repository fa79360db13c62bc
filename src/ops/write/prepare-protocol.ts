/**
 * What the call's thread and a prepare thread (prepare-worker.ts) say to each other. Both sides
 * import this module; it holds only types and the error round trip.
 *
 * Errors cross as data: structured cloning keeps an Error's message but drops its class and fields,
 * and the call needs both (the code picks the Task or status, the class and fields name file, row
 * and column). Only the destination's own error classes are revived as such; anything else arrives
 * as a plain Error with its name, message and stack, like the bug it is.
 */
import type { BatchFileLimits, BatchFormat, FileParams } from "../../batch/index.ts";
import { BatchFileError } from "../../batch/index.ts";
import { DestinationError } from "../../errors.ts";
import type { TableDef } from "../../table-def.ts";
import type { PreparedChunk, WriteStepPlan } from "./prepare.ts";
import { BatchRowError } from "./rows.ts";

/** A step's files and how to read and prepare them. */
export interface PrepareJob {
  readonly plan: WriteStepPlan;
  readonly paths: readonly string[];
  readonly read: {
    readonly table: TableDef;
    readonly keys: Readonly<Record<string, Uint8Array>>;
    readonly fileParams: FileParams;
    readonly format: BatchFormat;
    readonly rowChunkBytes: number;
    readonly required: readonly string[] | undefined;
    readonly limits: BatchFileLimits | undefined;
  };
}

/** A prepare thread's `workerData`. */
export interface PrepareThreadData extends PrepareJob {
  /** Chunks the thread may post before it waits for a "more". */
  readonly credit: number;
}

/** Thread → call. `file` is an index into the job's paths; `cpuMicros` the thread's CPU time. */
export type FromPrepareThread =
  | { readonly type: "chunk"; readonly file: number; readonly chunk: PreparedChunk }
  | { readonly type: "done"; readonly cpuMicros: number }
  | { readonly type: "failed"; readonly error: WireError; readonly cpuMicros: number };

/** Call → thread: one more chunk may be posted. */
export interface ToPrepareThread {
  readonly type: "more";
}

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** The error's own enumerable fields: code, kind, summary, hint, file, row, column … */
  readonly fields: Readonly<Record<string, unknown>>;
}

export function toWire(error: unknown): WireError {
  if (!(error instanceof Error))
    return { name: "Error", message: String(error), stack: undefined, fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(error)) {
    // Only plain data: a field holding anything else is not the destination's own.
    if (value === undefined || value === null || ["string", "number", "boolean"].includes(typeof value))
      fields[name] = value;
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
}

const REVIVED: Readonly<Record<string, { readonly prototype: object }>> = {
  BatchFileError,
  BatchRowError,
  DestinationError,
};

export function fromWire(wire: WireError): Error {
  const known = Object.hasOwn(REVIVED, wire.name) && typeof wire.fields["code"] === "string";
  // Revived without running the constructor: it would re-derive the message from parts the wire
  // no longer has separately, and the fields already hold the result.
  const error: Error = known ? Object.create(REVIVED[wire.name]!.prototype) : new Error(wire.message);
  Object.assign(error, wire.fields);
  Object.defineProperty(error, "message", { value: wire.message, writable: true, configurable: true });
  Object.defineProperty(error, "name", {
    value: wire.name,
    writable: true,
    configurable: true,
    enumerable: known,
  });
  if (wire.stack !== undefined)
    Object.defineProperty(error, "stack", { value: wire.stack, writable: true, configurable: true });
  return error;
}
