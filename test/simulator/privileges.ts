/**
 * Users and privileges (cratedb.md §6): `crate` is the superuser; DQL/DML/DDL/AL granted or
 * denied on CLUSTER, SCHEMA or TABLE, the most specific level deciding.
 */
import { missingPrivilege, relationUnknown, SimError, schemaUnknown } from "./errors.ts";

export type PrivType = "DQL" | "DML" | "DDL" | "AL";
export const PRIV_TYPES: readonly PrivType[] = ["DQL", "DML", "DDL", "AL"];

export interface User {
  readonly name: string;
  password?: string | undefined;
  readonly superuser: boolean;
}

type Level = "CLUSTER" | "SCHEMA" | "TABLE";

export class Privileges {
  readonly users = new Map<string, User>();
  /** key `user|type|level|ident` → GRANT or DENY. */
  private readonly entries = new Map<string, "GRANT" | "DENY">();

  constructor(users: Readonly<Record<string, string | undefined>>) {
    this.users.set("crate", { name: "crate", password: users["crate"], superuser: true });
    for (const [name, password] of Object.entries(users)) {
      if (name !== "crate") this.users.set(name, { name, password, superuser: false });
    }
  }

  private static k(user: string, type: PrivType, level: Level, ident: string) {
    return `${user}|${type}|${level}|${ident}`;
  }

  set(user: string, type: PrivType, level: Level, ident: string, state: "GRANT" | "DENY" | "REVOKE"): void {
    const k = Privileges.k(user, type, level, ident);
    if (state === "REVOKE") this.entries.delete(k);
    else this.entries.set(k, state);
  }

  dropUser(user: string): void {
    this.users.delete(user);
    for (const k of [...this.entries.keys()]) if (k.startsWith(`${user}|`)) this.entries.delete(k);
  }

  /** Renames TABLE-level grants with the table (RENAME TO / SWAP keep privileges with the relation). */
  moveTable(from: string, to: string): void {
    for (const [k, v] of [...this.entries]) {
      const parts = k.split("|");
      if (parts[2] === "TABLE" && parts[3] === from) {
        this.entries.delete(k);
        this.entries.set(`${parts[0]}|${parts[1]}|TABLE|${to}`, v);
      }
    }
  }

  has(user: string, type: PrivType, schema?: string, table?: string): boolean {
    const u = this.users.get(user);
    if (u === undefined) return false;
    if (u.superuser) return true;
    const levels: [Level, string][] = [];
    if (schema !== undefined && table !== undefined) levels.push(["TABLE", `${schema}.${table}`]);
    if (schema !== undefined) levels.push(["SCHEMA", schema]);
    levels.push(["CLUSTER", ""]);
    for (const [level, ident] of levels) {
      const s = this.entries.get(Privileges.k(user, type, level, ident));
      if (s !== undefined) return s === "GRANT";
    }
    return false;
  }

  /**
   * CrateDB's view of "any privilege" at one level: DENY if any privilege there is denied, GRANT if
   * any is granted, undefined when there are none (then the level above decides).
   */
  private anyAt(user: string, level: Level, ident: string): "GRANT" | "DENY" | undefined {
    let policy: "GRANT" | "DENY" | undefined;
    for (const type of PRIV_TYPES) {
      const s = this.entries.get(Privileges.k(user, type, level, ident));
      if (s !== undefined && policy !== "DENY") policy = s;
    }
    return policy;
  }

  /** Whether the schema exists for the user (`hasAnyPrivilege` on the schema, else the cluster). */
  seesSchema(user: string, schema: string): boolean {
    if (this.users.get(user)?.superuser) return true;
    return (this.anyAt(user, "SCHEMA", schema) ?? this.anyAt(user, "CLUSTER", "")) === "GRANT";
  }

  /** Whether the table exists for the user: the table's level, else its schema's, else the cluster's. */
  seesTable(user: string, schema: string, table: string): boolean {
    if (this.users.get(user)?.superuser) return true;
    const policy =
      this.anyAt(user, "TABLE", `${schema}.${table}`) ??
      this.anyAt(user, "SCHEMA", schema) ??
      this.anyAt(user, "CLUSTER", "");
    return policy === "GRANT";
  }

  /**
   * Requires a privilege. Relations and schemas the user holds no privilege on are answered as if
   * they did not exist (4041, or 4045 when the schema is not visible either); 4011 only when the
   * user sees the object but lacks this privilege type (cratedb.md §0).
   */
  require(user: string, type: PrivType, schema?: string, table?: string): void {
    if (this.has(user, type, schema, table)) return;
    if (schema !== undefined && table !== undefined) {
      if (this.seesTable(user, schema, table)) throw missingPrivilege(type, user);
      if (this.seesSchema(user, schema)) throw relationUnknown(`${schema}.${table}`);
      throw schemaUnknown(schema);
    }
    if (schema !== undefined && !this.seesSchema(user, schema)) throw schemaUnknown(schema);
    throw missingPrivilege(type, user);
  }

  requireSuperuserOrAl(user: string): void {
    if (!this.has(user, "AL")) throw missingPrivilege("AL", user);
  }

  checkUserExists(name: string): User {
    const u = this.users.get(name);
    if (!u) throw new SimError(40410, "UserUnknownException", `User '${name}' does not exist`);
    return u;
  }
}
