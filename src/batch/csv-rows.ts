import type { TableDef } from "../table-def.ts";
import { ChunkBuilder } from "./chunk-builder.ts";
import { type ColumnPlan, planColumns } from "./column-plan.ts";
import { isTextType, type TextConverter, textConverter } from "./convert/converters.ts";
import { CsvParser, CsvSyntaxError, CsvTooLarge } from "./csv-parser.ts";
import { BatchFileError, fieldTooLarge, InvalidValue, rowTooLarge } from "./errors.ts";
import type { FileParams } from "./file-params.ts";
import { DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_ROW_BYTES, MAX_HEADER_FIELDS } from "./limits.ts";
import { InvalidUtf8, Utf8Text } from "./utf8-text.ts";
import { type BatchValue, type RowChunk, UNMODIFIED } from "./values.ts";

export interface RowOptions {
  readonly table: TableDef;
  readonly fileParams: FileParams;
  readonly required: readonly string[];
  readonly rowChunkBytes: number;
  /** Default DEFAULT_MAX_FIELD_BYTES. */
  readonly maxFieldBytes?: number;
  /** Default DEFAULT_MAX_ROW_BYTES. */
  readonly maxRowBytes?: number;
  readonly signal?: AbortSignal | undefined;
}

const DECODE_SLICE = 64 * 1024;

/** JSON quotes and separators around each value, roughly. */
const CELL_OVERHEAD = 3;

/** A marker that never equals a field: an empty sentinel means "no sentinel" (§6.4: `""` ≠ NULL). */
function sentinel(text: string): string | undefined {
  return text === "" ? undefined : text;
}

/**
 * CSV plaintext → typed row chunks. The header (record 0) decides the column mapping; every
 * data record must have exactly as many fields. A field equal to the NULL or unmodified
 * sentinel after unquoting is that sentinel, quoted or not — the spec says to compare after
 * unquoting, and Jackson quotes only by content, so quoting carries no meaning of its own.
 */
export async function* csvRowChunks(
  path: string,
  bytes: AsyncIterable<Buffer>,
  options: RowOptions,
): AsyncGenerator<RowChunk> {
  const maxFieldBytes = options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
  const maxRowBytes = options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES;
  const decoder = new Utf8Text();
  // Limits in characters stand for bytes: each character came from at least one byte of UTF-8.
  const parser = new CsvParser({
    maxFieldChars: maxFieldBytes,
    maxRecordChars: maxRowBytes,
    maxFields: MAX_HEADER_FIELDS,
  });
  let converter: RecordConverter | undefined;
  let chunks: ChunkBuilder | undefined;
  let row = 0;

  // A failing record may come in the same piece of text as the header, which the loop below has
  // then not seen yet: the header's own errors come first (and only a checked header's column
  // names may be shown).
  const headerFirst = (record: number): void => {
    if (record > 0 && converter === undefined && parser.header !== undefined) {
      planColumns(path, parser.header, options.table, options.required);
    }
  };

  const tooLarge = (error: CsvTooLarge): BatchFileError => {
    const { record, field, what } = error;
    headerFirst(record);
    if (what === "fields") {
      const problem =
        record === 0
          ? `the header has more than ${MAX_HEADER_FIELDS} fields, more than any table has columns`
          : `row has more than ${error.maxFields} fields, the header has ${error.maxFields - 1}`;
      return new BatchFileError(record === 0 ? "BATCH_ROW_TOO_LARGE" : "BATCH_RAGGED_ROW", path, problem, {
        row: record,
      });
    }
    // Data fields are named by the header's column, header fields by position.
    const header = parser.header ?? [];
    const place =
      record === 0
        ? { row: 0, field: field + 1 }
        : field < header.length
          ? { row: record, column: header[field]! }
          : { row: record };
    return what === "field"
      ? new BatchFileError("BATCH_FIELD_TOO_LARGE", path, fieldTooLarge(maxFieldBytes), place)
      : new BatchFileError("BATCH_ROW_TOO_LARGE", path, rowTooLarge(maxRowBytes), place);
  };

  const parse = (text: string, final: boolean): string[][] => {
    try {
      const records = parser.push(text);
      if (final) {
        const last = parser.end();
        if (last !== undefined) records.push(last);
      }
      return records;
    } catch (error) {
      if (error instanceof CsvTooLarge) throw tooLarge(error);
      if (!(error instanceof CsvSyntaxError)) throw error;
      headerFirst(error.record);
      throw new BatchFileError("BATCH_MALFORMED_CSV", path, error.message, { row: error.record });
    }
  };

  let first = true;
  for await (const buf of withEnd(bytes)) {
    // Decoded in 64 KiB slices, so each text string stays below V8's large-object size and
    // can be collected young instead of waiting for a full GC.
    for (let at = 0; buf === undefined ? at === 0 : at < buf.length; at += DECODE_SLICE) {
      const end = buf === undefined;
      let text: string;
      try {
        text = end ? decoder.end() : decoder.write(buf.subarray(at, at + DECODE_SLICE));
      } catch (error) {
        if (!(error instanceof InvalidUtf8)) throw error;
        throw new BatchFileError("BATCH_MALFORMED_CSV", path, error.message);
      }
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // tolerate a UTF-8 byte order mark
        first = false;
      }
      const records = parse(text, end);
      options.signal?.throwIfAborted();
      for (const record of records) {
        if (converter === undefined || chunks === undefined) {
          const plan = planColumns(path, record, options.table, options.required);
          converter = new RecordConverter(path, plan, options.fileParams);
          chunks = new ChunkBuilder(plan.columns, options.rowChunkBytes);
          continue;
        }
        row++;
        const values = converter.convert(record, row);
        if (chunks.add(values, converter.lastBytes)) yield chunks.take()!;
      }
    }
  }
  const rest = chunks?.take();
  if (rest !== undefined) yield rest;
}

/** The byte stream followed by one `undefined` marking its end. */
async function* withEnd(bytes: AsyncIterable<Buffer>): AsyncGenerator<Buffer | undefined> {
  yield* bytes;
  yield undefined;
}

/** Converts one record's fields to the plan's values; the converters are chosen once per file. */
class RecordConverter {
  private readonly path: string;
  private readonly plan: ColumnPlan;
  private readonly converters: readonly TextConverter[];
  private readonly text: readonly boolean[];
  private readonly nullString: string | undefined;
  private readonly unmodifiedString: string | undefined;
  /** Approximate serialized size of the last converted record. */
  lastBytes = 0;

  constructor(path: string, plan: ColumnPlan, params: FileParams) {
    this.path = path;
    this.plan = plan;
    this.converters = plan.defs.map(textConverter);
    this.text = plan.defs.map((d) => isTextType(d.type));
    this.nullString = sentinel(params.nullString);
    this.unmodifiedString = sentinel(params.unmodifiedString);
  }

  convert(record: readonly string[], row: number): BatchValue[] {
    const { sourceIndex, fileWidth } = this.plan;
    if (record.length !== fileWidth) {
      throw new BatchFileError(
        "BATCH_RAGGED_ROW",
        this.path,
        `row has ${record.length} fields, the header has ${fileWidth}`,
        { row },
      );
    }
    const n = sourceIndex.length;
    const values = new Array<BatchValue>(n);
    let bytes = 2;
    for (let k = 0; k < n; k++) {
      const field = record[sourceIndex[k]!]!;
      bytes += field.length + CELL_OVERHEAD;
      if (field === this.nullString) {
        values[k] = null;
      } else if (field === this.unmodifiedString) {
        values[k] = UNMODIFIED;
      } else if (field === "" && !this.text[k]) {
        throw this.badValue(row, k, `empty value in a ${this.plan.defs[k]!.type} column`);
      } else {
        try {
          values[k] = this.converters[k]!(field);
        } catch (error) {
          if (!(error instanceof InvalidValue)) throw error;
          throw this.badValue(row, k, error.message);
        }
      }
    }
    this.lastBytes = bytes;
    return values;
  }

  private badValue(row: number, k: number, problem: string): BatchFileError {
    return new BatchFileError("BATCH_BAD_VALUE", this.path, problem, { row, column: this.plan.columns[k]! });
  }
}
