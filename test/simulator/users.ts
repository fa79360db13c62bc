/** CREATE/DROP/ALTER USER and GRANT/REVOKE/DENY (cratedb.md §6). */
import { type Ctx, count, type StatementResult } from "./context.ts";
import { SimError, syntaxError } from "./errors.ts";
import { JsonNumber, type JsonValue } from "./json.ts";
import { nameOf } from "./names.ts";
import { PRIV_TYPES, type PrivType } from "./privileges.ts";
import { readName, resolveRelation } from "./rewrite.ts";
import { closeParen, isPunct, isWord, splitTopLevel, type Tok } from "./tokens.ts";

const strip = (toks: readonly Tok[]) => (isPunct(toks[toks.length - 1], ";") ? toks.slice(0, -1) : [...toks]);

function passwordOption(
  toks: readonly Tok[],
  i: number,
  args: readonly JsonValue[],
): string | null | undefined {
  if (!isWord(toks[i], "with") || !isPunct(toks[i + 1], "(")) return undefined;
  const close = closeParen(toks, i + 1);
  let password: string | null | undefined;
  for (const part of splitTopLevel(toks.slice(i + 2, close))) {
    if (!isWord(part[0], "password")) continue;
    const v = part[2];
    if (v?.kind === "param") {
      const a = args[v.param!];
      password = a === null ? null : a instanceof JsonNumber ? a.text : String(a);
    } else if (v?.kind === "string") password = v.value;
    else if (isWord(v, "null")) password = null;
  }
  return password;
}

export function createUser(ctx: Ctx, all: readonly Tok[], args: readonly JsonValue[]): StatementResult {
  const toks = strip(all);
  ctx.privileges.requireSuperuserOrAl(ctx.session.user);
  const name = nameOf(toks[2]);
  if (ctx.privileges.users.has(name))
    throw new SimError(4099, "RoleAlreadyExistsException", `Role '${name}' already exists`);
  const password = passwordOption(toks, 3, args);
  ctx.privileges.users.set(name, { name, ...(password ? { password } : {}), superuser: false });
  return count(1);
}

export function alterUser(ctx: Ctx, all: readonly Tok[], args: readonly JsonValue[]): StatementResult {
  const toks = strip(all);
  const name = nameOf(toks[2]);
  if (name !== ctx.session.user) ctx.privileges.requireSuperuserOrAl(ctx.session.user);
  const u = ctx.privileges.checkUserExists(name);
  if (!isWord(toks[3], "set")) throw syntaxError("line 1:1: mismatched input, expecting 'SET'");
  const password = passwordOption([{ ...toks[3]!, value: "with" }, ...toks.slice(4)], 0, args);
  if (password) u.password = password;
  else delete u.password;
  return count(1);
}

export function dropUser(ctx: Ctx, all: readonly Tok[]): StatementResult {
  const toks = strip(all);
  ctx.privileges.requireSuperuserOrAl(ctx.session.user);
  let i = 2;
  let ifExists = false;
  if (isWord(toks[i], "if") && isWord(toks[i + 1], "exists")) {
    ifExists = true;
    i += 2;
  }
  const name = nameOf(toks[i]);
  if (name === "crate")
    throw new SimError(4000, "UnsupportedFeatureException", "Cannot drop a superuser 'crate'");
  if (!ctx.privileges.users.has(name)) {
    if (ifExists) return count(0);
    throw new SimError(40410, "RoleUnknownException", `Role '${name}' does not exist`);
  }
  ctx.privileges.dropUser(name);
  return count(1);
}

/** GRANT|DENY types [ON SCHEMA s | ON TABLE t] TO users; REVOKE … FROM users. */
export function privilegeStatement(ctx: Ctx, all: readonly Tok[]): StatementResult {
  const toks = strip(all);
  ctx.privileges.requireSuperuserOrAl(ctx.session.user);
  const verb = toks[0]!.value.toUpperCase() as "GRANT" | "DENY" | "REVOKE";
  const onAt = toks.findIndex((t) => isWord(t, "on"));
  const toAt = toks.findIndex((t) => isWord(t, verb === "REVOKE" ? "from" : "to"));
  if (toAt < 0)
    throw syntaxError(`line 1:1: mismatched input '<EOF>' expecting '${verb === "REVOKE" ? "FROM" : "TO"}'`);
  const typeToks = toks.slice(1, onAt >= 0 ? onAt : toAt);
  let types: PrivType[];
  if (isWord(typeToks[0], "all")) types = [...PRIV_TYPES];
  else {
    types = splitTopLevel(typeToks).map((p) => {
      const v = p[0]?.value.toUpperCase();
      if (!PRIV_TYPES.includes(v as PrivType))
        throw syntaxError(`line 1:${(p[0]?.pos ?? 0) + 1}: mismatched input '${p[0]?.text}'`);
      return v as PrivType;
    });
  }
  let level: "CLUSTER" | "SCHEMA" | "TABLE" = "CLUSTER";
  const idents: string[] = [];
  if (onAt >= 0) {
    const kind = toks[onAt + 1]?.value;
    const objs = splitTopLevel(toks.slice(onAt + 2, toAt));
    if (kind === "schema") {
      level = "SCHEMA";
      for (const o of objs) idents.push(nameOf(o[0]));
    } else if (kind === "table" || kind === "view") {
      level = "TABLE";
      for (const o of objs) {
        const r = resolveRelation(ctx, readName(o, 0).parts);
        ctx.catalog.get(r.schema, r.name);
        idents.push(`${r.schema}.${r.name}`);
      }
    } else
      throw syntaxError(
        `line 1:${(toks[onAt + 1]?.pos ?? 0) + 1}: mismatched input, expecting {'SCHEMA', 'TABLE', 'VIEW'}`,
      );
  } else idents.push("");
  const users = splitTopLevel(toks.slice(toAt + 1)).map((p) => nameOf(p[0]));
  let n = 0;
  for (const u of users) {
    const user = ctx.privileges.users.get(u);
    if (!user) throw new SimError(40410, "RoleUnknownException", `Role '${u}' does not exist`);
    if (user.superuser)
      throw new SimError(
        4004,
        "UnsupportedFeatureException",
        "Cannot alter privileges for superuser 'crate'",
      );
    for (const ty of types) {
      for (const id of idents) {
        ctx.privileges.set(u, ty, level, id, verb);
        n++;
      }
    }
  }
  return count(n);
}
