/**
 * The CrateDB nodes of one client, handed out round-robin. A node that could not be reached is
 * skipped for a cool-down and then tried again; when every node is cooling down, the one whose
 * cool-down ends first is tried anyway, so a cluster that comes back is noticed without waiting.
 */

export interface Node {
  /** Base URL as configured, e.g. `https://host:4200` (no credentials). */
  readonly url: string;
  /** `scheme://host:port`, the key of the connection pool. */
  readonly origin: string;
  /** Path prefix before `/_sql`, e.g. `/crate` behind a proxy; empty otherwise. */
  readonly prefix: string;
  downUntil: number;
}

export class NodeList {
  readonly nodes: readonly Node[];
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #next = 0;

  constructor(urls: readonly string[], cooldownMs: number, now: () => number = Date.now) {
    this.nodes = urls.map((url) => {
      const parsed = new URL(url);
      return { url, origin: parsed.origin, prefix: parsed.pathname.replace(/\/+$/, ""), downUntil: 0 };
    });
    this.#cooldownMs = cooldownMs;
    this.#now = now;
  }

  /** The next node to use, preferring nodes that are not cooling down. */
  pick(): Node {
    const now = this.#now();
    const count = this.nodes.length;
    for (let i = 0; i < count; i++) {
      const node = this.nodes[(this.#next + i) % count]!;
      if (node.downUntil <= now) {
        this.#next = (this.#next + i + 1) % count;
        return node;
      }
    }
    return this.nodes.reduce((a, b) => (b.downUntil < a.downUntil ? b : a));
  }

  /** Every node, those not cooling down first (for queries that try each node once). */
  ordered(): Node[] {
    const now = this.#now();
    return [...this.nodes].sort((a, b) => Number(a.downUntil > now) - Number(b.downUntil > now));
  }

  /** Whether any node other than `node` is not cooling down. */
  hasOtherAvailable(node: Node): boolean {
    const now = this.#now();
    return this.nodes.some((n) => n !== node && n.downUntil <= now);
  }

  markDown(node: Node): void {
    node.downUntil = this.#now() + this.#cooldownMs;
  }

  markUp(node: Node): void {
    node.downUntil = 0;
  }
}
