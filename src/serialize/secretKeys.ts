/**
 * Field names whose values are replaced by the censor unless default redaction
 * is turned off. A key matches when, lower-cased and stripped of "-", "_" and
 * ".", it equals one of EXACT or ends with one of SUFFIXES: so `password`,
 * `dbPassword`, `client_secret`, `X-Api-Key`, `accessToken`, `Set-Cookie` and
 * `Proxy-Authorization` all match, while `author` and `tokens` do not.
 */
export const DEFAULT_SECRET_EXACT: readonly string[] = Object.freeze([
  'auth', 'pwd', 'pass', 'passphrase', 'credentials', 'ssn', 'cvv', 'cvc',
  'creditcard', 'cardnumber', 'sessionid',
]);

export const DEFAULT_SECRET_SUFFIXES: readonly string[] = Object.freeze([
  'password', 'passwd', 'secret', 'token', 'apikey', 'authorization', 'cookie', 'privatekey', 'signature',
]);

const NORMALIZE = /[-_.\s]/g;
/** Distinct keys whose verdict is cached; past this, keys are checked uncached (bounded memory). */
const CACHE_LIMIT = 10_000;

export class SecretKeyMatcher {
  private readonly cache = new Map<string, boolean>();
  private readonly exact: ReadonlySet<string>;

  constructor(
    readonly enabled: boolean,
    private readonly suffixes: readonly string[] = DEFAULT_SECRET_SUFFIXES,
    exact: readonly string[] = DEFAULT_SECRET_EXACT,
  ) {
    this.exact = new Set(exact);
  }

  isSecret(key: string): boolean {
    if (!this.enabled) return false;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const verdict = this.check(key);
    if (this.cache.size < CACHE_LIMIT) this.cache.set(key, verdict);
    return verdict;
  }

  private check(key: string): boolean {
    const k = key.toLowerCase().replace(NORMALIZE, '');
    if (this.exact.has(k)) return true;
    for (const suffix of this.suffixes) if (k.endsWith(suffix)) return true;
    return false;
  }
}
