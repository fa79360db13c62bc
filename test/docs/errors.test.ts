import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ERROR_CODES, type ErrorCode } from "../../src/error-codes.ts";
import { DestinationError } from "../../src/errors.ts";
import { DOC_PATH, withRenderedTable } from "../../tools/error-docs.ts";

test("docs/errors.md shows every error code as src/error-codes.ts defines it (npm run docs:errors)", () => {
  const doc = readFileSync(DOC_PATH, "utf8");
  assert.equal(doc, withRenderedTable(doc), "run npm run docs:errors");
});

test("every code a user can act on has a hint, and it ends the message", () => {
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const info = ERROR_CODES[code] as { kind: string; hint?: string };
    if (info.kind !== "user") continue;
    assert.ok(info.hint && info.hint.length > 10, `${code} needs a hint`);
    const error = new DestinationError(code, "something happened");
    assert.equal(error.message, `something happened. ${info.hint}`);
    assert.equal(error.kind, "user");
  }
});

test("a specific hint replaces the code's, and null leaves the summary alone", () => {
  assert.equal(
    new DestinationError("TABLE_MISSING", "gone.", { hint: "Do this." }).message,
    "gone. Do this.",
  );
  assert.equal(new DestinationError("TABLE_MISSING", "gone", { hint: null }).message, "gone");
  assert.equal(new DestinationError("TABLE_CHANGING", "busy").kind, "transient");
});
