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
}
