import type { ResolvedConfig } from '../config/schema';
import type { LevelSetting } from '../levels';
import type { Logger } from '../Logger';
import { packageVersion } from '../packageInfo';
import { SecretKeyMatcher } from '../serialize/secretKeys';

// Always on, whatever `redact.defaults` says: transport options are where
// passwords, tokens and credentials in URLs live.
const secrets = new SecretKeyMatcher(true);
const MAX_DEPTH = 3;

/**
 * Logs the `startup` record at info: the service version (from package.json,
 * when found), the Node version, the effective level and the transports
 * without their secrets. `name`, `pid` and `hostname` are in every record.
 */
export function logStartup(log: Logger, config: ResolvedConfig, level: LevelSetting): void {
  const version = packageVersion();
  log.info('startup', {
    ...(version !== undefined ? { version } : {}),
    node: process.version,
    // `level` is the record's own key; this is the logger's minimum.
    effectiveLevel: level,
    transports: describeTransports(config.transports),
  });
}

/** Transport options as the startup record shows them. */
export function describeTransports(transports: readonly unknown[]): unknown[] {
  return transports.map((t) => describeValue(t, 0));
}

/**
 * A transport's options as they can be shown: secret-looking keys censored,
 * URLs without user, password and query, and objects that are not plain data
 * (a custom transport instance) reduced to their name.
 */
function describeValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return withoutUrlSecrets(value);
  if (typeof value !== 'object' || value === null) return typeof value === 'function' ? undefined : value;
  if (Array.isArray(value)) return depth >= MAX_DEPTH ? '[Array]' : value.map((v) => describeValue(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { name?: unknown }).name;
    return typeof name === 'string' ? name : '[Object]';
  }
  if (depth >= MAX_DEPTH) return '[Object]';
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = secrets.isSecret(key) ? '[Redacted]' : describeValue(v, depth + 1);
  }
  return out;
}

function withoutUrlSecrets(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
  try {
    const url = new URL(text);
    return `${url.protocol}//${url.host}${url.pathname === '/' && !text.endsWith('/') ? '' : url.pathname}`;
  } catch {
    return text;
  }
}
