/** What to do with records a receiver answered with this HTTP status. */
export type StatusAction = 'delivered' | 'retry' | 'reject';

/**
 * The statuses that mean "not now" rather than "never": the set OTLP/HTTP
 * specifies for retries, which Loki, Elasticsearch and ClickHouse follow in
 * practice (rate limits, a proxy or node that is down or overloaded), and
 * 408, which says the receiver gave up waiting (ClickHouse answers a query
 * over its time limit with it).
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/**
 * Every other non-2xx status is final for one record (a bulk item): retrying
 * a record the receiver cannot take (a mapping conflict, a value it cannot
 * parse) would block every later record behind it forever. Those records go
 * to the dead-letter file instead, where nothing is lost and they can be
 * replayed. A whole batch answered with 413 or a 5xx gets more patience:
 * see classifyAnswer.
 */
export function statusAction(status: number): StatusAction {
  if (status >= 200 && status < 300) return 'delivered';
  return RETRYABLE_STATUSES.has(status) ? 'retry' : 'reject';
}

/**
 * 5xx statuses other than the retryable ones that still say "the server
 * failed", not "this request is wrong": 501 (not implemented) and 505
 * (HTTP version) will not change on a retry.
 */
export function isServerFailure(status: number): boolean {
  return status >= 500 && status < 600 && status !== 501 && status !== 505 && !RETRYABLE_STATUSES.has(status);
}
