'use strict';
/**
 * Shipping over HTTP: records/s delivered to a real ClickHouse (ndjson, with
 * and without gzip), the cost of the logging call with the http transport
 * next to the plain file transport, and bytes on the wire per record for
 * each format.
 *
 *   npm run build && node benchmarks/shipping/http.js [out.json]
 *
 * Each measurement runs in a fresh node process (this file with --child), so
 * one run's JIT state and heap do not colour the next. ClickHouse is started
 * by the same harness the tests use, in a temp dir on free ports.
 * Settings: HTTP_BENCH_N (records per delivery run, default 200000),
 * HTTP_BENCH_ROUNDS (default 3).
 */
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');
const { OBJECT_FIELDS, OBJECT_MESSAGE } = require('../cases/records');
const { ROOT, runBenchmark, runChild, stopOnTerm, timeCalls, requireTypeScript, positiveIntSetting, progress } = require('../lib/childRuns');
const { median, stats } = require('../lib/stats');
const { describeMachine } = require('../lib/machine');

const N = positiveIntSetting('HTTP_BENCH_N', 200_000);
const ROUNDS = positiveIntSetting('HTTP_BENCH_ROUNDS', 3);
/** Records logged between two event-loop turns: a busy service, not one frozen loop. */
const BURST = 1_000;
const CALL_N = 100_000;
const FORMATS = ['ndjson', 'otlp', 'loki', 'elasticsearch'];

runBenchmark({ main, measure });

async function main(outPath) {
  const { ClickHouse } = requireTypeScript(join(ROOT, 'test', 'support', 'clickhouse.ts'));
  const work = mkdtempSync(join(tmpdir(), 'prodlog-bench-http-'));
  const clickhouse = await ClickHouse.start();
  const stop = async () => {
    await clickhouse.close();
    rmSync(work, { recursive: true, force: true });
  };
  await stopOnTerm(stop, async () => {
    const delivery = [];
    const calls = { file: [], http: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const compress of [undefined, 'gzip']) {
        await clickhouse.query('TRUNCATE TABLE logs');
        const r = await child({ kind: 'deliver', url: clickhouse.insertUrl, compress, n: N, spool: join(work, `spool-${round}-${compress ?? 'none'}`) });
        const rows = await clickhouse.count();
        if (rows < N) throw new Error(`ClickHouse holds ${rows} rows after delivering ${N}`);
        delivery.push({ compress: compress ?? 'none', ...r, rows });
        progress(`round ${round + 1}: ${compress ?? 'no compression'}: ${Math.round(r.recordsPerSecond)} records/s`);
      }
      // Interleaved, so a change in machine load hits both transports alike.
      for (const transport of ['file', 'http']) {
        const r = await child({ kind: 'calls', transport, url: clickhouse.insertUrl, n: CALL_N, dir: join(work, `calls-${round}-${transport}`) });
        calls[transport].push(r);
      }
    }
    const wire = bytesPerRecord();
    const results = { machine: describeMachine(), n: N, rounds: ROUNDS, delivery: summariseDelivery(delivery), calls: summariseCalls(calls), wire, runs: { delivery, calls } };
    printMarkdown(results);
    if (outPath) writeFileSync(outPath, `${JSON.stringify(results, null, 2)}\n`);
  });
}

function child(params) {
  return runChild(__filename, params);
}

async function measure(params) {
  const { createLogger } = require(ROOT);
  if (params.kind === 'deliver') return deliver(createLogger, params);
  if (params.kind === 'calls') return callCost(createLogger, params);
  throw new Error(`unknown child kind ${params.kind}`);
}

/**
 * Logs n records in bursts, then closes the logger as a service does when it
 * stops: close() returns once ClickHouse has taken every record. The time is
 * from the first call to that point, so it holds all the work of logging,
 * spooling, encoding and the inserts. (Without close, the last batch would
 * wait for batch.interval, a bound on latency rather than on throughput.)
 */
async function deliver(createLogger, { url, compress, n, spool, batch }) {
  const log = createLogger({
    name: 'bench',
    capture: false,
    transports: [
      { type: 'http', url, format: 'ndjson', ...(compress ? { compress } : {}), ...(batch ? { batch } : {}), closeTimeout: '2m', spool: { dir: spool } },
    ],
  });
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < n; ) {
    for (const end = Math.min(n, i + BURST); i < end; i++) log.info('order placed', record(i));
    await turn();
  }
  const loggedMs = Number(process.hrtime.bigint() - started) / 1e6;
  await log.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const h = log.health().transports[0];
  if (h.delivered < n) throw new Error(`${h.delivered} of ${n} delivered before close() gave up: ${h.lastError}`);
  // CPU time is what the load of other processes on the machine does not change.
  return { seconds, loggedMs, recordsPerSecond: n / seconds, cpuUsPerRecord: (cpu.user + cpu.system) / n, failed: h.failed, dropped: h.dropped };
}

/** ns per logging call, timing only the calls, in bursts with turns of the event loop between (where shipping works). */
async function callCost(createLogger, { transport, url, n, dir }) {
  const options =
    transport === 'file'
      ? { type: 'file', path: join(dir, 'app.log') }
      : { type: 'http', url, format: 'ndjson', spool: { dir: join(dir, 'spool') } };
  const log = createLogger({ name: 'bench', capture: false, transports: [options] });
  // The same record as the main suite's object case, so the figures compare.
  return timeCalls(() => log.info(OBJECT_MESSAGE, OBJECT_FIELDS), { warmup: 20_000, n, burst: BURST });
}

function record(i) {
  return { orderId: i, customer: { id: i % 1000, plan: 'pro' }, amount: 19.99, seq: i };
}

/** mulberry32: a small PRNG, so the sample is the same in every run. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function turn() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Body bytes per record for each format, as sent and gzipped (level 1, as the transport does). */
function bytesPerRecord() {
  const { createLogger } = require(ROOT);
  const { createWireFormat } = require(join(ROOT, 'dist', 'transports', 'http', 'formats', 'createWireFormat.js'));
  const lines = [];
  const collector = { type: 'lines', name: 'lines', write: (l) => lines.push(l), flush: async () => {}, flushSync() {}, close: async () => {}, health: () => ({}) };
  const log = createLogger({ name: 'checkout', capture: false, transports: [{ type: 'custom', transport: collector }] });
  // A service-like mix, with the entropy real records have (request ids, amounts), from a fixed seed.
  const random = seeded(42);
  const hex = (n) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const messages = ['order placed', 'payment authorised', 'cache miss', 'inventory reserved', 'email queued'];
  let child = log;
  for (let i = 0; i < 5_000; i++) {
    if (i % 5 === 0) child = log.child({ requestId: hex(16), route: i % 3 ? '/orders' : '/checkout' });
    if (i % 50 === 49) child.error('payment failed', { err: Object.assign(new Error(`card declined: ${hex(6)}`), { code: 'E_CARD' }), orderId: Math.floor(random() * 1e6) });
    else child.info(messages[i % messages.length], { orderId: Math.floor(random() * 1e6), amount: Math.round(random() * 50_000) / 100, items: 1 + Math.floor(random() * 5) });
  }
  const records = lines.map((line, i) => ({ line: line.slice(0, -1), id: `0mbx9z1a0001-3f2a1b.${i}` }));
  const lineBytes = lines.reduce((sum, l) => sum + Buffer.byteLength(l), 0) / lines.length;
  const out = { recordLineBytes: lineBytes, formats: {} };
  for (const format of FORMATS) {
    const wire = createWireFormat({ format, serviceName: 'checkout', loki: { labels: { service_name: 'name', level: 'level' }, staticLabels: {}, maxValuesPerLabel: 100 }, elasticsearch: { index: 'prodlog-%{service}-%{+yyyy.MM.dd}' }, ndjson: {} });
    let raw = 0;
    let gzip = 0;
    // Batches of 1,000 records, about what one request carries.
    for (let i = 0; i < records.length; i += 1_000) {
      const body = Buffer.from(wire.encode(records.slice(i, i + 1_000)));
      raw += body.length;
      gzip += gzipSync(body, { level: 1 }).length;
    }
    out.formats[format] = { raw: raw / records.length, gzip: gzip / records.length };
  }
  return out;
}

function summariseDelivery(runs) {
  const out = {};
  for (const compress of ['none', 'gzip']) {
    const rates = runs.filter((r) => r.compress === compress).map((r) => r.recordsPerSecond);
    const cpu = runs.filter((r) => r.compress === compress).map((r) => r.cpuUsPerRecord);
    const rate = stats(rates);
    out[compress] = { medianRecordsPerSecond: rate.median, min: rate.min, max: rate.max, cpuUsPerRecord: median(cpu) };
  }
  return out;
}

function summariseCalls(calls) {
  const of = (runs, key) => median(runs.map((r) => r[key]));
  const wall = { file: of(calls.file, 'nsPerCall'), http: of(calls.http, 'nsPerCall') };
  const cpu = { file: of(calls.file, 'cpuNsPerCall'), http: of(calls.http, 'cpuNsPerCall') };
  return { wall: { ...wall, ratio: wall.http / wall.file }, cpu: { ...cpu, ratio: cpu.http / cpu.file } };
}

function printMarkdown(r) {
  const fmt = (x, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const lines = [
    '## Shipping over HTTP',
    '',
    `${r.machine.cpu}, Node ${r.machine.node}, load average at the end ${r.machine.loadAverage.join(' ')}; ${fmt(r.n)} records per delivery run, ${r.rounds} rounds, median shown.`,
    '',
    '| ndjson to ClickHouse | delivered records/s (median) | min | max | CPU µs per record in the service |',
    '|---|---:|---:|---:|---:|',
    ...['none', 'gzip'].map((c) => {
      const d = r.delivery[c];
      return `| ${c === 'none' ? 'no compression' : 'gzip'} | ${fmt(d.medianRecordsPerSecond)} | ${fmt(d.min)} | ${fmt(d.max)} | ${fmt(d.cpuUsPerRecord, 1)} |`;
    }),
    '',
    '| logging call (bursts of 1,000) | wall ns per call (median) | CPU ns per call (median) |',
    '|---|---:|---:|',
    `| file transport | ${fmt(r.calls.wall.file)} | ${fmt(r.calls.cpu.file)} |`,
    `| http transport (ndjson, spool) | ${fmt(r.calls.wall.http)} (${fmt(r.calls.wall.ratio, 2)}x file) | ${fmt(r.calls.cpu.http)} (${fmt(r.calls.cpu.ratio, 2)}x file) |`,
    '',
    `| format | bytes on the wire per record | gzipped |`,
    '|---|---:|---:|',
    `| (the record as logged) | ${fmt(r.wire.recordLineBytes)} | |`,
    ...FORMATS.map((f) => `| ${f} | ${fmt(r.wire.formats[f].raw)} | ${fmt(r.wire.formats[f].gzip)} |`),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
