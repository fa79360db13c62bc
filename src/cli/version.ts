import { BUILD_VERSION, buildCommit } from "./build-info.ts";

/** The package version. */
export const VERSION: string = BUILD_VERSION;

let commit: string | undefined;

/** The git commit the running code was built from, or "unknown"; asked for once, when first needed. */
export function gitCommit(): string {
  commit ??= buildCommit();
  return commit;
}

/** `version=0.1.0 commit=1a2b3c4d5e6f node=v24.21.0`: printed by `--version` and in the first log line. */
export function versionFields(): string {
  return `version=${VERSION} commit=${gitCommit()} node=${process.version}`;
}
