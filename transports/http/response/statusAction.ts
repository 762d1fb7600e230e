/** What to do with records a receiver answered with this HTTP status. */
export type StatusAction = 'delivered' | 'retry' | 'reject';

/**
 * The statuses that mean "not now" rather than "never": the set OTLP/HTTP
 * specifies for retries, which Loki, Elasticsearch and ClickHouse follow in
 * practice (rate limits, a proxy or node that is down or overloaded).
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Every other non-2xx status is final: retrying a request the receiver
 * cannot take (bad auth, a mapping conflict, a body it cannot parse) would
 * block every later record behind it forever. Those records go to the
 * dead-letter file instead, where nothing is lost and they can be replayed.
 */
export function statusAction(status: number): StatusAction {
  if (status >= 200 && status < 300) return 'delivered';
  return RETRYABLE_STATUSES.has(status) ? 'retry' : 'reject';
}
