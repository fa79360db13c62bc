import { StringDecoder } from "node:string_decoder";

const REPLACEMENT = "\uFFFD";
const REPLACEMENT_BYTES = Buffer.from(REPLACEMENT, "utf8"); // EF BF BD

/**
 * UTF-8 bytes → text across arbitrary byte boundaries (StringDecoder keeps split sequences),
 * failing on invalid UTF-8 instead of silently substituting U+FFFD. The check is cheap: the
 * decoder's U+FFFD characters are counted against the EF BF BD sequences really present in the
 * input; more characters than sequences means the decoder replaced invalid bytes.
 */
export class Utf8Text {
  private readonly decoder = new StringDecoder("utf8");
  private replacementsInBytes = 0;
  private replacementsInText = 0;
  /** Last two bytes of the previous piece, for sequences split across pieces. */
  private tail = Buffer.alloc(0);

  /** Text for `bytes`; throws `InvalidUtf8` when the input so far is not valid UTF-8. */
  write(bytes: Buffer): string {
    this.countBytes(bytes);
    return this.checked(this.decoder.write(bytes));
  }

  end(): string {
    return this.checked(this.decoder.end());
  }

  private countBytes(bytes: Buffer): void {
    const joined = this.tail.length > 0 ? Buffer.concat([this.tail, bytes.subarray(0, 2)]) : undefined;
    if (joined !== undefined && joined.indexOf(REPLACEMENT_BYTES) !== -1) this.replacementsInBytes++;
    for (
      let at = bytes.indexOf(REPLACEMENT_BYTES);
      at !== -1;
      at = bytes.indexOf(REPLACEMENT_BYTES, at + 3)
    ) {
      this.replacementsInBytes++;
    }
    const last =
      bytes.length >= 2 ? bytes.subarray(bytes.length - 2) : Buffer.concat([this.tail, bytes]).subarray(-2);
    this.tail = Buffer.from(last);
  }

  private checked(text: string): string {
    if (text.indexOf(REPLACEMENT) === -1) return text;
    for (let at = text.indexOf(REPLACEMENT); at !== -1; at = text.indexOf(REPLACEMENT, at + 1)) {
      this.replacementsInText++;
    }
    if (this.replacementsInText > this.replacementsInBytes) throw new InvalidUtf8();
    return text;
  }
}

export class InvalidUtf8 extends Error {
  constructor() {
    super("the file is not valid UTF-8 text");
    this.name = "InvalidUtf8";
  }
}
