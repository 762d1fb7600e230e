'use strict';
/**
 * The child-process side of load.js: one configuration in a fresh process.
 *
 * load: logs `rate` records/s for `seconds` in ticks of about 1 ms (the
 * number due is computed from the clock each tick, so a late tick catches
 * up and the rate holds), measuring the main thread over that window, then
 * closes the logger as its documentation says and tells the parent
 * ('closed'), which then brings the receiver up if it was down and waits for
 * what arrives; the process stays alive until the parent says 'exit', so a
 * logger that still sends after its close (winston's last batch, a pino
 * worker that outlived its end()) is measured, not cut off.
 *
 * recover: prodlog only: a fresh process on the spool of a receiver-down
 * run, receiver up; it delivers the backlog and closes.
 *
 * service: a node:http server logging two records per request, driven by
 * autocannon from the parent until it says 'exit'.
 */
const { mkdirSync } = require('node:fs');
const http = require('node:http');
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const { OBJECT_FIELDS, OBJECT_MESSAGE } = require('../cases/records');
const { byId, SERVICE_CONFIGS, within } = require('./loadConfigs');

/**
 * Longest a close may take before the run records it as unfinished and goes
 * on (pino's end() waits for a worker that is not ready yet without a bound).
 */
const CLOSE_BOUND_MS = 15_000;
/** Longest the child waits for the parent's 'exit'. */
const EXIT_WAIT_MS = 120_000;
const RSS_SAMPLE_MS = 50;

async function measureChild(params) {
  mkdirSync(params.ctx.dir, { recursive: true });
  const run = { load: loadRun, recover: recoverRun, service: serviceRun }[params.kind];
  if (!run) throw new Error(`unknown child kind ${params.kind}`);
  const result = await run(params);
  const cpu = process.cpuUsage();
  // The whole process's CPU time, for the parent's figure of what else ran on the machine meanwhile.
  return { ...result, processCpuUs: cpu.user + cpu.system };
}

async function loadRun({ config, ctx, rate, seconds }) {
  const logger = await byId(config).create(ctx);
  const total = Math.round(rate * seconds);
  const fields = (i) => ({ ...OBJECT_FIELDS, seq: i });

  const rss = rssSampler();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let ticks = 0;
  let largestTick = 0;
  for (let i = 0; i < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000));
    if (due - i > largestTick) largestTick = due - i;
    for (; i < due; i++) logger.write(OBJECT_MESSAGE, fields(i));
    ticks++;
    if (i < total) await sleep(1);
  }
  const windowMs = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  delay.disable();

  const closeStarted = performance.now();
  const closed = await within(logger.close().then(() => 'closed', (err) => `failed: ${err.message}`), CLOSE_BOUND_MS);
  const closeMs = performance.now() - closeStarted;
  const cpu = process.cpuUsage(cpu0);
  const peakRssSampled = rss.stop();

  const result = {
    logged: total,
    windowMs,
    ticks,
    largestTick,
    elu: elu.utilization,
    delayP99Ms: delay.percentile(99) / 1e6,
    delayMaxMs: delay.max / 1e6,
    cpuUsPerRecord: (cpu.user + cpu.system) / total,
    closeMs,
    close: closed === 'closed' ? 'ok' : closed === 'timeout' ? `did not finish in ${CLOSE_BOUND_MS / 1000} s` : closed,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    peakRssSampledMb: peakRssSampled / 1024 / 1024,
  };
  process.send({ type: 'closed' });
  await parentSays('exit');
  return { ...result, notes: logger.notes() };
}

async function recoverRun({ config, ctx }) {
  const started = performance.now();
  const logger = await byId(config).create(ctx);
  const closed = await within(logger.close().then(() => 'ok', (err) => `failed: ${err.message}`), CLOSE_BOUND_MS + ctx.closeTimeoutMs);
  return { recoverMs: performance.now() - started, close: closed, notes: logger.notes() };
}

async function serviceRun({ config, ctx }) {
  const c = SERVICE_CONFIGS.find((s) => s.id === config);
  const logger = await c.create(ctx);
  let requests = 0;
  const server = http.createServer((req, res) => {
    const id = ++requests;
    const started = performance.now();
    logger.write('request started', { method: req.method, url: req.url, requestId: id, seq: 2 * id });
    const body = JSON.stringify({ ok: true, id });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    logger.write('request completed', { method: req.method, url: req.url, status: 200, requestId: id, durationMs: performance.now() - started, seq: 2 * id + 1 });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  process.send({ type: 'listening', port: server.address().port });
  await parentSays('exit');
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = process.cpuUsage(cpu0);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  const closed = await within(logger.close().then(() => 'ok', (err) => `failed: ${err.message}`), CLOSE_BOUND_MS);
  return { requests, records: 2 * requests, elu: elu.utilization, cpuUsPerRequest: requests ? (cpu.user + cpu.system) / requests : null, close: closed, peakRssMb: process.resourceUsage().maxRSS / 1024, notes: logger.notes() };
}

/** Peak RSS sampled every 50 ms on the main thread (a thread blocked in a close is not sampled; maxRSS is the exact figure). */
function rssSampler() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), RSS_SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

function parentSays(type) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${type}' from the parent in ${EXIT_WAIT_MS / 1000} s`)), EXIT_WAIT_MS);
    const onMessage = (m) => {
      if (m?.type !== type) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      resolve(m);
    };
    process.on('message', onMessage);
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

module.exports = { measureChild };
