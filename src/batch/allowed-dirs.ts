import { realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { BatchFileError } from "./errors.ts";

/** Whether `path` (absolute, normalised) lies below `dir` (absolute, normalised). */
function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  // `..x` is a name inside `dir`; only `..` itself or `../…` leaves it.
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** The allowed directories as given and as the file system resolves them (those that exist). */
async function roots(dirs: readonly string[]): Promise<{ given: string[]; real: string[] }> {
  const given = dirs.map((d) => resolve(d));
  const real: string[] = [];
  for (const dir of given) {
    try {
      real.push(await realpath(dir));
    } catch {
      // A directory that does not exist holds no file; it allows nothing.
    }
  }
  return { given, real };
}

export const notAllowed = (path: string): BatchFileError =>
  new BatchFileError(
    "BATCH_FILE_NOT_ALLOWED",
    path,
    "the file is outside the batch file directories this destination may read (--batch-file-dirs)",
  );

/**
 * Refuses a path outside the allowed directories. First by its text, so a path plainly outside
 * is refused without touching the file system (which would tell the caller whether it exists),
 * then by where the file system resolves it, so a symbolic link or `..` cannot lead outside.
 * Errors name the file by base name only.
 */
export async function checkAllowedPath(path: string, dirs: readonly string[] | undefined): Promise<void> {
  if (dirs === undefined || dirs.length === 0) return;
  const { given, real } = await roots(dirs);
  const lexical = resolve(path);
  if (![...given, ...real].some((dir) => isInside(dir, lexical))) throw notAllowed(path);
  let resolved: string;
  try {
    resolved = await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new BatchFileError("BATCH_FILE_UNREADABLE", path, `cannot read the file (${code})`);
  }
  if (!real.some((dir) => isInside(dir, resolved))) throw notAllowed(path);
}

/** Whether `resolved` (a path the file system resolved) lies in one of `dirs`. */
export async function isAllowedResolved(resolved: string, dirs: readonly string[]): Promise<boolean> {
  const { real } = await roots(dirs);
  return real.some((dir) => isInside(dir, resolved));
}
