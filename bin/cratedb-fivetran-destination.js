#!/usr/bin/env node
// The `cratedb-fivetran-destination` command. In a clone it runs the TypeScript sources (Node ≥ 24
// strips the types); the published package has no src/ but the JavaScript bundled from it at pack
// time (dist/, tools/build.ts), since Node does not strip types in files under node_modules.
import { existsSync } from "node:fs";

const source = new URL("../src/main.ts", import.meta.url);
await import(existsSync(source) ? source.href : new URL("../dist/main.js", import.meta.url).href);
