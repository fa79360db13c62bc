export { defaultRequiredColumns } from "./column-plan.ts";
export { type BatchErrorCode, BatchFileError, shownColumnName, shownFileName } from "./errors.ts";
export type { BatchFormat, Compression, Encryption, FileParams } from "./file-params.ts";
export { type BatchFileLimits, DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_ROW_BYTES } from "./limits.ts";
export { DEFAULT_STALL_TIMEOUT_MS } from "./open-file.ts";
export { DEFAULT_ROW_CHUNK_BYTES, type ReadBatchFileOptions, readBatchFile } from "./read-batch-file.ts";
export { type BatchValue, type RowChunk, UNMODIFIED, type Unmodified } from "./values.ts";
