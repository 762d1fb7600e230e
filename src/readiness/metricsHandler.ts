import { Counter, Gauge, Registry } from 'prom-client';
import { LEVEL_NAMES } from '../levels';
import type { Logger, LoggerHealth } from '../Logger';
import type { TransportHealth } from '../transport';
import { nodeExchange, send, type EndpointHandler } from './httpExchange';
import { loggersToReport } from './loggersToReport';
import { registerRequestMetrics } from './requestMetrics';

export interface MetricsOptions {
  /** The loggers to report; default: every logger open in the process at scrape time. */
  readonly log?: Logger | readonly Logger[];
}

type Labels = Record<string, string>;
type Sample = readonly [Labels, number];

interface MetricSpec {
  readonly name: string;
  readonly help: string;
  readonly kind: 'counter' | 'gauge';
  readonly labels: readonly string[];
  readonly samples: (loggers: readonly LoggerHealth[]) => Sample[];
}

/** One sample per transport of every logger, for the transports that report `value`. */
function perTransport(value: (t: TransportHealth) => number | undefined): MetricSpec['samples'] {
  return (healths) =>
    healths.flatMap((h) =>
      h.transports.flatMap((t): Sample[] => {
        const v = value(t);
        return v === undefined ? [] : [[{ logger: h.name, transport: t.name }, v]];
      }),
    );
}

/**
 * What the logging pipeline reports, read from health() at scrape time: the
 * logging hot path pays only the per-level counter increment it always pays.
 */
const SPECS: readonly MetricSpec[] = [
  {
    name: 'prodlog_records_total',
    help: 'Records logged, by logger and level',
    kind: 'counter',
    labels: ['logger', 'level'],
    samples: (hs) => hs.flatMap((h) => LEVEL_NAMES.map((level): Sample => [{ logger: h.name, level }, h.records[level]])),
  },
  {
    name: 'prodlog_internal_errors_total',
    help: 'Records prodlog could not serialise, or that a transport threw on',
    kind: 'counter',
    labels: ['logger'],
    samples: (hs) => hs.map((h): Sample => [{ logger: h.name }, h.internalErrors]),
  },
  {
    name: 'prodlog_dropped_after_close_total',
    help: 'Records logged after the logger was closed',
    kind: 'counter',
    labels: ['logger'],
    samples: (hs) => hs.map((h): Sample => [{ logger: h.name }, h.droppedAfterClose]),
  },
  { name: 'prodlog_transport_written_total', help: 'Records written to the output or accepted into the spool', kind: 'counter', labels: ['logger', 'transport'], samples: perTransport((t) => t.written) },
  { name: 'prodlog_transport_failed_total', help: 'Records a transport could not write', kind: 'counter', labels: ['logger', 'transport'], samples: perTransport((t) => t.failed) },
  { name: 'prodlog_transport_dropped_total', help: 'Records a transport discarded (spool over its cap, after close)', kind: 'counter', labels: ['logger', 'transport'], samples: perTransport((t) => t.dropped) },
  { name: 'prodlog_transport_shipped_total', help: 'Records a shipping transport delivered to its receiver', kind: 'counter', labels: ['logger', 'transport'], samples: perTransport((t) => t.delivered) },
  { name: 'prodlog_spool_backlog_records', help: 'Records in the spool not yet delivered', kind: 'gauge', labels: ['logger', 'transport'], samples: perTransport((t) => t.backlogRecords) },
  { name: 'prodlog_spool_backlog_bytes', help: 'Bytes in the spool not yet delivered', kind: 'gauge', labels: ['logger', 'transport'], samples: perTransport((t) => t.backlogBytes) },
  { name: 'prodlog_transport_up', help: '1 while the transport is writing or delivering, 0 while it is failing', kind: 'gauge', labels: ['logger', 'transport'], samples: perTransport((t) => (t.ok ? 1 : 0)) },
];

/**
 * A prom-client registry with the logging pipeline's metrics and the request
 * metrics of the request loggers. A service with its own prom-client
 * metrics can merge them: `Registry.merge([metricsRegistry(), register])`.
 */
export function metricsRegistry(options: MetricsOptions = {}): Registry {
  const registry = new Registry();
  for (const spec of SPECS) {
    // health() is a read of counters, cheap enough to call once per metric and scrape.
    const collect = function (this: Counter | Gauge): void {
      this.reset();
      const healths = loggersToReport(options.log).map((l) => l.health());
      // inc, not set: two loggers of one name add up instead of hiding each other.
      for (const [labels, value] of spec.samples(healths)) this.inc(labels, value);
    };
    const config = { name: spec.name, help: spec.help, labelNames: spec.labels, registers: [registry], collect };
    if (spec.kind === 'counter') new Counter(config);
    else new Gauge(config);
  }
  registerRequestMetrics(registry);
  return registry;
}

/**
 * A `/metrics` endpoint for node:http, Express and Fastify, in the
 * Prometheus text format: records per level, internal errors, per transport
 * written, failed, dropped, shipped and spool backlog, and request traffic,
 * errors and latency from the request loggers.
 */
export function metricsHandler(options: MetricsOptions = {}): EndpointHandler {
  const registry = metricsRegistry(options);
  return (request, response) => {
    const { res } = nodeExchange(request, response);
    registry.metrics().then(
      (text) => send(res, 200, registry.contentType, text),
      (err: unknown) => send(res, 500, 'text/plain; charset=utf-8', `metrics failed: ${err instanceof Error ? err.message : String(err)}\n`),
    );
  };
}
