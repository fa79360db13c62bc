#!/usr/bin/env node
// Runs the compiled entry when the package has been built (`tsc` → dist/), else the TypeScript
// source directly: Node ≥ 24 strips types itself, except for files under node_modules.
import { existsSync } from "node:fs";

const compiled = new URL("../dist/src/main.js", import.meta.url);
await import(existsSync(compiled) ? compiled.href : new URL("../src/main.ts", import.meta.url).href);
