import { ALWAYS_ON_SECRET_KEYS } from './secretKeys';
import { censorUrl } from './urlSecrets';

/*
 * HTTP headers in the forms a record can meet them: an object, node's
 * rawHeaders list, raw header text. Whatever `redact.defaults` says, a
 * secret-named header's value becomes the censor, and URLs in the others
 * (Referer, Location, the request target) lose their credentials: headers
 * are where credentials travel, so a record must never carry them.
 */

/** One header's value, censored as its name asks. */
export function censorHeaderValue(name: string, value: unknown, censor: string): unknown {
  if (ALWAYS_ON_SECRET_KEYS.isSecret(name)) return censor;
  if (typeof value === 'string') return censorUrl(value, censor, ALWAYS_ON_SECRET_KEYS);
  if (Array.isArray(value)) return value.map((v: unknown) => (typeof v === 'string' ? censorUrl(v, censor, ALWAYS_ON_SECRET_KEYS) : v));
  return value;
}

/** A headers object (`req.headers`, `res.getHeaders()`) as a new plain object with its values censored. */
export function censorHeaders(headers: object, censor: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    // A client may send a header called "__proto__": it stays data.
    Object.defineProperty(out, name, { value: censorHeaderValue(name, value, censor), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** node's `rawHeaders` list (name, value, name, value, ...): a new list with each value censored as the name before it asks. */
export function censorRawHeaders(list: readonly unknown[], censor: string): unknown[] {
  return list.map((item, i) => {
    const name = list[i - 1];
    return i % 2 === 1 && typeof name === 'string' ? censorHeaderValue(name, item, censor) : item;
  });
}

/** A request line (`GET /path HTTP/1.1`) or status line (`HTTP/1.1 200 OK`) and the line break after it. */
const START_LINE = /^(?:HTTP\/\d(?:\.\d)? \d{3}[^\r\n]*|[A-Z]+ \S+ HTTP\/\d(?:\.\d)?)\r?\n/;
const REQUEST_TARGET = /^([A-Z]+ )(\S+)( HTTP\/)/;
/** `Name: value` lines; a name is an RFC 9110 token, so the start line never matches. */
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):([ \t]*)([^\r\n]*)/gm;

/** Whether `text` is raw HTTP header text, as in `ClientRequest._header`: it opens with a request or status line. */
export function looksLikeHeaderText(text: string): boolean {
  const c0 = text.charCodeAt(0);
  return c0 >= 65 && c0 <= 90 && START_LINE.test(text);
}

/** Raw header text with the request target's and every header's credentials censored; line breaks kept. */
export function censorHeaderText(text: string, censor: string): string {
  return text
    .replace(REQUEST_TARGET, (_whole, method: string, target: string, version: string) => `${method}${censorUrl(target, censor, ALWAYS_ON_SECRET_KEYS)}${version}`)
    .replace(HEADER_LINE, (_whole, name: string, space: string, value: string) => `${name}:${space}${String(censorHeaderValue(name, value, censor))}`);
}
