/**
 * Milliseconds a `Retry-After` header asks to wait: either delta-seconds
 * ("120") or an HTTP date. Undefined when absent or unreadable, so the
 * caller falls back to its own backoff.
 */
export function retryAfterMs(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
