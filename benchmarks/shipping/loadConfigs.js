'use strict';
/**
 * The configurations of the load benchmark (load.js): prodlog with a file
 * alone and with each shipper beside the file, and the peer shippers, each
 * also with a file destination. `create(ctx)` runs in the child process and
 * returns { write(msg, fields), close(), notes() }; the parent uses the rest
 * (receiver, label, options) to run and report it.
 *
 * The peers are configured as documented, with batching comparable to
 * prodlog's (a batch at most a second late) and, where the peer caps its
 * in-memory buffer by a record count that the 30,000 records/s of the run
 * would overflow, a cap raised to about three seconds of records, so that
 * with the receiver up nothing is dropped by configuration.
 */
const { join } = require('node:path');
const { ROOT } = require('../lib/childRuns');
const { libraryPino } = require('../lib/packages');
const { once } = require('../loggers/pinoAdapter');

/** How long a pino worker may take to start its targets (pino-socket waits for its first connection). */
const READY_TIMEOUT_MS = 5_000;
/** Room above the rate of the run in the peers' record-capped buffers: three seconds at 30,000 records/s. */
const PEER_BUFFER_RECORDS = 100_000;

/** Endpoints with placeholder ports, only to describe the options in the report. */
const SAMPLE_ENDPOINTS = { clickhouse: 'http://clickhouse:8123/?query=INSERT...', loki: 'http://loki', elasticsearch: 'http://es', otlp: 'http://collector', json: 'http://sink', rsyslog: { tcp: 514, relp: 2514 } };

const PRODLOG_SHIPPERS = {
  ndjson: (e) => ({ type: 'http', url: e.clickhouse, format: 'ndjson' }),
  loki: (e) => ({ type: 'http', url: `${e.loki}/loki/api/v1/push`, format: 'loki' }),
  elasticsearch: (e) => ({ type: 'http', url: `${e.elasticsearch}/_bulk`, format: 'elasticsearch' }),
  otlp: (e) => ({ type: 'http', url: `${e.otlp}/v1/logs`, format: 'otlp' }),
  'syslog-tcp': (e) => ({ type: 'syslog', host: '127.0.0.1', port: e.rsyslog.tcp, protocol: 'tcp' }),
  'syslog-relp': (e) => ({ type: 'syslog', host: '127.0.0.1', port: e.rsyslog.relp, protocol: 'relp' }),
};

/**
 * What each peer does with records it cannot send and at its close, as its
 * source reads (the versions in benchmarks/package-lock.json): the report shows it
 * beside the configuration, to read the delivered figures by.
 */
const PEER_BEHAVIOUR = {
  'pino-file': 'no shipping.',
  'pino-loki': "pushes a batch on each interval tick without awaiting it; close() awaits only the push of what is left in its buffer, so a batch still in flight when the worker exits is lost. A failed push is printed on stderr and its records dropped: no retry, no spool.",
  'pino-elasticsearch': "sends through the official client's bulk helper: items answered 429 are retried, a bulk that cannot be sent after the client's own retries fails the helper and its records are dropped. It replaces its stream's destroy(), so the stream never emits 'close': pino's worker waits for it, and end() gives up after its 10 s.",
  'pino-otlp': "OpenTelemetry's BatchLogRecordProcessor and OTLP/HTTP protobuf exporter: an export is retried up to 5 times within its 10 s timeout, then dropped; records past maxQueueSize are dropped; shutdown exports what is queued.",
  'pino-socket': "plain TCP, one JSON line per record. The transport is ready only once its first connection is made: with the receiver down from the start, pino holds every record in the service's memory and end() waits for that connection (reconnect with backoff up to 10 s). After a connection is lost, `recovery` keeps up to recoveryQueueMaxSize bytes.",
  'winston-http': "sends each batch and forgets it: a failed request is a 'warn' event and its records are gone. No close hook: the last partial batch goes when its batchInterval timer fires.",
};

const PINO_TARGETS = {
  'pino-loki': (e) => ({ target: 'pino-loki', options: { host: e.loki, batching: { interval: 1, maxBufferSize: PEER_BUFFER_RECORDS } } }),
  'pino-elasticsearch': (e) => ({ target: 'pino-elasticsearch', options: { node: e.elasticsearch, index: 'pino-bench', esVersion: 8, flushBytes: 2 * 1024 * 1024, flushInterval: 1_000 } }),
  'pino-opentelemetry-transport': (e, name) => ({
    target: 'pino-opentelemetry-transport',
    options: {
      loggerName: name,
      serviceVersion: '1.0.0',
      resourceAttributes: { 'service.name': name },
      logRecordProcessorOptions: {
        recordProcessorType: 'batch',
        exporterOptions: { protocol: 'http/protobuf', protobufExporterOptions: { url: `${e.otlp}/v1/logs` } },
        processorConfig: { maxQueueSize: PEER_BUFFER_RECORDS, scheduledDelayMillis: 1_000 },
      },
    },
  }),
  'pino-socket': (e) => ({ target: 'pino-socket', options: { address: '127.0.0.1', port: e.rsyslog.tcp, mode: 'tcp', reconnect: true, recovery: true, recoveryQueueMaxSize: 32 * 1024 * 1024 } }),
};

/**
 * Every configuration of the load runs. `receiver` names what it ships to
 * (receivers.js); `options` is what the report shows of its configuration.
 */
const LOAD_CONFIGS = [
  prodlogConfig('prodlog-file', 'prodlog: file', null, null),
  prodlogConfig('prodlog-ndjson', 'prodlog: file + http ndjson', 'ndjson', 'clickhouse'),
  prodlogConfig('prodlog-loki', 'prodlog: file + http loki', 'loki', 'loki'),
  prodlogConfig('prodlog-elasticsearch', 'prodlog: file + http elasticsearch', 'elasticsearch', 'elasticsearch'),
  prodlogConfig('prodlog-otlp', 'prodlog: file + http otlp', 'otlp', 'otlp'),
  prodlogConfig('prodlog-syslog-tcp', 'prodlog: file + syslog tcp', 'syslog-tcp', 'rsyslog'),
  prodlogConfig('prodlog-syslog-relp', 'prodlog: file + syslog relp', 'syslog-relp', 'rsyslog'),
  pinoConfig('pino-file', 'pino: worker pino/file', null, null),
  pinoConfig('pino-loki', 'pino + pino-loki', 'pino-loki', 'loki'),
  pinoConfig('pino-elasticsearch', 'pino + pino-elasticsearch', 'pino-elasticsearch', 'elasticsearch'),
  pinoConfig('pino-otlp', 'pino + pino-opentelemetry-transport', 'pino-opentelemetry-transport', 'otlp'),
  pinoConfig('pino-socket', 'pino + pino-socket (tcp)', 'pino-socket', 'rsyslog'),
  {
    id: 'winston-http',
    label: 'winston: File + Http',
    family: 'winston',
    receiver: 'json',
    options: 'winston.transports.File and winston.transports.Http { batch: true, batchInterval: 1000, batchCount: 1000 }, format timestamp + json',
    behaviour: PEER_BEHAVIOUR['winston-http'],
    create: winstonHttp,
  },
];

/** The service-level configurations: the same loggers behind a small HTTP server, plus none and pino's fastest file destination. */
const SERVICE_CONFIGS = [
  { id: 'none', label: 'no logging', family: 'none', receiver: null, create: async () => ({ write() {}, close: async () => {}, notes: () => ({}) }) },
  byId('prodlog-file'),
  byId('prodlog-ndjson'),
  { id: 'pino-destination', label: 'pino: pino.destination (sync: false)', family: 'pino', receiver: null, create: pinoDestination },
  byId('pino-loki'),
];

function byId(id) {
  const config = LOAD_CONFIGS.find((c) => c.id === id);
  if (!config) throw new Error(`no configuration ${id}`);
  return config;
}

function prodlogConfig(id, label, shipper, receiver) {
  const options = shipper ? `file + ${describe(PRODLOG_SHIPPERS[shipper](SAMPLE_ENDPOINTS))}, spool in a fresh folder` : "{ type: 'file' }";
  const behaviour = shipper
    ? 'appends every record to its on-disk spool; a worker thread delivers from it with backoff and jitter, at least once; close() waits up to closeTimeout and leaves the rest in the spool for the next start.'
    : 'no shipping.';
  return { id, label, family: 'prodlog', receiver, shipper, options, behaviour, create: (ctx) => prodlog(ctx, shipper) };
}

function pinoConfig(id, label, target, receiver) {
  const options = target
    ? `pino.transport({ targets: [pino/file, ${describe(PINO_TARGETS[target](SAMPLE_ENDPOINTS, 'bench').options, target)}] })`
    : "pino.transport({ target: 'pino/file' })";
  return { id, label, family: 'pino', receiver, options, behaviour: PEER_BEHAVIOUR[id], create: (ctx) => pinoTransport(ctx, target) };
}

function describe(options, name) {
  const shown = JSON.stringify(options, (key, value) => (['url', 'host', 'node', 'address', 'port', 'loggerName', 'resourceAttributes', 'serviceVersion'].includes(key) ? undefined : value));
  return name ? `${name} ${shown}` : shown;
}

/**
 * prodlog with a file transport and, when `shipper` is set, that shipper
 * with its spool in the run's folder. The recovery run of a receiver-down
 * measurement calls this again on the same folder, so it finds the spool.
 */
async function prodlog(ctx, shipper) {
  // The parent's copy of the built package (load.js snapshotBuild), else the repository's.
  const { createLogger } = require(ctx.prodlog ?? join(ROOT, 'dist', 'src'));
  const transports = [{ type: 'file', path: join(ctx.dir, 'app.log') }];
  if (shipper) transports.push({ ...PRODLOG_SHIPPERS[shipper](ctx.endpoints), spool: { dir: join(ctx.dir, 'spool') }, closeTimeout: `${ctx.closeTimeoutMs}ms` });
  // capture and shutdown off: the benchmark is a process with no crash or signal handling to install.
  const log = createLogger({ name: ctx.runName, level: 'info', capture: false, shutdown: false, closeTimeout: `${ctx.closeTimeoutMs}ms`, transports });
  return {
    write: (msg, fields) => log.info(msg, fields),
    close: () => log.close(),
    notes: () => {
      const h = log.health().transports.at(-1);
      return shipper ? { written: h.written, delivered: h.delivered, failed: h.failed, dropped: h.dropped, backlogRecords: h.backlogRecords, lastError: h.lastError } : {};
    },
  };
}

/**
 * pino with a worker transport: pino/file alone, or pino/file and a peer
 * shipper as two targets of one worker, as pino documents. end() blocks the
 * calling thread until the worker has closed every target (thread-stream
 * gives up after 10 s); 'close' follows when the worker has exited.
 */
async function pinoTransport(ctx, target) {
  // pino resolves each target's package from this file: benchmarks/node_modules.
  const pino = libraryPino();
  const file = { target: 'pino/file', options: { destination: join(ctx.dir, 'app.log') } };
  const targets = target ? [file, PINO_TARGETS[target](ctx.endpoints, ctx.runName)] : [file];
  const transport = pino.transport({ targets });
  const errors = [];
  transport.on('error', (err) => errors.push(err.message));
  // The logger first: a target built with expectPinoConfig (pino-opentelemetry-transport) waits for the config pino sends when it is created.
  const logger = pino({ name: ctx.runName, level: 'info' }, transport);
  const ready = await within(once(transport, 'ready'), READY_TIMEOUT_MS);
  return {
    write: (msg, fields) => logger.info(fields, msg),
    close: async () => {
      const closed = new Promise((resolve) => transport.once('close', resolve));
      transport.end();
      await closed;
    },
    notes: () => ({ ready: ready !== 'timeout', errors: errors.slice(0, 5) }),
  };
}

/** pino's fastest file destination (sonic-boom on the main thread, asynchronous writes). */
async function pinoDestination(ctx) {
  const pino = libraryPino();
  const stream = pino.destination({ dest: join(ctx.dir, 'app.log'), sync: false });
  await once(stream, 'ready');
  const logger = pino({ name: ctx.runName, level: 'info' }, stream);
  return {
    write: (msg, fields) => logger.info(fields, msg),
    close: async () => {
      const closed = once(stream, 'close');
      stream.end();
      await closed;
    },
    notes: () => ({}),
  };
}

/**
 * winston with its File transport and its built-in Http transport in batch
 * mode (without it, one request per record). The Http transport sends and
 * forgets: a failed request is a 'warn' event, counted here. Ending the
 * logger while records still queue in front of a transport crashes winston
 * 3.19 with "write after end", so the queues are drained first (as in
 * benchmarks/loggers/winston.js); the last partial batch goes when its
 * batchInterval timer fires, after 'finish'.
 */
async function winstonHttp(ctx) {
  const winston = require('winston');
  const port = Number(new URL(ctx.endpoints.json).port);
  const file = new winston.transports.File({ filename: join(ctx.dir, 'app.log') });
  const httpTransport = new winston.transports.Http({ host: '127.0.0.1', port, path: '/', batch: true, batchInterval: 1_000, batchCount: 1_000 });
  let failedRequests = 0;
  httpTransport.on('warn', () => failedRequests++);
  const logger = winston.createLogger({
    level: 'info',
    defaultMeta: { name: ctx.runName },
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [file, httpTransport],
  });
  return {
    write: (msg, fields) => logger.info(msg, fields),
    close: async () => {
      while (logger.writableLength > 0 || logger.readableLength > 0 || file.writableLength > 0 || httpTransport.writableLength > 0) {
        await new Promise(setImmediate);
      }
      await new Promise((resolve) => {
        logger.once('finish', resolve);
        logger.end();
      });
    },
    notes: () => ({ failedRequests }),
  };
}

/** `promise`, or 'timeout' after ms (the timer keeps the process alive meanwhile). */
function within(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

module.exports = { LOAD_CONFIGS, SERVICE_CONFIGS, byId, within };
