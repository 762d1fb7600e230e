'use strict';
/**
 * The receivers of the load benchmark, in the parent process: a real
 * ClickHouse and a real rsyslogd, started by the test harness on free ports
 * in temp folders, and the stand-ins (standIns.js). Each has one interface:
 * reset(runName) before a run, count(runName, logged) for what it holds of
 * that run ({ received, distinct, duplicates }), down() and up() for the
 * receiver-down runs (on the same port: the shippers keep their URL).
 */
const { closeSync, existsSync, fstatSync, openSync, readSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { ROOT, requireTypeScript } = require('../lib/childRuns');
const { startStandIn } = require('./standIns');

/** rsyslog's JSON template escapes the record's quotes: the record's seq is \"seq\":N in its line. */
const SEQ_IN_RSYSLOG_LINE = /\\"seq\\":(\d+)/;

/** Starts the receivers in `kinds` (clickhouse, rsyslog, loki, elasticsearch, otlp, json). */
async function startReceivers(kinds) {
  const receivers = {};
  const stops = [];
  try {
    for (const kind of kinds) {
      const r = kind === 'clickhouse' ? await clickhouseReceiver() : kind === 'rsyslog' ? await rsyslogReceiver() : await standInReceiver(kind);
      receivers[kind] = r;
      stops.push(() => r.close());
    }
  } catch (err) {
    for (const stop of stops) await stop().catch(() => {});
    throw err;
  }
  const endpoints = {
    clickhouse: receivers.clickhouse?.endpoint,
    rsyslog: receivers.rsyslog?.endpoint,
    loki: receivers.loki?.endpoint,
    elasticsearch: receivers.elasticsearch?.endpoint,
    otlp: receivers.otlp?.endpoint,
    json: receivers.json?.endpoint,
  };
  return {
    receivers,
    endpoints,
    async close() {
      for (const stop of stops) await stop().catch(() => {});
    },
  };
}

async function clickhouseReceiver() {
  const { ClickHouse } = requireTypeScript(join(ROOT, 'test', 'support', 'clickhouse.ts'));
  const ch = await ClickHouse.start();
  const version = (await ch.query('SELECT version()')).trim();
  return {
    label: `ClickHouse ${version}`,
    real: true,
    endpoint: ch.insertUrl,
    async reset() {
      await ch.query('TRUNCATE TABLE logs');
    },
    async count(runName, logged) {
      if (!(await ch.ping())) return { received: 0, distinct: 0, duplicates: 0 };
      // `name` is the run's own name, so nothing of another run is counted.
      const [row] = await ch.rows(`SELECT count() AS received, uniqExact(seq) AS all_distinct, uniqExactIf(seq, seq < ${Number(logged)}) AS distinct FROM logs WHERE name = '${runName}'`);
      const received = Number(row.received);
      return { received, distinct: Number(row.distinct), duplicates: received - Number(row.all_distinct) };
    },
    down: () => ch.stop(),
    up: () => ch.resume(),
    close: () => ch.close(),
  };
}

async function rsyslogReceiver() {
  const { Rsyslog } = requireTypeScript(join(ROOT, 'test', 'support', 'rsyslog.ts'));
  const rsyslog = await Rsyslog.start();
  // What rsyslogd wrote is read on from where the run began, keeping what it has seen of the run.
  let run = null;
  return {
    label: `rsyslogd ${rsyslogVersion()}`,
    real: true,
    endpoint: { tcp: rsyslog.ports.tcp, relp: rsyslog.ports.relp },
    async reset(runName) {
      run = { name: runName, offset: fileSize(rsyslog.outFile), partial: '', seqs: new Set(), received: 0 };
    },
    async count(runName) {
      if (!run || run.name !== runName) throw new Error(`rsyslog: count of ${runName} without reset`);
      readNewLines(rsyslog.outFile, run, (line) => {
        if (!line.includes(runName)) return;
        const m = line.match(SEQ_IN_RSYSLOG_LINE);
        if (!m) return;
        run.received++;
        run.seqs.add(Number(m[1]));
      });
      return { received: run.received, distinct: run.seqs.size, duplicates: run.received - run.seqs.size };
    },
    down: () => rsyslog.stop(),
    up: () => rsyslog.restart(),
    async close() {
      await rsyslog.stop();
      rmSync(rsyslog.dir, { recursive: true, force: true });
    },
  };
}

async function standInReceiver(kind) {
  const s = await startStandIn(kind);
  return {
    label: s.label,
    real: false,
    endpoint: s.url,
    async reset() {
      s.reset();
    },
    async count(runName, logged) {
      const t = s.tally.snapshot(logged);
      return { received: t.received, distinct: t.distinct, duplicates: t.duplicates, requests: t.requests, ...(s.errors.length ? { errors: [...s.errors] } : {}) };
    },
    down: () => s.stop(),
    up: () => s.start(),
    close: () => s.stop(),
  };
}

function fileSize(path) {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/** Calls onLine for each complete line appended to `path` since run.offset, and moves the offset on. */
function readNewLines(path, run, onLine) {
  if (!existsSync(path)) return;
  const fd = openSync(path, 'r');
  try {
    const block = Buffer.allocUnsafe(4 * 1024 * 1024);
    for (;;) {
      const n = readSync(fd, block, 0, block.length, run.offset);
      if (n <= 0) break;
      run.offset += n;
      const lines = (run.partial + block.toString('utf8', 0, n)).split('\n');
      run.partial = lines.pop();
      for (const line of lines) onLine(line);
    }
  } finally {
    closeSync(fd);
  }
}

function rsyslogVersion() {
  const r = require('node:child_process').spawnSync('/usr/sbin/rsyslogd', ['-v'], { encoding: 'utf8' });
  return r.stdout?.match(/rsyslogd\s+([\d.]+)/)?.[1] ?? '';
}

module.exports = { startReceivers };
