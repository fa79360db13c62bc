/** Reads a Dockerfile into instructions, enough to run its commands outside Docker in tests. */

export interface Instruction {
  /** Upper case: FROM, RUN, ENTRYPOINT, … */
  readonly keyword: string;
  /** The rest of the instruction, continuation lines joined. */
  readonly args: string;
}

export function parseDockerfile(text: string): Instruction[] {
  const joined = text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ");
  const out: Instruction[] = [];
  for (const line of joined.split("\n")) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (m) out.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim() });
  }
  return out;
}

/** The instructions of the last stage: what the image runs with. */
export function finalStage(instructions: readonly Instruction[]): Instruction[] {
  const from = instructions.findLastIndex((i) => i.keyword === "FROM");
  return instructions.slice(from);
}

/** An exec-form (JSON array) command; shell form is refused, since it would need a shell in the image. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === "string"))
    throw new Error(`not an exec-form command: ${args}`);
  return parsed;
}

/** HEALTHCHECK [options] CMD [...]: the options and the command. */
export function healthcheck(args: string): { options: Record<string, string>; command: string[] } {
  const m = /^((?:--[a-z-]+=\S+\s+)*)CMD\s+(.*)$/.exec(args);
  if (!m) throw new Error(`unexpected HEALTHCHECK: ${args}`);
  const options: Record<string, string> = {};
  for (const option of m[1]!.trim().split(/\s+/).filter(Boolean)) {
    const [name, value] = option.slice(2).split("=");
    options[name!] = value!;
  }
  return { options, command: execForm(m[2]!) };
}
