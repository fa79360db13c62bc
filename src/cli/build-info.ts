/**
 * What this copy of the destination was built from. Running from a clone, package.json and git
 * tell. The npm package and the executable are built by tools/build.ts, which replaces this module
 * with the values it saw: an installed package has no repository to ask, and may sit inside
 * someone else's, whose commit would be wrong.
 */
import { execFileSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pkg from "../../package.json" with { type: "json" };

export const BUILD_VERSION: string = pkg.version;

/** The checkout's commit (12 hex digits), or "unknown" when this is not a git checkout of the project. */
export function buildCommit(): string {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  try {
    const [top, commit] = execFileSync("git", ["rev-parse", "--show-toplevel", "--short=12", "HEAD"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5_000,
    })
      .trim()
      .split("\n");
    // Only the project's own repository counts, not one that the sources happen to sit in.
    if (top && commit && realpathSync(top) === realpathSync(root)) return commit;
  } catch {
    // No git, not a repository, or no commit yet.
  }
  return "unknown";
}
