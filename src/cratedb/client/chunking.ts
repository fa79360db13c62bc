/**
 * Splits serialized `bulk_args` into request bodies of at most `limitBytes` bytes and `maxItems`
 * arg sets. The body around
 * the arg sets is made per attempt (`bulkBodyOf`), because each attempt's statement text differs
 * (query id, deadline). An arg set that alone exceeds the limit still travels, alone, so
 * CrateDB's own limit decides.
 */
import { type ArgGroup, type SerializedArgSets, splitGroup } from "./arg-sets.ts";

export interface BulkChunk {
  /** Position of the chunk's first arg set in the whole bulk. */
  readonly start: number;
  readonly count: number;
  /** The chunk's arg sets, in order. */
  readonly groups: readonly ArgGroup[];
}

/** Room for the leading comment and deadline the statement text gets per attempt. */
const TEXT_ALLOWANCE = 160;

export function* chunkBulk(
  stmt: string,
  args: SerializedArgSets,
  limitBytes: number,
  maxItems = Number.POSITIVE_INFINITY,
): Generator<BulkChunk> {
  const frame = Buffer.byteLength(`{"stmt":${JSON.stringify(stmt)},"bulk_args":[]}`) + TEXT_ALLOWANCE;
  const room = limitBytes - frame;
  let groups: ArgGroup[] = [];
  let bytes = 0;
  let count = 0;
  let start = 0;
  const withGroup = (group: ArgGroup) => bytes + (count > 0 ? 1 : 0) + group.json.length;
  const fits = (group: ArgGroup) => withGroup(group) <= room && count + group.count <= maxItems;
  const add = (group: ArgGroup) => {
    bytes = withGroup(group);
    count += group.count;
    groups.push(group);
  };
  for (const whole of args.groups) {
    // A group that does not fit is placed one arg set at a time (rare: groups are ~32 KiB, unless
    // requests are capped by arg sets).
    for (const group of fits(whole) ? [whole] : splitGroup(whole)) {
      if (count > 0 && !fits(group)) {
        yield { start, count, groups };
        start += count;
        groups = [];
        bytes = 0;
        count = 0;
      }
      add(group);
    }
  }
  if (count > 0) yield { start, count, groups };
}

const COMMA = Buffer.from(",");
const BODY_TAIL = Buffer.from("]}");

/** The body of one bulk request: the statement's final text around a chunk's arg sets. */
export function bulkBodyOf(text: string, groups: readonly ArgGroup[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`{"stmt":${JSON.stringify(text)},"bulk_args":[`)];
  groups.forEach((group, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(group.json);
  });
  parts.push(BODY_TAIL);
  return Buffer.concat(parts);
}
