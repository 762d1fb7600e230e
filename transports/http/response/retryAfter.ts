/**
 * The longest wait a `Retry-After` gets: a maintenance window is honoured,
 * a bogus value ("9999999999") does not park delivery for centuries, and no
 * delay reaches setTimeout's 2^31 ms limit, past which it fires at once.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Milliseconds a `Retry-After` header asks to wait, at most MAX_RETRY_AFTER_MS: either delta-seconds
 * ("120") or an HTTP date. Undefined when absent or unreadable, so the
 * caller falls back to its own backoff.
 */
export function retryAfterMs(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}
