'use strict';
/**
 * What a service feels when it ships logs: prodlog (a file alone, and a file
 * plus each shipper) against the peer shippers (pino with pino-loki,
 * pino-elasticsearch, pino-opentelemetry-transport, pino-socket; winston
 * with its Http transport; pino's worker file target alone), in one run on
 * this machine.
 *
 *   npm ci --prefix benchmarks && npm run build && node benchmarks/shipping/load.js
 *   node benchmarks/shipping/load.js --render    # RESULTS.md and chart.svg again from load-results.json
 *
 * The peer shippers and autocannon are the benchmarks' own dependencies
 * (benchmarks/package.json), hence the first step; pino is the one prodlog
 * loads (lib/packages.js).
 * Quick smoke run (about 3 minutes, after the same two steps): SHIP_BENCH_ROUNDS=1 SHIP_BENCH_SECONDS=1 SHIP_BENCH_SERVICE_SECONDS=2 SHIP_BENCH_OUT=/tmp/ship node benchmarks/shipping/load.js
 * A full run (3 rounds, the defaults) takes about 16 minutes on a 2-core machine.
 * It needs clickhouse-server and rsyslogd as the tests do (bash scripts/install-receivers.sh).
 *
 * Every configuration runs in a fresh process (this file with --child, see
 * loadChild.js): 30,000 object records/s for 4 s in ticks of about 1 ms,
 * then the logger's own close, then up to 10 s for the receiver's count to
 * stop rising. Measured: records delivered (distinct `seq`) of records
 * logged, duplicates, main-thread event-loop utilisation and p99 event-loop
 * delay over the logging window, whole-process CPU per record from the first
 * record to the end of close (worker threads included), peak RSS. The same
 * again with the receiver down for the whole window and started after the
 * close; for prodlog a fresh process on the same spool then delivers the
 * backlog ("delivered after recovery"). Then a service-level run: a node
 * HTTP server logging two records per request, driven by autocannon from
 * this process. Configurations and rounds are interleaved.
 *
 * Receivers: a real ClickHouse and a real rsyslogd (started by the test
 * harness: test/support/clickhouse.ts, rsyslog.ts) and stand-ins for Loki,
 * Elasticsearch, an OTLP collector and a JSON sink (standIns.js).
 *
 * Settings (environment): SHIP_BENCH_ROUNDS (3), SHIP_BENCH_SECONDS (4),
 * SHIP_BENCH_RATE (30000 records/s), SHIP_BENCH_SERVICE_SECONDS (10),
 * SHIP_BENCH_CONNECTIONS (10), SHIP_BENCH_CONFIGS (comma-separated ids of
 * load configurations, default all), SHIP_BENCH_PARTS (comma-separated of
 * up, down, service; default all), SHIP_BENCH_OUT (folder for
 * load-results.json, RESULTS.md and chart.svg; default this folder).
 */
const { fork, spawnSync } = require('node:child_process');
const { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { createHistogram } = require('node:perf_hooks');
const { join } = require('node:path');
const { ROOT, runBenchmark, stopOnTerm, positiveIntSetting, progress } = require('../lib/childRuns');
const { machineBusyUs, otherLoad } = require('../lib/cpuTicks');
const { describeMachine } = require('../lib/machine');
const { BENCH_DIR, assertInstalled, versionsOf } = require('../lib/packages');
const { LOAD_CONFIGS, SERVICE_CONFIGS } = require('./loadConfigs');
const { measureChild } = require('./loadChild');
const { writeLoadReport } = require('./loadReport');

const PARTS = ['up', 'down', 'service'];
/** prodlog's close bound with the receiver up: ample for the backlog a window leaves (under a second here). */
const UP_CLOSE_TIMEOUT_MS = 10_000;
/** With the receiver down the backlog stays in the spool; close() gives up after this. */
const DOWN_CLOSE_TIMEOUT_MS = 2_000;
/** The recovery process's close bound: it returns as soon as the backlog is delivered. */
const RECOVER_CLOSE_TIMEOUT_MS = 60_000;
/**
 * After a close: the longest wait for the receiver's count, and how long it
 * must stay unchanged to be final. With the receiver down, a peer gets the
 * whole wait once the receiver is back (a reconnect backoff may be 10 s, and
 * pino-socket's worker only becomes ready on its first connection); a
 * prodlog process has closed by then, and its backlog is delivered by the
 * recovery process instead, measured on its own.
 */
const SETTLE_MAX_MS = { up: 10_000, down: 12_000 };
const SETTLE_QUIET_MS = { up: 2_000, down: 4_000, peerDown: 12_000 };
const CHILD_TIMEOUT_MS = 180_000;

runBenchmark({ main, measure: measureChild });

function readSettings() {
  const list = (key, allowed) => {
    const text = process.env[key];
    if (!text) return allowed;
    const items = text.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = items.filter((i) => !allowed.includes(i));
    if (unknown.length || !items.length) throw new Error(`${key}: "${text}" is not a comma-separated list of ${allowed.join(', ')}`);
    return allowed.filter((a) => items.includes(a));
  };
  return {
    rounds: positiveIntSetting('SHIP_BENCH_ROUNDS', 3),
    seconds: positiveIntSetting('SHIP_BENCH_SECONDS', 4),
    rate: positiveIntSetting('SHIP_BENCH_RATE', 30_000),
    serviceSeconds: positiveIntSetting('SHIP_BENCH_SERVICE_SECONDS', 10),
    connections: positiveIntSetting('SHIP_BENCH_CONNECTIONS', 10),
    serviceRate: positiveIntSetting('SHIP_BENCH_SERVICE_RATE', 5_000),
    configs: list('SHIP_BENCH_CONFIGS', LOAD_CONFIGS.map((c) => c.id)),
    parts: list('SHIP_BENCH_PARTS', PARTS),
    outDir: process.env.SHIP_BENCH_OUT || __dirname,
  };
}

async function main(arg) {
  const settings = readSettings();
  const resultsPath = join(settings.outDir, 'load-results.json');
  if (arg === '--render') {
    writeLoadReport(settings.outDir, JSON.parse(readFileSync(resultsPath, 'utf8')));
    progress(`wrote RESULTS.md and chart.svg in ${settings.outDir} from ${resultsPath}`);
    return;
  }
  assertInstalled(['pino-loki', 'pino-elasticsearch', 'pino-opentelemetry-transport', 'pino-socket', 'winston', 'autocannon']);
  mkdirSync(settings.outDir, { recursive: true });
  const configs = LOAD_CONFIGS.filter((c) => settings.configs.includes(c.id));
  const services = settings.parts.includes('service') ? SERVICE_CONFIGS : [];
  const kinds = [...new Set([...configs, ...services].map((c) => c.receiver).filter(Boolean))];
  const { startReceivers } = require('./receivers');
  const work = mkdtempSync(join(tmpdir(), 'prodlog-bench-load-'));
  const started = new Date();
  const build = snapshotBuild(work);
  const set = await startReceivers(kinds);
  const stop = async () => {
    await set.close();
    rmSync(work, { recursive: true, force: true });
  };
  await stopOnTerm(stop, async () => {
    const results = {
      startedAt: started.toISOString(),
      machine: describeMachine(),
      build: build.info,
      // The peers as installed for the benchmarks, each client library as its shipper loads it.
      peerVersions: versionsOf(BENCH_DIR, [
        'pino-loki',
        'pino-elasticsearch',
        ['pino-elasticsearch', '@elastic/elasticsearch'],
        'pino-opentelemetry-transport',
        ['pino-opentelemetry-transport', '@opentelemetry/exporter-logs-otlp-proto'],
        'pino-socket',
        'autocannon',
      ]),
      settings: { rounds: settings.rounds, seconds: settings.seconds, rate: settings.rate, serviceSeconds: settings.serviceSeconds, connections: settings.connections, serviceRate: settings.serviceRate, parts: settings.parts },
      receivers: Object.fromEntries(Object.entries(set.receivers).map(([kind, r]) => [kind, { label: r.label, real: r.real }])),
      configs: configs.map(({ id, label, family, receiver, options, behaviour }) => ({ id, label, family, receiver, options, behaviour })),
      serviceConfigs: services.map(({ id, label, family, receiver }) => ({ id, label, family, receiver })),
      runs: [],
      service: [],
    };
    const bench = { settings, work, prodlog: build.entry, endpoints: set.endpoints, receivers: set.receivers };
    for (let round = 1; round <= settings.rounds; round++) {
      // Interleaved: every configuration once per round, in reverse order every other round.
      const order = round % 2 ? configs : [...configs].reverse();
      for (const config of order) {
        for (const phase of ['up', 'down']) {
          if (!settings.parts.includes(phase) || (phase === 'down' && !config.receiver)) continue;
          const run = await loadRun(bench, config, phase, round);
          results.runs.push(run);
          progress(runLine(run));
        }
      }
      for (const config of round % 2 ? services : [...services].reverse()) {
        const run = await serviceRun(bench, config, round);
        results.service.push(run);
        progress(`round ${round}: service, ${config.label}: ${run.error ?? `${Math.round(run.requestsPerSec)} req/s, p99 ${run.latencyP99FineMs?.toFixed(2)} ms`}`);
      }
      results.finishedAt = new Date().toISOString();
      results.durationS = Math.round((Date.now() - started.getTime()) / 1000);
      writeFileSync(resultsPath, `${JSON.stringify(results, null, 1)}\n`);
    }
    results.machine.loadAverageAtEnd = describeMachine().loadAverage;
    writeFileSync(resultsPath, `${JSON.stringify(results, null, 1)}\n`);
    writeLoadReport(settings.outDir, results);
    progress(`done in ${results.durationS} s: ${resultsPath}, RESULTS.md, chart.svg`);
  });
}

/**
 * One configuration, receiver up or down, in a fresh process; with the
 * receiver down, the receiver is started once the logger has closed, and a
 * prodlog configuration is then followed by a recovery process on its spool.
 */
async function loadRun(bench, config, phase, round) {
  const { settings, work, endpoints, prodlog } = bench;
  const runName = `r${round}-${config.id}-${phase}`;
  const dir = join(work, runName);
  const logged = Math.round(settings.rate * settings.seconds);
  const receiver = config.receiver ? bench.receivers[config.receiver] : null;
  const run = { round, config: config.id, phase, logged };
  const ctx = { runName, dir, prodlog, endpoints, closeTimeoutMs: phase === 'up' ? UP_CLOSE_TIMEOUT_MS : DOWN_CLOSE_TIMEOUT_MS };
  if (receiver) await receiver.reset(runName);
  if (phase === 'down') await receiver.down();
  let receiverUp = phase === 'up';
  const child = startChild({ kind: 'load', config: config.id, ctx, rate: settings.rate, seconds: settings.seconds });
  try {
    await child.message('closed');
    if (!receiverUp) {
      await receiver.up();
      receiverUp = true;
    }
    const arrived = receiver ? await settle(receiver, runName, logged, phase === 'down' && config.family !== 'prodlog' ? 'peerDown' : phase) : null;
    child.send({ type: 'exit' });
    Object.assign(run, await child.result());
    if (arrived) Object.assign(run, { delivered: arrived.distinct, received: arrived.received, duplicates: arrived.duplicates, receiverNotes: arrived.errors });
    if (phase === 'down') run.deliveredAfterRecovery = arrived.distinct;
    if (phase === 'down' && config.family === 'prodlog') {
      const recovery = await runToEnd({ kind: 'recover', config: config.id, ctx: { ...ctx, closeTimeoutMs: RECOVER_CLOSE_TIMEOUT_MS } });
      const after = await settle(receiver, runName, logged, 'up');
      run.recovery = { ...recovery, delivered: after.distinct, received: after.received, duplicates: after.duplicates };
      run.deliveredAfterRecovery = after.distinct;
    }
  } catch (err) {
    child.kill();
    run.error = err.message;
  } finally {
    if (!receiverUp) await receiver.up();
    rmSync(dir, { recursive: true, force: true });
  }
  return run;
}

/** The service-level run: the child serves, autocannon (here) drives it for serviceSeconds after a 1 s warm-up. */
async function serviceRun(bench, config, round) {
  const { settings, work, endpoints, prodlog } = bench;
  const runName = `r${round}-service-${config.id}`;
  const dir = join(work, runName);
  const receiver = config.receiver ? bench.receivers[config.receiver] : null;
  const run = { round, config: config.id };
  if (receiver) await receiver.reset(runName);
  const child = startChild({ kind: 'service', config: config.id, ctx: { runName, dir, prodlog, endpoints, closeTimeoutMs: UP_CLOSE_TIMEOUT_MS } });
  try {
    const { port } = await child.message('listening');
    // The service on one core, the load generator and the receivers on the other: as if on machines of their own.
    separateCores(child.pid);
    const url = `http://127.0.0.1:${port}/api/orders/4711?expand=items`;
    await drive(url, settings.connections, 1);
    const { result: r, latencyUs } = await drive(url, settings.connections, settings.serviceSeconds);
    // The same connections at a fixed request rate below saturation: what a service with headroom feels.
    const paced = await drive(url, settings.connections, settings.serviceSeconds, settings.serviceRate);
    child.send({ type: 'exit' });
    const served = await child.result();
    Object.assign(run, {
      requestsPerSec: r.requests.average,
      requests: r.requests.total,
      // autocannon's histogram holds whole milliseconds; the same latencies in microseconds give the finer figures.
      latencyP99Ms: r.latency.p99,
      latencyP50FineMs: latencyUs.percentile(50) / 1000,
      latencyP99FineMs: latencyUs.percentile(99) / 1000,
      latencyMaxMs: r.latency.max,
      paced: { requestsPerSec: paced.result.requests.average, latencyP50FineMs: paced.latencyUs.percentile(50) / 1000, latencyP99FineMs: paced.latencyUs.percentile(99) / 1000 },
      errors: r.errors,
      timeouts: r.timeouts,
      non2xx: r.non2xx,
      service: served,
      pinned,
    });
    if (receiver) {
      const arrived = await settle(receiver, runName, served.records + 2, 'up');
      run.delivered = arrived.distinct;
    }
  } catch (err) {
    child.kill();
    run.error = err.message;
  } finally {
    shareCores();
    rmSync(dir, { recursive: true, force: true });
  }
  return run;
}

/**
 * Pins the service (every thread: its delivery or transport worker runs
 * beside its main thread) to CPU 0, and this process (autocannon) and the
 * receivers it started (its other children) to CPU 1, so the service-level
 * figures measure what logging costs the service, not how the receiver and
 * the load generator share its cores. Linux taskset; without it, nothing is
 * pinned and the results say so.
 */
function separateCores(servicePid) {
  const others = [process.pid, ...childPids(process.pid).filter((pid) => pid !== servicePid)];
  pinned = taskset('0', servicePid) && others.every((pid) => taskset('1', pid));
}

function shareCores() {
  for (const pid of [process.pid, ...childPids(process.pid)]) taskset('0-1', pid);
}

let pinned = false;

function taskset(cpus, pid) {
  return spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' }).status === 0;
}

function childPids(pid) {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout ?? '';
  return out.split('\n').map((l) => Number(l.trim())).filter((n) => Number.isInteger(n) && n > 0);
}

/**
 * autocannon at `connections` for `seconds` (at most `overallRate` requests/s
 * when given), with every response's latency also kept in microseconds.
 */
function drive(url, connections, seconds, overallRate) {
  const autocannon = require('autocannon');
  const latencyUs = createHistogram();
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, ...(overallRate ? { overallRate } : {}) }, (err, result) => (err ? reject(err) : resolve({ result, latencyUs })));
    instance.on('response', (client, status, bytes, ms) => latencyUs.record(Math.max(1, Math.round(ms * 1000))));
  });
}

/**
 * Polls the receiver until it holds every record of the run, or its count
 * has not changed for SETTLE_QUIET_MS, or SETTLE_MAX_MS have passed
 * (`phase`: up, down, or peerDown for a peer with the receiver down).
 */
async function settle(receiver, runName, logged, phase) {
  const started = Date.now();
  let last = -1;
  let changedAt = started;
  for (;;) {
    const snap = await receiver.count(runName, logged);
    if (snap.distinct >= logged) return snap;
    if (snap.received !== last) {
      last = snap.received;
      changedAt = Date.now();
    }
    if (Date.now() - changedAt >= SETTLE_QUIET_MS[phase] || Date.now() - started >= SETTLE_MAX_MS[phase === 'up' ? 'up' : 'down']) return snap;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * A child process (this file with --child and its parameters) with an IPC
 * channel: message(type) waits for a message from it, send() answers,
 * result() is what it printed last on stdout once it has ended. It is
 * killed after CHILD_TIMEOUT_MS whatever it is doing.
 */
function startChild(params) {
  const busyBefore = machineBusyUs();
  const startedAt = process.hrtime.bigint();
  const child = fork(__filename, ['--child', JSON.stringify(params)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [] });
  let stdout = '';
  let stderr = '';
  let stderrHead = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => {
    if (stderrHead.length < 2_000) stderrHead += d;
    stderr = (stderr + d).slice(-8_000);
  });
  const messages = [];
  const waiting = new Set();
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  const ended = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, busyAfter: machineBusyUs(), wallUs: Number(process.hrtime.bigint() - startedAt) / 1000 });
      for (const w of waiting) w();
    });
  });
  let exit = null;
  ended.then((e) => (exit = e));
  child.on('message', (m) => {
    messages.push(m);
    for (const w of waiting) w();
  });
  const failure = (e) => new Error(`child ${params.kind} ${params.config} ended (${e.signal ?? e.code}): ${errorLine(stderrHead) || 'no message'}`);
  return {
    message(type) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = messages.find((x) => x.type === type);
          if (m) resolve(m);
          else if (exit) reject(failure(exit));
          else return;
          waiting.delete(check);
        };
        waiting.add(check);
        check();
      });
    },
    send(m) {
      if (child.connected) child.send(m);
    },
    async result() {
      const e = await ended;
      if (e.code !== 0) throw failure(e);
      const r = JSON.parse(stdout.trim().split('\n').at(-1));
      // The share of the machine's CPUs that other processes used meanwhile (the receivers among them).
      r.otherLoad = otherLoad(busyBefore, e.busyAfter, r.processCpuUs, e.wallUs);
      // What the logger printed first (its first error), for the report's notes.
      if (stderrHead.trim()) r.stderr = stderrHead.trim().split('\n')[0].slice(0, 300);
      return r;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The line of a child's stderr that names its error: the first with "Error", else the first. */
function errorLine(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /Error\b|error:/.test(l)) ?? lines[0] ?? '').slice(0, 300);
}

/** A child that needs nothing from the parent: its result once it has ended. */
function runToEnd(params) {
  return startChild(params).result();
}

/**
 * A copy of the built package (dist/ and package.json) in the work folder,
 * with node_modules linked to the repository's, which every child loads: a
 * rebuild of dist/ while the benchmark runs (the tests build it first) then
 * changes nothing mid-run. Loaded once here, so a half-built dist/ fails at
 * once. The worker files are found beside the copy, as in an installed package.
 */
function snapshotBuild(work) {
  const dir = join(work, 'prodlog');
  mkdirSync(dir);
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const entry = join(dir, 'dist', 'src');
  if (typeof require(entry).createLogger !== 'function') throw new Error(`${ROOT}/dist/src has no createLogger: run npm run build`);
  const git = (args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const info = {
    builtAt: statSync(join(ROOT, 'dist', 'src', 'index.js')).mtime.toISOString(),
    gitHead: git(['rev-parse', '--short', 'HEAD']),
    sourceChanged: git(['status', '--porcelain', '--', 'src', 'transports']) !== '',
  };
  return { entry, info };
}

function runLine(r) {
  const head = `round ${r.round}: ${r.config}, receiver ${r.phase}`;
  if (r.error) return `${head}: FAILED: ${r.error}`;
  const pct = (n) => (n === undefined ? '-' : `${((100 * n) / r.logged).toFixed(1)}%`);
  const delivered = r.phase === 'up' ? `delivered ${pct(r.delivered)}` : `after recovery ${pct(r.deliveredAfterRecovery)}`;
  return `${head}: ${delivered}, ELU ${r.elu.toFixed(3)}, p99 delay ${r.delayP99Ms.toFixed(1)} ms, ${r.cpuUsPerRecord.toFixed(1)} µs CPU/record, ${Math.round(r.peakRssMb)} MB, close ${Math.round(r.closeMs)} ms ${r.close}`;
}
