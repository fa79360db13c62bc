import pkg from "../../package.json" with { type: "json" };

/** The package version, printed by `--version` and logged at start. */
export const VERSION: string = pkg.version;
