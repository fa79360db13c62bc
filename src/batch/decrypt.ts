import { createDecipheriv, type Decipheriv } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { BatchFileError } from "./errors.ts";

const IV_BYTES = 16;
const BLOCK_BYTES = 16;
export const KEY_BYTES = 32;

/**
 * AES-256-CBC as Fivetran writes it (fivetran-protocol.md §6.2): the first 16 bytes are the IV,
 * the rest ciphertext with PKCS#7 padding. Padding is checked by `final()`; nothing else is
 * trimmed. Errors carry the file name only, never the key.
 */
export class AesCbcDecrypt extends Transform {
  private readonly path: string;
  private readonly key: Uint8Array;
  private decipher: Decipheriv | undefined;
  private ivParts: Buffer[] = [];
  private ivLength = 0;
  private cipherBytes = 0;

  constructor(path: string, key: Uint8Array) {
    super();
    if (key.length !== KEY_BYTES) {
      throw new BatchFileError("BATCH_KEY_INVALID", path, `the AES key has ${key.length} bytes, expected 32`);
    }
    this.path = path;
    this.key = key;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let data = chunk;
    if (this.decipher === undefined) {
      const need = IV_BYTES - this.ivLength;
      this.ivParts.push(data.subarray(0, need));
      this.ivLength += Math.min(need, data.length);
      data = data.subarray(need);
      if (this.ivLength < IV_BYTES) {
        callback();
        return;
      }
      this.decipher = createDecipheriv("aes-256-cbc", this.key, Buffer.concat(this.ivParts));
      this.ivParts = [];
    }
    this.cipherBytes += data.length;
    if (data.length > 0) this.push(this.decipher.update(data));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.decipher === undefined || this.cipherBytes === 0 || this.cipherBytes % BLOCK_BYTES !== 0) {
      const problem =
        this.decipher === undefined
          ? "file is shorter than the 16-byte AES IV (truncated or not encrypted)"
          : "AES ciphertext is not a whole number of 16-byte blocks (truncated file)";
      callback(new BatchFileError("BATCH_TRUNCATED", this.path, problem));
      return;
    }
    try {
      this.push(this.decipher.final());
      callback();
    } catch (cause) {
      callback(
        new BatchFileError(
          "BATCH_BAD_PADDING",
          this.path,
          "AES padding check failed at the end of the file (wrong key, or corrupt or truncated ciphertext)",
          {},
          { cause },
        ),
      );
    }
  }
}
