/**
 * `bulk_args` serialized ahead of sending: JSON bytes in groups of a few tens of KiB, outside the
 * JS heap.
 *
 * Why: rows waiting for a free request slot, and rows of requests in flight, used to stay JS
 * arrays until CrateDB answered. They lived long enough to be copied by young-generation
 * collections and then promoted: during a 100 MB batch the old generation grew to ~150 MB between
 * full collections with under 50 MB live, and full collections took 20–30 ms. Serialized when
 * prepared, the rows die young and the bytes wait instead (old generation ~26 MB, 10 % more rows/s;
 * docs/benchmarks.md). Each group stays a small string on its way to bytes: V8 puts every string
 * over ~128 KiB straight into the old generation.
 *
 * The values are needed again only on rare paths — items sent again after a passing failure, and
 * the values scrubbed from an error message — and are parsed back from the bytes then.
 */
import type { ArgGroup, SerializedArgSets, SqlValue } from "../sql-client.ts";
import { parseExactJson, stringifyRows } from "./exact-json.ts";

export type { ArgGroup, SerializedArgSets };

type Rows = readonly (readonly SqlValue[])[];

/** Serialized size aimed at per group: well under V8's large-object threshold. */
const GROUP_TARGET_BYTES = 32 * 1024;
/** The first arg set alone measures the rows' width; later groups are sized from the last one. */
const FIRST_GROUP_ROWS = 1;
const MAX_GROUP_ROWS = 4096;

export function serializeArgSets(rows: Rows): SerializedArgSets {
  const groups: ArgGroup[] = [];
  let size = FIRST_GROUP_ROWS;
  for (let i = 0; i < rows.length; ) {
    const end = Math.min(rows.length, i + size);
    // One JSON.stringify call per group: about half the cost of one call per arg set.
    const json = stringifyRows(i === 0 && end === rows.length ? rows : rows.slice(i, end));
    groups.push({ json: Buffer.from(json.slice(1, -1)), count: end - i });
    size = Math.max(1, Math.min(MAX_GROUP_ROWS, Math.floor((size * GROUP_TARGET_BYTES) / json.length)));
    i = end;
  }
  return { kind: "serialized", count: rows.length, groups };
}

/**
 * Each arg set of a group as its own group, byte for byte: the top-level commas are found by a
 * scan that skips strings (multi-byte UTF-8 never contains an ASCII byte, so bytes suffice).
 */
export function splitGroup(group: ArgGroup): ArgGroup[] {
  if (group.count === 1) return [group];
  const json = group.json;
  const parts: ArgGroup[] = [];
  let depth = 0;
  let inString = false;
  let from = 0;
  for (let i = 0; i < json.length; i++) {
    const b = json[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_ARRAY || b === OPEN_OBJECT) depth++;
    else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) depth--;
    else if (b === COMMA && depth === 0) {
      parts.push({ json: json.subarray(from, i), count: 1 });
      from = i + 1;
    }
  }
  parts.push({ json: json.subarray(from), count: 1 });
  if (parts.length !== group.count) throw new Error(`arg group of ${group.count} split into ${parts.length}`);
  return parts;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** Arg sets picked by position, byte for byte, each its own group (a retry's items). */
export function pickArgSets(args: SerializedArgSets, positions: readonly number[]): SerializedArgSets {
  const picked = new Map<number, ArgGroup>();
  forGroupsHolding(args, positions, (group, start, wanted) => {
    splitGroup(group).forEach((one, k) => {
      if (wanted.has(start + k)) picked.set(start + k, one);
    });
  });
  return { kind: "serialized", count: positions.length, groups: positions.map((p) => picked.get(p)!) };
}

/** The arg sets at `positions`, parsed back from their bytes (for scrubbing their values from messages). */
export function argSetsAt(args: SerializedArgSets, positions: readonly number[]): SqlValue[][] {
  const found = new Map<number, SqlValue[]>();
  forGroupsHolding(args, positions, (group, start, wanted) => {
    const rows = parseExactJson(`[${group.json.toString("utf8")}]`) as SqlValue[][];
    rows.forEach((row, k) => {
      if (wanted.has(start + k)) found.set(start + k, row);
    });
  });
  return positions.map((p) => found.get(p) ?? []);
}

/** Calls `visit` for each group holding one of `positions`, with the position of its first arg set. */
function forGroupsHolding(
  args: SerializedArgSets,
  positions: readonly number[],
  visit: (group: ArgGroup, start: number, wanted: ReadonlySet<number>) => void,
): void {
  const wanted = new Set(positions);
  let start = 0;
  for (const group of args.groups) {
    const end = start + group.count;
    let holds = false;
    for (let p = start; p < end && !holds; p++) holds = wanted.has(p);
    if (holds) visit(group, start, wanted);
    start = end;
  }
}

/** Arg sets as given to `bulk`: rows are serialized here, serialized ones pass through. */
export function serializedArgs(
  args: readonly (readonly SqlValue[])[] | SerializedArgSets,
): SerializedArgSets {
  return isSerialized(args) ? args : serializeArgSets(args);
}

function isSerialized(args: readonly (readonly SqlValue[])[] | SerializedArgSets): args is SerializedArgSets {
  return !Array.isArray(args);
}
