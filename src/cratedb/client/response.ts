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

/** CrateDB's bulk answer up to its results: `{"cols":[],"duration":3.05,"results":[` (6.4.3). */
const BULK_HEAD = /^\{"cols":\[\],"duration":-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?,"results":\[/;
const ITEM = '{"rowcount":';

/**
 * The row counts of a bulk answer whose items are all plain successes (`{"rowcount":N}`, N ≥ 0) —
 * nearly every answer — read without building an object per item; undefined for any other
 * answer (a failed item, another layout), which then takes the full parse. A 10,000-item answer
 * would otherwise be 10,000 objects to parse and collect.
 */
export function plainRowcounts(text: string): number[] | undefined {
  const head = BULK_HEAD.exec(text);
  if (head === null) return undefined;
  const counts: number[] = [];
  let i = head[0].length;
  if (text.charCodeAt(i) === CLOSE_ARRAY) i++;
  else {
    for (;;) {
      if (!text.startsWith(ITEM, i)) return undefined;
      i += ITEM.length;
      const from = i;
      let n = 0;
      for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) n = n * 10 + (c - 48);
      if (i === from || i - from > 15 || text.charCodeAt(i) !== CLOSE_OBJECT) return undefined;
      counts.push(n);
      const next = text.charCodeAt(++i);
      i++;
      if (next === CLOSE_ARRAY) break;
      if (next !== COMMA) return undefined;
    }
  }
  return i === text.length - 1 && text.charCodeAt(i) === CLOSE_OBJECT ? counts : undefined;
}

const COMMA = 0x2c;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

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
