/**
 * Field names whose values are replaced by the censor unless default redaction
 * is turned off. A key is lower-cased and stripped of "-", "_", "." and
 * spaces, and loses one trailing FORMAT word (`privateKeyPem` is read as
 * `privatekey`); it matches when it then equals one of EXACT or ends with one
 * of SUFFIXES. So `password`, `dbPassword`, `client_secret`, `X-Api-Key`,
 * `AWS_SECRET_ACCESS_KEY`, `x-session-id` and `tokenValue` match, while
 * `author`, `tokens`, `keyboard`, `monkey`, `accessKeyword`, `accessKeyId`
 * and `primaryKey` do not.
 */
export const DEFAULT_SECRET_EXACT: readonly string[] = Object.freeze(['auth', 'pwd', 'pass', 'ssn', 'cvv', 'cvc', 'creditcard', 'cardnumber']);

export const DEFAULT_SECRET_SUFFIXES: readonly string[] = Object.freeze([
  'password', 'passwd', 'passphrase', 'secret', 'token', 'jwt', 'otp', 'signature', 'authorization', 'basicauth', 'cookie',
  'sessionid', 'credential', 'credentials',
  // "key" alone names ids and lookups (primaryKey, cacheKey, publicKey); these kinds of key are credentials.
  'apikey', 'accesskey', 'secretkey', 'clientkey', 'privatekey', 'signingkey', 'encryptionkey', 'masterkey', 'accountkey', 'sessionkey',
]);

/** Words that say how a secret is written, not what it is: `privateKeyPem`, `tokenValue`, `apiKeyHex`. */
export const DEFAULT_SECRET_FORMATS: readonly string[] = Object.freeze(['pem', 'der', 'b64', 'base64', 'hex', 'value']);

/** What replaces a secret value unless `redact.censor` says otherwise. */
export const DEFAULT_CENSOR = '[Redacted]';

const NORMALIZE = /[-_.\s]/g;
/** Distinct keys whose verdict is cached; past this, keys are checked uncached (bounded memory). */
const CACHE_LIMIT = 10_000;
const EXACT: ReadonlySet<string> = new Set(DEFAULT_SECRET_EXACT);

function isSecretName(k: string): boolean {
  if (EXACT.has(k)) return true;
  for (const suffix of DEFAULT_SECRET_SUFFIXES) if (k.endsWith(suffix)) return true;
  return false;
}

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
    if (isSecretName(k)) return true;
    for (const format of DEFAULT_SECRET_FORMATS) {
      if (k.length > format.length && k.endsWith(format) && isSecretName(k.slice(0, -format.length))) return true;
    }
    return false;
  }
}

/**
 * The default list, on whatever `redact.defaults` says: for the places where
 * credentials are expected and must never be shown (request headers, node:http
 * objects, transport options in the startup record and in `prodlog check`).
 * One instance, so its cache is shared.
 */
export const ALWAYS_ON_SECRET_KEYS = new SecretKeyMatcher(true);
