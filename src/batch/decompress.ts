import type { Transform } from "node:stream";
import { createGunzip, createZstdDecompress } from "node:zlib";
import type { BatchFormat, Compression } from "./file-params.ts";

// The 16 KiB default output chunk halves zstd throughput; 256 KiB was as fast as 1 MiB in the
// decode benchmark and leaves fewer large buffers waiting for GC (docs/batch-files.md).
const CHUNK = 1 << 18;

export function decompressor(compression: Exclude<Compression, "none">): Transform {
  return compression === "zstd"
    ? createZstdDecompress({ chunkSize: CHUNK })
    : createGunzip({ chunkSize: CHUNK });
}

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const GZIP_MAGIC = [0x1f, 0x8b];
const PARQUET_MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

/** How many leading bytes `looksLike` needs to decide. */
export const LEADING_BYTES = 16;

/**
 * Whether the first plaintext bytes are what the file params announce. Run right after
 * decryption, this tells a wrong key (random bytes) apart from a corrupt stream further on.
 * `head` holds up to LEADING_BYTES bytes (fewer only when the file is that short).
 */
export function looksLike(head: Uint8Array, compression: Compression, format: BatchFormat): boolean {
  if (compression === "zstd") {
    // Zstandard frame, or a skippable frame (magic 0x184D2A50–5F, little-endian).
    return (
      startsWith(head, ZSTD_MAGIC) ||
      (head.length >= 4 &&
        (head[0]! & 0xf0) === 0x50 &&
        head[1] === 0x2a &&
        head[2] === 0x4d &&
        head[3] === 0x18)
    );
  }
  if (compression === "gzip") return startsWith(head, GZIP_MAGIC);
  if (format === "parquet") return startsWith(head, PARQUET_MAGIC);
  return looksLikeText(head);
}

function startsWith(head: Uint8Array, magic: readonly number[]): boolean {
  return head.length >= magic.length && magic.every((b, i) => head[i] === b);
}

/** Valid UTF-8 (a sequence cut at the end is fine) without control characters other than tab/CR/LF. */
function looksLikeText(head: Uint8Array): boolean {
  let text: string;
  try {
    // `stream: true` accepts a multi-byte sequence cut off at the end of `head`.
    text = new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
  } catch {
    return false;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) return false;
  }
  return true;
}
