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

export class CsvParser {
  private mode: Mode = FIELD_START;
  /** Text of the current field read so far (V8 keeps `+=` as ropes: no quadratic copying). */
  private field = "";
  private fields: string[] = [];
  /** Records completed so far, the header included. */
  private records = 0;

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
            i = len;
            break;
          }
          let value = this.field === "" ? text.slice(i, end) : this.field + text.slice(i, end);
          this.field = "";
          this.mode = FIELD_START;
          i = end + 1;
          if (end === nextComma) {
            this.fields.push(value);
          } else {
            if (value.charCodeAt(value.length - 1) === CR) value = value.slice(0, -1);
            this.fields.push(value);
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
          break;
        }
        case QUOTE_IN_QUOTED: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.field += '"';
            this.mode = QUOTED;
            i++;
          } else if (c === COMMA) {
            this.fields.push(this.field);
            this.field = "";
            this.mode = FIELD_START;
            i++;
          } else if (c === LF) {
            this.fields.push(this.field);
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
        this.fields.push(this.field);
        break;
      case UNQUOTED: {
        const value = this.field;
        this.fields.push(value.charCodeAt(value.length - 1) === CR ? value.slice(0, -1) : value);
        break;
      }
      case FIELD_START:
        // After a trailing comma there is one more (empty) field; after a newline, nothing.
        if (this.fields.length === 0) return undefined;
        this.fields.push("");
        break;
    }
    this.field = "";
    this.mode = FIELD_START;
    return this.endRecord();
  }

  private endRecord(): string[] {
    const record = this.fields;
    this.fields = [];
    this.records++;
    return record;
  }
}
