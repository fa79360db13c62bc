import { createCipheriv, randomBytes } from "node:crypto";
import { readFile, truncate, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { after, before, test } from "node:test";
import { expectError, rows, SYNCED, TABLE } from "../helpers/batch-errors.ts";
import type { Cell } from "../helpers/batch-writer.ts";
import { batchDir, writeBatchFile } from "../helpers/batch-writer.ts";

let dir: string;
let cleanup: () => Promise<void>;
before(async () => {
  ({ dir, cleanup } = await batchDir());
});
after(() => cleanup());

test("a file without a key in the request's map is refused", async () => {
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: rows() });
  await expectError(file, { code: "BATCH_KEY_MISSING", message: /no decryption key/ }, { keys: {} });
});

test("the key is looked up by the exact path", async () => {
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: rows() });
  await expectError(
    file,
    { code: "BATCH_KEY_MISSING", message: /no decryption key/ },
    { keys: { [`${file.path}/`]: file.key, [basename(file.path)]: file.key } },
  );
});

test("a key that is not 32 bytes is refused", async () => {
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: rows() });
  await expectError(
    file,
    { code: "BATCH_KEY_INVALID", message: /16 bytes, expected 32/ },
    {
      keys: { [file.path]: randomBytes(16) },
    },
  );
});

for (const compression of ["zstd", "gzip", "none"] as const) {
  test(`a wrong key is reported as such (${compression})`, async () => {
    const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: rows(), compression });
    await expectError(
      file,
      { code: "BATCH_DECRYPT_FAILED", message: /wrong key or corrupt file/ },
      {
        keys: { [file.path]: randomBytes(32) },
      },
    );
  });
}

test("bad PKCS#7 padding is reported at the end of the file", async () => {
  const file = await writeBatchFile({
    dir,
    columns: TABLE.columns,
    rows: rows(),
    compression: "none",
    encryption: "none",
  });
  const plain = await readFile(file.path);
  // Fill up to a whole block with bytes that are not valid padding, then encrypt without padding.
  const fill = 16 - (plain.length % 16);
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv).setAutoPadding(false);
  const body = Buffer.concat([plain, Buffer.alloc(fill, 0), Buffer.alloc(16, 0)]);
  await writeFile(file.path, Buffer.concat([iv, cipher.update(body), cipher.final()]));
  const encrypted = {
    ...file,
    key,
    keys: { [file.path]: key },
    fileParams: { ...file.fileParams, encryption: "aes" as const },
  };
  await expectError(encrypted, { code: "BATCH_BAD_PADDING", message: /padding check failed/ });
});

test("ciphertext cut short of a whole block is a truncated file", async () => {
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: rows() });
  const { size } = await import("node:fs/promises").then((fs) => fs.stat(file.path));
  await truncate(file.path, size - 5);
  await expectError(file, { code: "BATCH_TRUNCATED", message: /not a whole number of 16-byte blocks/ });
});

test("a file shorter than the IV is a truncated file", async () => {
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: rows() });
  await truncate(file.path, 10);
  await expectError(file, { code: "BATCH_TRUNCATED", message: /shorter than the 16-byte AES IV/ });
});

for (const compression of ["zstd", "gzip"] as const) {
  test(`truncated ${compression} data is reported as corrupt`, async () => {
    const many = Array.from({ length: 2000 }, (_, i): Cell[] => [String(i), "1.00", `note ${i}`, SYNCED]);
    const file = await writeBatchFile({
      dir,
      columns: TABLE.columns,
      rows: many,
      compression,
      encryption: "none",
    });
    const { size } = await import("node:fs/promises").then((fs) => fs.stat(file.path));
    await truncate(file.path, Math.floor(size / 2));
    await expectError(file, {
      code: "BATCH_CORRUPT_COMPRESSED",
      message: new RegExp(`${compression} data is corrupt or truncated`),
    });
  });

  test(`a plain file announced as ${compression} is refused`, async () => {
    const file = await writeBatchFile({
      dir,
      columns: TABLE.columns,
      rows: rows(),
      compression: "none",
      encryption: "none",
    });
    await expectError(
      file,
      { code: "BATCH_CORRUPT_COMPRESSED", message: new RegExp(`not a ${compression} stream`) },
      { fileParams: { ...file.fileParams, compression } },
    );
  });
}

test("corrupt zstd data in the middle of the stream is reported as corrupt", async () => {
  const many = Array.from({ length: 5000 }, (_, i): Cell[] => [String(i), "1.00", `note ${i}`, SYNCED]);
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: many, encryption: "none" });
  const bytes = await readFile(file.path);
  for (let i = 100; i < bytes.length - 100; i += 7) bytes[i] = bytes[i]! ^ 0x5a;
  await writeFile(file.path, bytes);
  await expectError(file, { code: "BATCH_CORRUPT_COMPRESSED", message: /zstd data is corrupt or truncated/ });
});

test("a missing file is unreadable", async () => {
  const file = await writeBatchFile({ dir, columns: TABLE.columns, rows: rows() });
  await expectError(
    { ...file, path: `${file.path}.gone`, keys: { [`${file.path}.gone`]: file.key } },
    {
      code: "BATCH_FILE_UNREADABLE",
      message: /cannot read the file \(ENOENT\)/,
    },
  );
});
