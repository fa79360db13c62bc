/** Reading `/_sql` answers: exact JSON, and a typed error when the answer is not CrateDB's. */
import { CrateDbError } from "../errors.ts";
import { parseExactJson } from "./exact-json.ts";
import type { Node } from "./nodes.ts";
import type { HttpResponse } from "./transport.ts";

export function parseResponse(response: HttpResponse): unknown {
  try {
    return parseExactJson(response.text);
  } catch (cause) {
    throw badResponse(response.node, "a body that is not JSON", cause);
  }
}

export function badResponse(node: Node, what: string, cause?: unknown): CrateDbError {
  return new CrateDbError(
    {
      code: "CRATEDB_NOT_CRATEDB",
      retry: "never",
    },
    `${node.url} answered with ${what}; check that the URL points at a CrateDB HTTP endpoint (usually port 4200).`,
    { cause },
  );
}

/** Every scalar in nested arg lists: candidates for scrubbing from error messages. */
export function* flatValues(values: readonly unknown[]): Generator<unknown> {
  for (const value of values) {
    if (Array.isArray(value)) yield* flatValues(value);
    else yield value;
  }
}
