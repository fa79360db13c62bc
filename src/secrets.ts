/**
 * The secrets the destination must never repeat, and the one function that takes them out of
 * text. The configuration parser and every CrateDB client register the credentials they use;
 * `redactSecrets` runs over every log line (src/log.ts) and every message sent to Fivetran
 * (src/rpc/responses.ts), so text from any source — CrateDB error messages, bodies a proxy
 * echoes, network errors, URLs — is covered without each of them knowing about secrets.
 * Helpers that cut text short redact first, so a cut cannot leave part of a secret behind.
 *
 * A password is recognised in the forms a server or proxy may echo it in: as is, JSON-escaped,
 * percent-encoded (URL component, URL user info, form encoding; upper- or lower-case hex), and
 * inside `Authorization: Basic …` (base64 of `user:password`, standard and URL-safe alphabets,
 * with and without padding). User names are not secret and stay.
 */

export const REDACTED = "<secret>";

/** Credentials remembered at most; the least recently registered are forgotten first. */
const MAX_CREDENTIALS = 64;

/**
 * Passwords shorter than this are replaced only where they stand alone (not inside a word or
 * number): a two-letter password would otherwise blank those letters from every message.
 */
const MIN_ANYWHERE_CHARS = 4;

/** Credentials in any URL (`scheme://user:password@`), registered or not. */
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi;

interface Forms {
  /** Matched anywhere. */
  readonly anywhere: readonly string[];
  /** Matched only between characters that are not letters or digits. */
  readonly standalone: readonly string[];
}

const registered = new Map<string, Forms>();
let pattern: RegExp | undefined;

/**
 * Remembers a user's password (and any other text that spells it, e.g. the percent-encoded form
 * typed into a URL). Cheap to repeat: every RPC registers its configuration's credentials.
 */
export function registerCredentials(
  username: string,
  password: string,
  alsoWritten: readonly string[] = [],
): void {
  if (password === "") return;
  const key = `${username}\u0000${password}\u0000${alsoWritten.join("\u0000")}`;
  const known = registered.get(key);
  registered.delete(key);
  registered.set(key, known ?? secretForms(username, password, alsoWritten));
  if (known !== undefined) return;
  while (registered.size > MAX_CREDENTIALS) registered.delete(registered.keys().next().value!);
  pattern = undefined;
}

/** `text` with every form of every registered password, and URL credentials, replaced. */
export function redactSecrets(text: string): string {
  const redacted = text.includes("://") ? text.replace(URL_USERINFO, `$1${REDACTED}@`) : text;
  if (registered.size === 0) return redacted;
  pattern ??= buildPattern();
  return redacted.replace(pattern, REDACTED);
}

/** Every form in which `password` (of `username`) may show up in text. */
function secretForms(username: string, password: string, alsoWritten: readonly string[] = []): Forms {
  const spelled = new Set<string>([password, JSON.stringify(password).slice(1, -1), ...alsoWritten]);
  const userInfo = new URL("http://host");
  userInfo.password = password;
  for (const encoded of [
    encodeURIComponent(password),
    encodeURI(password),
    userInfo.password,
    new URLSearchParams({ p: password }).toString().slice(2),
  ]) {
    spelled.add(encoded);
    spelled.add(encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
  }
  const base64 = Buffer.from(`${username}:${password}`).toString("base64");
  const base64url = base64.replaceAll("+", "-").replaceAll("/", "_");
  const header = new Set([base64, base64url].flatMap((b) => [b, b.replace(/=+$/, "")]));
  const texts = [...spelled].filter((t) => t !== "");
  return {
    anywhere: [...header, ...texts.filter((t) => t.length >= MIN_ANYWHERE_CHARS)],
    standalone: texts.filter((t) => t.length < MIN_ANYWHERE_CHARS),
  };
}

function buildPattern(): RegExp {
  const anywhere = new Set<string>();
  const standalone = new Set<string>();
  for (const forms of registered.values()) {
    for (const f of forms.anywhere) anywhere.add(f);
    for (const f of forms.standalone) standalone.add(f);
  }
  // Longest first: alternation takes the first alternative that matches, so a padded base64 wins
  // over its unpadded prefix and a password over a shorter one it contains.
  const byLength = (a: string, b: string) => b.length - a.length;
  const alternatives = [
    ...[...anywhere].sort(byLength).map(escapeRegExp),
    ...[...standalone].sort(byLength).map((f) => `(?<![\\p{L}\\p{N}])${escapeRegExp(f)}(?![\\p{L}\\p{N}])`),
  ];
  return new RegExp(alternatives.join("|"), "gu");
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}
