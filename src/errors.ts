/**
 * The one error base of the destination. Every error has a code of src/error-codes.ts, which
 * fixes its kind and gives its default hint. Rooms define their own subclasses where the error
 * arises (cratedb/errors.ts, batch/errors.ts, …); src/rpc/responses.ts is the only place that
 * maps them to a Fivetran Task, Warning or gRPC status.
 *
 * Messages never contain row values, keys, passwords or file contents: they name files, rows,
 * columns, tables and CrateDB error codes only.
 */
import { ERROR_CODES, type ErrorCode, type ErrorCodeInfo, type ErrorKind } from "./error-codes.ts";

export type { ErrorCode, ErrorKind } from "./error-codes.ts";

/** `summary. hint` — the hint as its own sentence. */
function withHint(summary: string, hint: string | undefined): string {
  if (hint === undefined) return summary;
  return /[.!?]$/.test(summary) ? `${summary} ${hint}` : `${summary}. ${hint}`;
}

export interface DestinationErrorOptions extends ErrorOptions {
  /**
   * Advice for this occurrence, instead of the code's own hint (src/error-codes.ts); `null` for
   * none (the summary already says what to do, or another error's message carries it).
   */
  readonly hint?: string | null | undefined;
}

export class DestinationError extends Error {
  /** Stable machine-readable code from src/error-codes.ts. Branch on this, never on text. */
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  /** What went wrong, without the advice; `message` is this plus `hint`. */
  readonly summary: string;
  /** What to do about it, when there is advice to give. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, summary: string, options: DestinationErrorOptions = {}) {
    const info: ErrorCodeInfo = ERROR_CODES[code];
    const hint = options.hint === null ? undefined : (options.hint ?? info.hint);
    super(withHint(summary, hint), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DestinationError";
    this.code = code;
    this.kind = info.kind;
    this.summary = summary;
    this.hint = hint;
  }
}

/** C0 and C1 control characters, DEL and the Unicode line separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * A name (file, column, table) as a message shows it: control characters, a NUL among them, as
 * `\uXXXX` escapes, so the message stays one printable line whatever the name holds, and at most
 * `maxChars` characters followed by `…` when longer (a message needs enough to recognise the
 * name, not all of it).
 */
export function shownName(name: string, maxChars = Number.POSITIVE_INFINITY): string {
  let cut = name;
  if (name.length > maxChars) {
    // Counted in code points, stopping early: the name may be long, the result is short.
    let taken = 0;
    let end = 0;
    for (const ch of name) {
      if (taken === maxChars) {
        cut = `${name.slice(0, end)}…`;
        break;
      }
      taken++;
      end += ch.length;
    }
  }
  return cut.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** How every message names a table: `"schema"."table"`, names shown as `shownName` shows them. */
export function shownTable(ref: { readonly schema: string; readonly table: string }): string {
  return `"${shownName(ref.schema, 128)}"."${shownName(ref.table, 128)}"`;
}
