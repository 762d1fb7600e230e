import { SecretKeyMatcher } from '../serialize/secretKeys';

const HIDDEN = '[hidden]';
const secrets = new SecretKeyMatcher(true);

/** Passwords in URLs (`https://user:pass@host`) are hidden; the rest of the URL stays readable. */
function hideUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*):[^/@\s]*@/i, `$1:${HIDDEN}@`);
}

/**
 * A copy of a configuration safe to print: values under secret-looking keys
 * (the logger's own default redaction list: token, password, authorization,
 * key material, ...) and passwords inside URLs are replaced.
 */
export function hideSecrets(value: unknown): unknown {
  if (typeof value === 'string') return hideUrlPassword(value);
  if (Array.isArray(value)) return value.map(hideSecrets);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = secrets.isSecret(key) || key === 'key' || key === 'cert' ? HIDDEN : hideSecrets(v);
  }
  return out;
}
