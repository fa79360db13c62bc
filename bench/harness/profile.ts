/**
 * Summary of a V8 `.cpuprofile` (what `node --cpu-prof` writes): self time per function and per
 * source file, from the samples and their time deltas. Self time is where the CPU was when
 * sampled, so it names what to make cheaper; the project's own files are listed by path.
 */

export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
  }[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileEntry {
  /** `function (file:line)`, or V8's own `(garbage collector)`, `(program)`, `(idle)`. */
  readonly name: string;
  readonly selfMs: number;
  /** Share of the sampled time, idle excluded. */
  readonly percent: number;
}

export interface ProfileSummary {
  readonly sampledMs: number;
  readonly idleMs: number;
  readonly functions: readonly ProfileEntry[];
  readonly files: readonly ProfileEntry[];
}

/** `file:///work/x/src/batch/csv-parser.ts` → `src/batch/csv-parser.ts`; `node:zlib` stays. */
export function shortUrl(url: string, root = ""): string {
  let u = url.replace(/^file:\/\//, "");
  if (root !== "" && u.startsWith(root)) u = u.slice(root.length);
  const modules = u.lastIndexOf("/node_modules/");
  if (modules >= 0) u = u.slice(modules + 1);
  return u;
}

/**
 * `window` (µs on CLOCK_MONOTONIC, which V8's profile timestamps and `process.hrtime` of any
 * process on the machine share) keeps only the samples taken within it, e.g. one call's.
 */
export function summarise(
  profile: CpuProfile,
  root = "",
  top = 25,
  window?: { readonly fromUs: number; readonly toUs: number },
): ProfileSummary {
  const byNode = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window !== undefined && (at < window.fromUs || at > window.toUs)) continue;
    // A sample's delta is the time since the previous one; V8 can emit small negative ones.
    byNode.set(id, (byNode.get(id) ?? 0) + Math.max(0, delta));
  }
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let sampled = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const us = byNode.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idle += us;
      continue;
    }
    sampled += us;
    const file = url === "" ? "" : shortUrl(url, root);
    const name =
      file === ""
        ? functionName || "(anonymous)"
        : `${functionName || "(anonymous)"} (${file}:${lineNumber + 1})`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const fileKey = file === "" ? functionName || "(native)" : file;
    files.set(fileKey, (files.get(fileKey) ?? 0) + us);
  }
  const entries = (map: Map<string, number>): ProfileEntry[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        selfMs: Math.round(us / 100) / 10,
        percent: sampled > 0 ? Math.round((1000 * us) / sampled) / 10 : 0,
      }));
  return {
    sampledMs: Math.round(sampled / 1000),
    idleMs: Math.round(idle / 1000),
    functions: entries(functions),
    files: entries(files),
  };
}
