import type { SecretKeyMatcher } from './secretKeys';

/**
 * Query parameters that carry credentials under names too short or common
 * for the secret key list: an OAuth authorization `code`, an API `key`
 * (Google, Bing), a signed URL's `sig` (Azure SAS), a CAS `ticket`.
 */
const QUERY_SECRET_NAMES: ReadonlySet<string> = new Set(['code', 'key', 'sig', 'ticket']);

/** Whether a query parameter's value is a credential. */
export function isSecretParam(name: string, secrets: SecretKeyMatcher): boolean {
  return QUERY_SECRET_NAMES.has(name.toLowerCase()) || secrets.isSecret(name);
}

/**
 * A URL as configuration is shown (a transport's name, `prodlog check`, the
 * startup record): scheme, host and path. The user and password, the query
 * and the fragment, where credentials travel, are left out whatever their
 * names, since a configured URL's parameters are not all known to be safe.
 */
export function urlWithoutSecrets(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** The longest scheme looked for: longer words before a ":" are not URLs. */
const MAX_SCHEME = 32;

/**
 * `text` with credentials censored when it is a URL (`scheme://...`,
 * `//host...`) or a path with a query (`/...?...`): the password of the
 * userinfo (`postgres://user:pass@host`) and the values of secret query and
 * fragment parameters (`?token=`, `#access_token=`). The user name, host,
 * path and other parameters stay, so the record still says where it went.
 * Returns `text` itself when nothing changes: most strings are rejected by
 * their first characters.
 */
export function censorUrl(text: string, censor: string, secrets: SecretKeyMatcher): string {
  const authority = authorityStart(text);
  if (authority === -1 && text.charCodeAt(0) !== 47 /* / */) return text;
  let out = text;
  let rest = 0;
  if (authority !== -1) {
    const end = authorityEnd(text, authority);
    out = censorPassword(text, authority, end, censor);
    rest = end + (out.length - text.length);
  }
  const q = firstOf(out, rest, 63 /* ? */, 35 /* # */);
  const params = q === -1 ? undefined : censorParams(out.slice(q), censor, secrets);
  return params === undefined ? out : out.slice(0, q) + params;
}

/** The index after `scheme://` or a leading `//`, or -1 when `text` is neither. */
function authorityStart(text: string): number {
  const c0 = text.charCodeAt(0);
  if (c0 === 47 /* / */) return text.charCodeAt(1) === 47 ? 2 : -1;
  if (!isLetter(c0)) return -1;
  let i = 1;
  while (i < MAX_SCHEME && i < text.length && isSchemeChar(text.charCodeAt(i))) i++;
  return text.startsWith('://', i) ? i + 3 : -1;
}

/** The authority ends at the first "/", "?" or "#" (RFC 3986); a password with one of those unencoded is not a URL's. */
function authorityEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) return i;
  }
  return text.length;
}

/** `user:password@` becomes `user:censor@`; the last "@" ends the userinfo, so a password may hold one. */
function censorPassword(text: string, from: number, end: number, censor: string): string {
  const at = text.lastIndexOf('@', end - 1);
  if (at < from) return text;
  const colon = text.indexOf(':', from);
  if (colon === -1 || colon > at || colon + 1 === at) return text;
  return `${text.slice(0, colon + 1)}${censor}${text.slice(at)}`;
}

/** `?a=1&token=x#access_token=y` with the secret values censored ("?" and "#" parts are both name=value lists), or undefined when none is. */
function censorParams(tail: string, censor: string, secrets: SecretKeyMatcher): string | undefined {
  // Most query strings hold no secret: find out without a regex or a string built per record (every
  // logged URL with a query comes here; the replace with a callback runs only when one does).
  if (!hasSecretParam(tail, censor, secrets)) return undefined;
  return tail.replace(/([?#&;])([^=&#;]+)=([^&#;]*)/g, (whole, sep: string, name: string, value: string) =>
    value === '' || value === censor || !secretName(name, secrets) ? whole : `${sep}${name}=${censor}`,
  );
}

/** Whether some `name=value` of `tail` (which starts with "?" or "#") has a secret name and a value to censor. */
function hasSecretParam(tail: string, censor: string, secrets: SecretKeyMatcher): boolean {
  let i = 1;
  while (i < tail.length) {
    let eq = i;
    while (eq < tail.length && !isParamEnd(tail.charCodeAt(eq)) && tail.charCodeAt(eq) !== 61 /* = */) eq++;
    if (eq >= tail.length || tail.charCodeAt(eq) !== 61) {
      i = eq + 1;
      continue;
    }
    let end = eq + 1;
    while (end < tail.length && !isParamEnd(tail.charCodeAt(end))) end++;
    if (eq > i && end > eq + 1 && tail.slice(eq + 1, end) !== censor && secretName(tail.slice(i, eq), secrets)) return true;
    i = end + 1;
  }
  return false;
}

/** "&", "#", ";" end a parameter; so does "?" before its name, as in the replace above. */
function isParamEnd(c: number): boolean {
  return c === 38 || c === 35 || c === 59;
}

/** Verdicts per raw parameter name, per matcher: names repeat from record to record, decoding them does not need to. */
const verdicts = new WeakMap<SecretKeyMatcher, Map<string, boolean>>();
const MAX_VERDICTS = 10_000;

function secretName(raw: string, secrets: SecretKeyMatcher): boolean {
  let known = verdicts.get(secrets);
  if (known === undefined) verdicts.set(secrets, (known = new Map()));
  let verdict = known.get(raw);
  if (verdict === undefined) {
    verdict = isSecretParam(decodeName(raw), secrets);
    if (known.size < MAX_VERDICTS) known.set(raw, verdict);
  }
  return verdict;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

function firstOf(text: string, from: number, a: number, b: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === a || c === b) return i;
  }
  return -1;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** RFC 3986 scheme characters after the first: letters, digits, "+", "-", ".". */
function isSchemeChar(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}
