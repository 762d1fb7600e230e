'use strict';
/**
 * Shipping to rsyslog: records/s delivered from the spool to a real rsyslogd
 * over plain TCP and over RELP, and the cost of the logging call with the
 * syslog transport next to the plain file transport.
 *
 *   npm run build && node benchmarks/shipping/syslog.js [out.json]
 *
 * rsyslogd is started by the test harness (test/support/rsyslog.ts, loaded
 * through a require hook that strips the types) on free ports in a temp dir,
 * with its default in-memory queue. Every measurement runs in a fresh node
 * process (this file with --child). Settings: SYSLOG_BENCH_N (records per
 * delivery run, default 200000), SYSLOG_BENCH_ROUNDS (default 3).
 */
const { existsSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { countLines } = require('../lib/countLines');
const { ROOT, runBenchmark, runChild, stopOnTerm, timeCalls, requireTypeScript, positiveIntSetting, progress } = require('../lib/childRuns');
const { stats } = require('../lib/stats');
const { describeMachine } = require('../lib/machine');
const { OBJECT_FIELDS, OBJECT_MESSAGE } = require('../cases/records');

const N = positiveIntSetting('SYSLOG_BENCH_N', 200_000);
const ROUNDS = positiveIntSetting('SYSLOG_BENCH_ROUNDS', 3);
const CALLS = 100_000;
const WARMUP = 20_000;
/** Records between two turns of the event loop in the call-cost runs: a busy service, where shipping gets its turns. */
const BURST = 1_000;

runBenchmark({ main, measure: (params) => (params.kind === 'deliver' ? deliver(params) : callCost(params)) });

async function main(outPath) {
  const { Rsyslog, freePort } = requireTypeScript(join(ROOT, 'test', 'support', 'rsyslog.ts'));
  const work = mkdtempSync(join(tmpdir(), 'prodlog-bench-syslog-'));
  const rsyslog = await Rsyslog.start();
  const stop = async () => {
    await rsyslog.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(rsyslog.dir, { recursive: true, force: true });
  };
  await stopOnTerm(stop, async () => {
    const deliveries = [];
    const calls = [];
    let expected = 0;
    const unreachable = await freePort();
    for (let round = 1; round <= ROUNDS; round++) {
      for (const protocol of ['tcp', 'relp']) {
        const r = await child({ kind: 'deliver', protocol, port: rsyslog.ports[protocol], n: N, dir: join(work, `spool-${protocol}-${round}`) });
        expected += N;
        const received = await receivedAtLeast(rsyslog.outFile, expected);
        deliveries.push({ round, protocol, ...r, received });
        progress(`round ${round}: ${protocol}: ${fmt(r.recordsPerSecond)} records/s delivered`);
      }
      // Interleaved, so a change in machine load hits all alike. "spooled" ships to a port nothing
      // listens on: the logging call alone, without a local rsyslogd and delivery taking turns on the cores.
      for (const transport of ['file', 'syslog', 'spooled']) {
        const port = transport === 'spooled' ? unreachable : rsyslog.ports.relp;
        const r = await child({ kind: 'calls', transport, port, dir: join(work, `calls-${transport}-${round}`) });
        calls.push({ round, transport, ...r });
        expected += transport === 'syslog' ? WARMUP + CALLS : 0;
      }
    }
    const results = summarise(deliveries, calls);
    printMarkdown(results);
    if (outPath) writeFileSync(outPath, `${JSON.stringify(results, null, 2)}\n`);
  });
}

/** Fills the spool with n records without yielding, then times delivery from the first send to the last acknowledgement. */
async function deliver({ protocol, port, n, dir }) {
  const log = logger({ type: 'syslog', host: '127.0.0.1', port, protocol, spool: { dir } });
  for (let i = 0; i < n; i++) log.info(OBJECT_MESSAGE, { ...OBJECT_FIELDS, seq: i });
  const health = () => log.health().transports[0];
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  while (health().delivered < n) {
    if (Number(process.hrtime.bigint() - started) > 120e9) throw new Error(`${protocol}: ${health().delivered} of ${n} delivered in 120 s: ${health().lastError}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { seconds, recordsPerSecond: n / seconds, cpuUsPerRecord: (used.user + used.system) / n, failed: health().failed };
}

/** ns per logging call, timing the calls only, in bursts with event-loop turns between them (where delivery runs). */
async function callCost({ transport, port, dir }) {
  const log = logger(transport === 'file' ? { type: 'file', path: join(dir, 'app.log') } : { type: 'syslog', host: '127.0.0.1', port, protocol: 'relp', spool: { dir }, closeTimeout: transport === 'spooled' ? '0s' : '2m' });
  const cost = await timeCalls((i) => log.info(OBJECT_MESSAGE, { ...OBJECT_FIELDS, seq: i }), { warmup: WARMUP, n: CALLS, burst: BURST });
  if (transport === 'syslog') await log.close(); // deliver, so the receiver check in main() holds
  return cost;
}

function logger(transport) {
  const { createLogger } = require(ROOT);
  return createLogger({ name: 'bench', capture: false, closeTimeout: '2m', transports: [transport] });
}

function child(params) {
  return runChild(__filename, params);
}

/** rsyslog writes what it took within a few hundred ms; a shortfall after 30 s is a loss and fails the run. */
async function receivedAtLeast(file, expected) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const lines = existsSync(file) ? countLines(file).lines : 0;
    if (lines >= expected) return lines;
    if (Date.now() > deadline) throw new Error(`rsyslog wrote ${lines} records, ${expected} were delivered`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function summarise(deliveries, calls) {
  const rate = (protocol) => ({
    ...stats(deliveries.filter((d) => d.protocol === protocol).map((d) => d.recordsPerSecond)),
    cpuUsPerRecord: stats(deliveries.filter((d) => d.protocol === protocol).map((d) => d.cpuUsPerRecord)).median,
  });
  const perCall = (transport, key) => stats(calls.filter((c) => c.transport === transport).map((c) => c[key]));
  const file = perCall('file', 'nsPerCall');
  const syslog = perCall('syslog', 'nsPerCall');
  const spooled = perCall('spooled', 'nsPerCall');
  return {
    machine: describeMachine(),
    n: N,
    rounds: ROUNDS,
    delivery: { tcp: rate('tcp'), relp: rate('relp') },
    calls: {
      file,
      syslog,
      ratio: syslog.median / file.median,
      spooled,
      spooledRatio: spooled.median / file.median,
      fileCpu: perCall('file', 'cpuNsPerCall'),
      syslogCpu: perCall('syslog', 'cpuNsPerCall'),
      spooledCpu: perCall('spooled', 'cpuNsPerCall'),
    },
    runs: { deliveries, calls },
  };
}

function printMarkdown(r) {
  const row = (label, x, suffix = '') => `| ${label} | ${fmt(x.median)}${suffix} | ${fmt(x.min)} | ${fmt(x.max)} |`;
  const lines = [
    '## Shipping to rsyslog',
    '',
    `${r.machine.cpu}, Node ${r.machine.node}, load average ${r.machine.loadAverage.join(' ')}; ${fmt(r.n)} records per delivery run, ${r.rounds} rounds.`,
    '',
    // CPU of the shipping process per record (user + system, loopback TCP included): what delivery costs the service.
    '| delivered from the spool to rsyslogd | records/s (median) | min | max | sender CPU µs/record |',
    '|---|---:|---:|---:|---:|',
    `${row('TCP, octet counting', r.delivery.tcp)} ${r.delivery.tcp.cpuUsPerRecord.toFixed(1)} |`,
    `${row('RELP, window 4096', r.delivery.relp)} ${r.delivery.relp.cpuUsPerRecord.toFixed(1)} |`,
    '',
    `| logging call, bursts of ${fmt(BURST)} | ns per call (median) | min | max |`,
    '|---|---:|---:|---:|',
    row('file transport', r.calls.file),
    row('syslog transport (RELP, spool)', r.calls.syslog, ` (${r.calls.ratio.toFixed(2)}x file)`),
    row('syslog transport, receiver unreachable (spool only)', r.calls.spooled, ` (${r.calls.spooledRatio.toFixed(2)}x file)`),
    '',
    // On a shared machine wall time also counts time the thread waited for a core; CPU time does not.
    '| logging call, CPU time | CPU ns per call (median) | min | max |',
    '|---|---:|---:|---:|',
    row('file transport', r.calls.fileCpu),
    row('syslog transport (RELP, spool)', r.calls.syslogCpu, ` (${(r.calls.syslogCpu.median / r.calls.fileCpu.median).toFixed(2)}x file)`),
    row('syslog transport, receiver unreachable (spool only)', r.calls.spooledCpu, ` (${(r.calls.spooledCpu.median / r.calls.fileCpu.median).toFixed(2)}x file)`),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function fmt(x) {
  return Math.round(x).toLocaleString('en-US');
}
