/**
 * What the operator allows the batch reader (the server's `--batch-file-*` flags): where batch
 * files may lie. Every field is optional; an absent one means the default documented with it.
 */
export interface BatchFileLimits {
  /**
   * Absolute directories batch files must lie in, after symbolic links and `..` are resolved.
   * Absent or empty: anywhere the server process may read.
   */
  readonly allowedDirs?: readonly string[];
  /**
   * How long opening the file or one read of it may make no progress before the call fails
   * (default 60 s: a healthy disk answers in milliseconds, a busy network mount in seconds).
   */
  readonly stallTimeoutMs?: number;
  /** Largest value one field may hold (default DEFAULT_MAX_FIELD_BYTES). */
  readonly maxFieldBytes?: number;
  /** Largest row: its values plus one byte per field (default DEFAULT_MAX_ROW_BYTES). */
  readonly maxRowBytes?: number;
}

/**
 * 64 MiB per value: far beyond any text column in practice, and a row still fits the body of one
 * request to CrateDB, whose `http.max_content_length` is 100 MB by default.
 */
export const DEFAULT_MAX_FIELD_BYTES = 64 * 1024 * 1024;

/**
 * 128 MiB per row. A row travels in one request body to CrateDB (the client never splits a row),
 * which by default refuses bodies over 100 MB, so larger rows could not be written anyway unless
 * the cluster raised that limit. One row costs a worker about three times its size (the parsed
 * text, its JSON and the request body), so this also bounds what one hostile row can take.
 */
export const DEFAULT_MAX_ROW_BYTES = 128 * 1024 * 1024;

/**
 * Fields of a CSV header at most. CrateDB tables have at most 1,000 columns by default
 * (`mapping.total_fields.limit`), so a longer header cannot be a table's; the bound keeps a
 * header of millions of empty fields from filling memory before it is refused.
 */
export const MAX_HEADER_FIELDS = 10_000;

/**
 * Plaintext of one Parquet file at most: Parquet is read from memory (its footer is at the end and
 * plaintext never touches the disk), so this bounds what one file can hold there.
 */
export const DEFAULT_MAX_PARQUET_BYTES = 256 * 1024 * 1024;
