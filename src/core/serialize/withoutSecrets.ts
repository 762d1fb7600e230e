import { ALWAYS_ON_SECRET_KEYS, DEFAULT_CENSOR } from './secretKeys';
import { urlWithoutSecrets } from './urlSecrets';
import { isPlainObject } from '../plainValues';

/**
 * TLS key material (syslog's `tls.key` is a PEM private key, `tls.cert` its
 * certificate) under names too short and common for the default secret list,
 * which applies to every logged field.
 */
const KEY_MATERIAL: ReadonlySet<string> = new Set(['key', 'cert']);

/**
 * Headers whose values are shown. A header's name does not say whether its
 * value is a credential (`X-Custom-Key`, `x-honeycomb-team`, `X-Tenant` may
 * be), so every other value is hidden. These describe the body or the
 * client, and X-Scope-OrgID names the Loki/Mimir tenant the records go to:
 * what an operator checks the configuration for, never how it authenticates.
 */
const SHOWN_HEADERS: ReadonlySet<string> = new Set(['content-type', 'accept', 'user-agent', 'x-scope-orgid']);

/**
 * A configuration, or part of one, as it may be shown: by `prodlog check` and
 * in the startup record. Whatever `redact.defaults` says, the values of
 * secret-looking keys (the default secret list, plus `key` and `cert`) and of
 * every header in a `headers` object but those in SHOWN_HEADERS become the
 * censor, and URLs lose their user, password, query string and fragment,
 * where tokens are often passed. Functions are left out, and objects that are
 * not plain data (a custom transport instance) are shown by their `name`.
 * Objects and arrays nested `maxDepth` levels deep become "[Object]" and
 * "[Array]".
 */
export function withoutSecrets(value: unknown, maxDepth = Infinity): unknown {
  return shown(value, 0, maxDepth);
}

function shown(value: unknown, depth: number, maxDepth: number): unknown {
  if (typeof value === 'string') return withoutUrlSecrets(value);
  if (typeof value !== 'object' || value === null) return typeof value === 'function' ? undefined : value;
  if (Array.isArray(value)) return depth >= maxDepth ? '[Array]' : value.map((v) => shown(v, depth + 1, maxDepth));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { name?: unknown }).name;
    return typeof name === 'string' ? name : '[Object]';
  }
  if (depth >= maxDepth) return '[Object]';
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (KEY_MATERIAL.has(key) || ALWAYS_ON_SECRET_KEYS.isSecret(key)) out[key] = DEFAULT_CENSOR;
    else if (key === 'headers' && isPlainObject(v) && depth + 1 < maxDepth) out[key] = headerNamesOnly(v);
    else out[key] = shown(v, depth + 1, maxDepth);
  }
  return out;
}

/** Every header's name, and the value only of the SHOWN_HEADERS. */
function headerNamesOnly(headers: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(headers)) out[name] = SHOWN_HEADERS.has(name.toLowerCase()) && typeof v === 'string' ? v : DEFAULT_CENSOR;
  return out;
}

function withoutUrlSecrets(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  const shown = urlWithoutSecrets(url);
  // "https://host" is shown as written, without the "/" the parser adds.
  return url.pathname === '/' && !text.endsWith('/') ? shown.slice(0, -1) : shown;
}
