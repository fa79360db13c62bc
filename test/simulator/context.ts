/** What every statement handler gets: the engine's state plus the caller's session. */
import type { Catalog } from "./catalog.ts";
import type { Pg } from "./pg.ts";
import type { Privileges } from "./privileges.ts";

export interface Session {
  user: string;
  /** From the `Default-Schema` header of the connection's first request (cratedb.md §1.10). */
  schema: string;
}

export interface VersionRules {
  /** Reported version, e.g. "6.4.3". */
  readonly number: string;
  /** Pre-6.2 naming: `_`-prefixed names matching `^_[a-z]+(_[a-z]+)*$` are rejected (§3.1). */
  readonly legacyUnderscoreRule: boolean;
}

export interface Ctx {
  readonly pg: Pg;
  readonly catalog: Catalog;
  readonly privileges: Privileges;
  readonly session: Session;
  readonly version: VersionRules;
  /** The statement text as received (token positions index into it). */
  readonly stmt: string;
}

/** A statement's outcome before it is put in the envelope. */
export type StatementResult =
  | {
      readonly kind: "rows";
      readonly cols: readonly string[];
      readonly colTypes: readonly (number | number[])[];
      /** Cells already serialised as JSON text. */
      readonly rows: readonly (readonly string[])[];
    }
  | { readonly kind: "count"; readonly rowcount: number };

export const count = (rowcount: number): StatementResult => ({ kind: "count", rowcount });
