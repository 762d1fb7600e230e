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

/** What replaces a secret value unless `redact.censor` says otherwise. */
export const DEFAULT_CENSOR = '[Redacted]';

const NORMALIZE = /[-_.\s]/g;
/** Distinct keys whose verdict is cached; past this, keys are checked uncached (bounded memory). */
const CACHE_LIMIT = 10_000;
const EXACT: ReadonlySet<string> = new Set(DEFAULT_SECRET_EXACT);

export class SecretKeyMatcher {
  private readonly cache = new Map<string, boolean>();

  /** `enabled` false (`redact.defaults: false`) matches no key. */
  constructor(readonly enabled: boolean) {}

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
    if (EXACT.has(k)) return true;
    for (const suffix of DEFAULT_SECRET_SUFFIXES) if (k.endsWith(suffix)) return true;
    return false;
  }
}

/**
 * The default list, on whatever `redact.defaults` says: for the places where
 * credentials are expected and must never be shown (request headers,
 * transport options in the startup record and in `prodlog check`). One
 * instance, so its cache is shared.
 */
export const ALWAYS_ON_SECRET_KEYS = new SecretKeyMatcher(true);
