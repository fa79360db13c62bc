/**
 * Streaming RFC 4180 parser for Fivetran's CSV dialect (fivetran-protocol.md §6.4): comma
 * separator, `"` quotes with `""` inside, `\n` records (CRLF tolerated), backslash ordinary.
 * Text arrives in arbitrary pieces; the parser keeps its state between pieces and never
 * re-scans text it has already consumed, so a multi-megabyte quoted field costs linear time.
 *
 * It reports field text only (quoted or not): Fivetran's NULL/unmodified markers are compared
 * after unquoting, so the caller needs nothing else.
 */

const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** Just read a `"` inside a quoted field: either `""` (a quote) or the end of the field. */
const QUOTE_IN_QUOTED = 3;
/** A `\r` right after a closing quote: only `\n` may follow. */
const CR_AFTER_QUOTED = 4;
type Mode = 0 | 1 | 2 | 3 | 4;

export class CsvSyntaxError extends Error {
  /** 0-based record index (the header is record 0). */
  readonly record: number;
  constructor(message: string, record: number) {
    super(message);
    this.name = "CsvSyntaxError";
    this.record = record;
  }
}

/**
 * A field, record or field count beyond the parser's limits, found while the field is still
 * being read: a decompression bomb (a few KB of zstd holding one 700 MB field) fails after at
 * most one 64 KiB piece past the limit instead of filling memory.
 */
export class CsvTooLarge extends Error {
  /** 0-based record index (the header is record 0). */
  readonly record: number;
  /** 0-based index of the field being read when the limit was passed. */
  readonly field: number;
  readonly what: "field" | "record" | "fields";
  /** For `fields`: how many fields the record could have had. */
  readonly maxFields: number;
  constructor(what: "field" | "record" | "fields", record: number, field: number, maxFields = 0) {
    super(`the ${what === "fields" ? "field count" : what} is over the parser's limit`);
    this.name = "CsvTooLarge";
    this.what = what;
    this.record = record;
    this.field = field;
    this.maxFields = maxFields;
  }
}

/**
 * Sizes in characters of decoded text (UTF-16 code units). Each character came from at least one
 * byte of UTF-8, so text over a limit of N characters was over N bytes in the file too.
 */
export interface CsvLimits {
  /** Longest field. */
  readonly maxFieldChars?: number;
  /** Longest record: its fields plus one per separator. */
  readonly maxRecordChars?: number;
  /**
   * Most fields in the header. Every later record may have one more than the header (one too many
   * still reads as a whole record, for the caller's own message); beyond that it is refused.
   */
  readonly maxFields?: number;
}

export class CsvParser {
  private mode: Mode = FIELD_START;
  /** Text of the current field read so far (V8 keeps `+=` as ropes: no quadratic copying). */
  private field = "";
  private fields: string[] = [];
  /** Records completed so far, the header included. */
  private records = 0;
  /** Characters of the current record's completed fields, plus one per field for its separator. */
  private recordChars = 0;
  private readonly maxFieldChars: number;
  private readonly maxRecordChars: number;
  /** The first record, once complete (the caller may not have seen it when a later one fails). */
  header: readonly string[] | undefined;
  /** For the header as given; from the first data record on, the header's width plus one. */
  private maxFields: number;

  constructor(limits: CsvLimits = {}) {
    this.maxFieldChars = limits.maxFieldChars ?? Number.POSITIVE_INFINITY;
    this.maxRecordChars = limits.maxRecordChars ?? Number.POSITIVE_INFINITY;
    this.maxFields = limits.maxFields ?? Number.POSITIVE_INFINITY;
  }

  /** Parses the next piece of text and returns the records it completed. */
  push(text: string): string[][] {
    const out: string[][] = [];
    const len = text.length;
    let i = 0;
    // Cached positions of the next comma/newline; refreshed only when passed.
    let nextComma = -2;
    let nextLf = -2;
    while (i < len) {
      switch (this.mode) {
        case FIELD_START:
          if (text.charCodeAt(i) === QUOTE) {
            this.mode = QUOTED;
            i++;
          } else {
            this.mode = UNQUOTED;
          }
          break;
        case UNQUOTED: {
          if (nextComma !== -1 && nextComma < i) nextComma = text.indexOf(",", i);
          if (nextLf !== -1 && nextLf < i) nextLf = text.indexOf("\n", i);
          const end = nextComma === -1 ? nextLf : nextLf === -1 ? nextComma : Math.min(nextComma, nextLf);
          if (end === -1) {
            this.field += text.slice(i);
            this.grew();
            i = len;
            break;
          }
          let value = this.field === "" ? text.slice(i, end) : this.field + text.slice(i, end);
          this.field = "";
          this.mode = FIELD_START;
          i = end + 1;
          if (end === nextComma) {
            this.pushField(value);
          } else {
            if (value.charCodeAt(value.length - 1) === CR) value = value.slice(0, -1);
            this.pushField(value);
            out.push(this.endRecord());
          }
          break;
        }
        case QUOTED: {
          const q = text.indexOf('"', i);
          if (q === -1) {
            this.field += text.slice(i);
            i = len;
          } else {
            this.field += text.slice(i, q);
            i = q + 1;
            this.mode = QUOTE_IN_QUOTED;
          }
          this.grew();
          break;
        }
        case QUOTE_IN_QUOTED: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.field += '"';
            this.grew();
            this.mode = QUOTED;
            i++;
          } else if (c === COMMA) {
            this.pushField(this.field);
            this.field = "";
            this.mode = FIELD_START;
            i++;
          } else if (c === LF) {
            this.pushField(this.field);
            this.field = "";
            this.mode = FIELD_START;
            out.push(this.endRecord());
            i++;
          } else if (c === CR) {
            this.mode = CR_AFTER_QUOTED;
            i++;
          } else {
            throw new CsvSyntaxError("unexpected character after a closing quote", this.records);
          }
          break;
        }
        case CR_AFTER_QUOTED:
          if (text.charCodeAt(i) !== LF) {
            throw new CsvSyntaxError("unexpected character after a closing quote", this.records);
          }
          this.mode = QUOTE_IN_QUOTED;
          break;
      }
    }
    return out;
  }

  /** Ends the input; returns the last record when the text did not end with a newline. */
  end(): string[] | undefined {
    switch (this.mode) {
      case QUOTED:
        throw new CsvSyntaxError("unterminated quoted field at end of file", this.records);
      case CR_AFTER_QUOTED:
      case QUOTE_IN_QUOTED:
        this.pushField(this.field);
        break;
      case UNQUOTED: {
        const value = this.field;
        this.pushField(value.charCodeAt(value.length - 1) === CR ? value.slice(0, -1) : value);
        break;
      }
      case FIELD_START:
        // After a trailing comma there is one more (empty) field; after a newline, nothing.
        if (this.fields.length === 0) return undefined;
        this.pushField("");
        break;
    }
    this.field = "";
    this.mode = FIELD_START;
    return this.endRecord();
  }

  /** After text was added to the current field: still within the limits? */
  private grew(): void {
    const length = this.field.length;
    if (length > this.maxFieldChars) throw new CsvTooLarge("field", this.records, this.fields.length);
    if (this.recordChars + length > this.maxRecordChars) {
      throw new CsvTooLarge("record", this.records, this.fields.length);
    }
  }

  private pushField(value: string): void {
    if (value.length > this.maxFieldChars) throw new CsvTooLarge("field", this.records, this.fields.length);
    this.recordChars += value.length + 1;
    if (this.recordChars > this.maxRecordChars) {
      throw new CsvTooLarge("record", this.records, this.fields.length);
    }
    if (this.fields.length >= this.maxFields) {
      throw new CsvTooLarge("fields", this.records, this.fields.length, this.maxFields);
    }
    this.fields.push(value);
  }

  private endRecord(): string[] {
    const record = this.fields;
    if (this.records === 0) {
      this.header = record;
      if (Number.isFinite(this.maxFields)) this.maxFields = record.length + 1;
    }
    this.fields = [];
    this.recordChars = 0;
    this.records++;
    return record;
  }
}
