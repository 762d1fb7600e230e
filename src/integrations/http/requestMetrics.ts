import type { MetricFamily, Sample } from './prometheusText';

/** Latency buckets in seconds, from a fast cache hit to a request that is about to time out. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/**
 * Bound on distinct (method, route) pairs: a route label built from raw
 * paths would otherwise grow without end. Past it, requests count under
 * route "other".
 */
const MAX_ROUTES = 1_000;

interface RouteStats {
  readonly method: string;
  readonly route: string;
  readonly byStatus: Map<number, number>;
  errors: number;
  readonly buckets: number[];
  sum: number;
  count: number;
}

const routes = new Map<string, RouteStats>();

function statsFor(method: string, route: string): RouteStats {
  const key = `${method} ${route}`;
  let stats = routes.get(key);
  if (!stats) {
    if (routes.size >= MAX_ROUTES && route !== 'other') return statsFor(method, 'other');
    stats = { method, route, byStatus: new Map(), errors: 0, buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
    routes.set(key, stats);
  }
  return stats;
}

/** Counts one answered request: a few increments per request, nothing per log record. */
export function observeRequest(method: string, route: string, status: number, seconds: number): void {
  const stats = statsFor(method, route);
  stats.byStatus.set(status, (stats.byStatus.get(status) ?? 0) + 1);
  if (status >= 500) stats.errors++;
  for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) stats.buckets[i]!++;
  stats.sum += seconds;
  stats.count++;
}

/** Traffic, errors and latency of every request the request loggers of this process saw. */
export function requestFamilies(): MetricFamily[] {
  const all = [...routes.values()];
  return [
    {
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route and status code',
      type: 'counter',
      samples: all.flatMap((s) => [...s.byStatus].map(([status, value]): Sample => ({ labels: { method: s.method, route: s.route, status: String(status) }, value }))),
    },
    {
      name: 'http_request_errors_total',
      help: 'HTTP requests answered with a 5xx status',
      type: 'counter',
      samples: all.map((s) => ({ labels: { method: s.method, route: s.route }, value: s.errors })),
    },
    {
      name: 'http_request_duration_seconds',
      help: 'Time from the request arriving to the response being sent',
      type: 'histogram',
      samples: all.flatMap((s): Sample[] => {
        const labels = { method: s.method, route: s.route };
        return [
          ...BUCKETS.map((le, i) => ({ suffix: '_bucket', labels: { ...labels, le: String(le) }, value: s.buckets[i]! })),
          { suffix: '_bucket', labels: { ...labels, le: '+Inf' }, value: s.count },
          { suffix: '_sum', labels, value: s.sum },
          { suffix: '_count', labels, value: s.count },
        ];
      }),
    },
  ];
}
