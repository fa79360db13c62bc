/**
 * How one batch file is packed, in the destination's own terms. src/rpc converts the protobuf
 * `FileParams` (+ `BatchFileFormat`) into these plain values, so this room never sees generated code.
 */

export type Compression = "zstd" | "gzip" | "none";
export type Encryption = "aes" | "none";
export type BatchFormat = "csv" | "parquet";

export interface FileParams {
  readonly compression: Compression;
  readonly encryption: Encryption;
  /**
   * A field whose (unquoted) text equals this is NULL. The empty string means "no NULL marker":
   * an empty field is an empty value, never NULL (fivetran-protocol.md §6.4).
   */
  readonly nullString: string;
  /** A field equal to this means "column not changed" (update files). Empty = no marker. */
  readonly unmodifiedString: string;
}
