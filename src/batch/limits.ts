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
}
