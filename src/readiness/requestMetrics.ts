import { Counter, Histogram, type Registry } from 'prom-client';

/** Latency buckets in seconds, from a fast cache hit to a request that is about to time out. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface RequestMetrics {
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly errors: Counter<'method' | 'route'>;
  readonly duration: Histogram<'method' | 'route'>;
}

let metrics: RequestMetrics | undefined;

/**
 * Traffic, errors and latency of the requests the request loggers saw, one
 * set per process, created on first use. They are in no registry of their
 * own (prom-client's global one stays the application's); metricsRegistry()
 * adds them to each registry it builds.
 */
function requestMetrics(): RequestMetrics {
  metrics ??= {
    requests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [],
    }),
    errors: new Counter({
      name: 'http_request_errors_total',
      help: 'HTTP requests answered with a 5xx status',
      labelNames: ['method', 'route'],
      registers: [],
    }),
    duration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from the request arriving to the response being sent',
      labelNames: ['method', 'route'],
      buckets: BUCKETS,
      registers: [],
    }),
  };
  return metrics;
}

/** Counts one answered request: a few increments per request, nothing per log record. */
export function observeRequest(method: string, route: string, status: number, seconds: number): void {
  const m = requestMetrics();
  m.requests.inc({ method, route, status: String(status) });
  if (status >= 500) m.errors.inc({ method, route });
  m.duration.observe({ method, route }, seconds);
}

export function registerRequestMetrics(registry: Registry): void {
  const m = requestMetrics();
  registry.registerMetric(m.requests);
  registry.registerMetric(m.errors);
  registry.registerMetric(m.duration);
}
