import { LEVEL_NAMES, type LevelName } from '../../core/levels';
import type { Logger, LoggerHealth } from '../../core/Logger';
import type { TransportHealth } from '../../core/transport';
import { nodeExchange, send, type EndpointHandler } from './httpExchange';
import { loggersToReport } from './loggersToReport';
import { PROMETHEUS_CONTENT_TYPE, renderFamilies, type MetricFamily, type Sample } from './prometheusText';
import { requestFamilies } from './requestMetrics';

export interface MetricsOptions {
  /** The loggers to report; default: every logger open in the process at scrape time. */
  readonly log?: Logger | readonly Logger[];
}

interface MetricSpec {
  readonly name: string;
  readonly help: string;
  readonly kind: 'counter' | 'gauge';
  readonly samples: (loggers: readonly LoggerHealth[]) => Sample[];
}

/** The levels sampling applies to: FATAL is never sampled. */
const SAMPLED_LEVELS = LEVEL_NAMES.filter((level): level is Exclude<LevelName, 'fatal'> => level !== 'fatal');

/**
 * Every transport of every logger, with its logger, once: a transport
 * shared by several loggers (`sharedBy`: one file or spool named by two
 * createLogger() calls) reports the same figures in each of them, and is
 * taken once, under the first logger that reports it, so sums over loggers
 * stay true.
 */
function transportsOnce(healths: readonly LoggerHealth[]): { readonly logger: string; readonly t: TransportHealth }[] {
  const sharedSeen = new Set<string>();
  return healths.flatMap((h) =>
    h.transports.flatMap((t) => {
      if (t.sharedBy !== undefined) {
        if (sharedSeen.has(t.name)) return [];
        sharedSeen.add(t.name);
      }
      return [{ logger: h.name, t }];
    }),
  );
}

/** One sample per transport (see transportsOnce), for the transports that report `value`. */
function perTransport(value: (t: TransportHealth) => number | undefined): MetricSpec['samples'] {
  return (healths) =>
    transportsOnce(healths).flatMap(({ logger, t }): Sample[] => {
      const v = value(t);
      return v === undefined ? [] : [{ labels: { logger, transport: t.name }, value: v }];
    });
}

/** One sample per logger. */
function perLogger(value: (h: LoggerHealth) => number): MetricSpec['samples'] {
  return (healths) => healths.map((h): Sample => ({ labels: { logger: h.name }, value: value(h) }));
}

/** One sample per logger and level, for the levels `value` reports. */
function perLevel<L extends LevelName>(levels: readonly L[], value: (h: LoggerHealth, level: L) => number): MetricSpec['samples'] {
  return (healths) => healths.flatMap((h) => levels.map((level): Sample => ({ labels: { logger: h.name, level }, value: value(h, level) })));
}

/** One sample per shipping transport, reason and level: `health().droppedBy`. */
function droppedByReasonAndLevel(healths: readonly LoggerHealth[]): Sample[] {
  return transportsOnce(healths).flatMap(({ logger, t }): Sample[] =>
    Object.entries(t.droppedBy ?? {}).flatMap(([reason, levels]) =>
      Object.entries(levels).map(([level, value]): Sample => ({ labels: { logger, transport: t.name, reason, level }, value })),
    ),
  );
}

/** One sample per logger name: loggers of one name share their FATAL marker, so their figures are one, not a sum. */
function onePerName(value: (h: LoggerHealth) => number): MetricSpec['samples'] {
  return (healths) => {
    const byName = new Map<string, number>();
    for (const h of healths) byName.set(h.name, Math.max(byName.get(h.name) ?? 0, value(h)));
    return [...byName].map(([logger, v]): Sample => ({ labels: { logger }, value: v }));
  };
}

/** One sample per logger name and module: two loggers of one name with the same levels are one series, not a sum of 2. */
function levelSamples(healths: readonly LoggerHealth[]): Sample[] {
  const byKey = new Map<string, Sample>();
  for (const { name: logger, levels } of healths) {
    for (const [module, level] of [['', levels.level] as const, ...Object.entries(levels.levels)]) {
      const labels = { logger, module, level };
      byKey.set(JSON.stringify(labels), { labels, value: 1 });
    }
  }
  return [...byKey.values()];
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
    samples: perLevel(LEVEL_NAMES, (h, level) => h.records[level]),
  },
  {
    name: 'prodlog_records_suppressed_total',
    help: 'Records sampling did not write, by logger and level (each counted again in a "suppressed repeated records" record)',
    kind: 'counter',
    samples: perLevel(SAMPLED_LEVELS, (h, level) => h.suppressed[level]),
  },
  {
    name: 'prodlog_records_unsampled_total',
    help: 'Records written without sampling because the interval already tracked as many messages as sampling keeps',
    kind: 'counter',
    samples: perLogger((h) => h.unsampled),
  },
  {
    name: 'prodlog_internal_errors_total',
    help: 'Records prodlog could not serialise, or that a transport threw on',
    kind: 'counter',
    samples: perLogger((h) => h.internalErrors),
  },
  {
    name: 'prodlog_dropped_after_close_total',
    help: 'Records logged after the logger was closed',
    kind: 'counter',
    samples: perLogger((h) => h.droppedAfterClose),
  },
  {
    name: 'prodlog_replay_dropped_total',
    help: 'Records held for replayOnError and dropped because their context held maxRecords already',
    kind: 'counter',
    samples: perLogger((h) => h.replayDropped),
  },
  { name: 'prodlog_transport_written_total', help: 'Records written to the output or accepted into the spool', kind: 'counter', samples: perTransport((t) => t.written) },
  { name: 'prodlog_transport_failed_total', help: 'Records a transport could not write', kind: 'counter', samples: perTransport((t) => t.failed) },
  { name: 'prodlog_transport_dropped_total', help: 'Records a transport discarded (spool past spool.shedAt or at its cap, after close)', kind: 'counter', samples: perTransport((t) => t.dropped) },
  {
    name: 'prodlog_spool_dropped_total',
    help: 'Records a shipping transport dropped, by reason (shed: below warn past spool.shedAt; full: the newest at spool.maxBytes; oldest: undelivered, with the oldest segment, whenFull drop-oldest; closed: after close) and level; they add up to prodlog_transport_dropped_total',
    kind: 'counter',
    samples: droppedByReasonAndLevel,
  },
  { name: 'prodlog_transport_shipped_total', help: 'Records a shipping transport delivered to its receiver', kind: 'counter', samples: perTransport((t) => t.delivered) },
  { name: 'prodlog_spool_backlog_records', help: 'Records in the spool not yet delivered', kind: 'gauge', samples: perTransport((t) => t.backlogRecords) },
  { name: 'prodlog_spool_backlog_bytes', help: 'Bytes in the spool not yet delivered', kind: 'gauge', samples: perTransport((t) => t.backlogBytes) },
  { name: 'prodlog_compressions_failed_total', help: 'Rotated files a file transport could not compress', kind: 'counter', samples: perTransport((t) => t.compressionsFailed) },
  { name: 'prodlog_delivery_worker_restarts_total', help: 'Times a shipping transport\'s delivery worker stopped and was restarted', kind: 'counter', samples: perTransport((t) => t.deliveryRestarts) },
  { name: 'prodlog_transport_up', help: '1 while the transport is writing or delivering, 0 while it is failing', kind: 'gauge', samples: perTransport((t) => (t.ok ? 1 : 0)) },
  { name: 'prodlog_spool_max_bytes', help: 'The spool\'s cap (spool.maxBytes): past it records are dropped (spool.whenFull)', kind: 'gauge', samples: perTransport((t) => t.spoolMaxBytes) },
  { name: 'prodlog_transport_dead_letters_total', help: 'Records the receiver refused for good (also in failed)', kind: 'counter', samples: perTransport((t) => t.deadLetters) },
  {
    name: 'prodlog_level',
    help: 'The configured level (label level) of the root (module "") and of each module with its own entry; always 1',
    kind: 'gauge',
    samples: levelSamples,
  },
  {
    name: 'prodlog_fatal_exits_total',
    help: 'FATAL exits of earlier runs, counted in the fatal.marker file and read at startup',
    kind: 'counter',
    samples: onePerName((h) => h.fatalExits.total),
  },
  {
    name: 'prodlog_last_fatal_exit_timestamp_seconds',
    help: 'When the last FATAL exit happened, in seconds since the epoch; 0 if never',
    kind: 'gauge',
    samples: onePerName((h) => (h.fatalExits.lastAt === null ? 0 : Date.parse(h.fatalExits.lastAt) / 1000)),
  },
];

/**
 * The metrics as Prometheus text: the logging pipeline's, read from health()
 * now, and the request metrics of the request loggers. A service that
 * already serves metrics can append this to its own output.
 */
export function metricsText(options: MetricsOptions = {}): string {
  const healths = loggersToReport(options.log).map((l) => l.health());
  const families: MetricFamily[] = SPECS.map((spec) => ({ name: spec.name, help: spec.help, type: spec.kind, samples: summed(spec.samples(healths)) }));
  return renderFamilies([...families, ...requestFamilies()]);
}

/** Two loggers of one name add up instead of repeating a series. */
function summed(samples: readonly Sample[]): Sample[] {
  const byLabels = new Map<string, Sample>();
  for (const s of samples) {
    const key = JSON.stringify(s.labels);
    const seen = byLabels.get(key);
    byLabels.set(key, seen ? { labels: s.labels, value: seen.value + s.value } : s);
  }
  return [...byLabels.values()];
}

/**
 * A `/metrics` endpoint for node:http, Express and Fastify, in the
 * Prometheus text format: records per level, records sampling suppressed, internal errors, per transport
 * written, failed, dropped (and for shippers why, by level), shipped and
 * spool backlog, and request traffic,
 * errors and latency from the request loggers.
 */
export function metricsHandler(options: MetricsOptions = {}): EndpointHandler {
  return (request, response) => {
    const { res } = nodeExchange(request, response);
    let text: string;
    try {
      text = metricsText(options);
    } catch (err) {
      send(res, 500, 'text/plain; charset=utf-8', `metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
      return;
    }
    send(res, 200, PROMETHEUS_CONTENT_TYPE, text);
  };
}
