'use strict';
const os = require('node:os');
const { BENCH_DIR, ROOT, versionOf, versionsOf } = require('./packages');

/**
 * What the numbers were measured on. The load average is part of it: on a
 * shared machine it says how much else was running.
 */
function describeMachine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}`,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    versions: libraryVersions(),
    loadAverage: os.loadavg().map((l) => l.toFixed(2)),
  };
}

/**
 * prodlog, the pino it loads with pino's own sonic-boom and thread-stream,
 * and the competitor loggers from the benchmarks' own dependencies: each
 * read from where it resolves.
 */
function libraryVersions() {
  return {
    prodlog: versionOf(ROOT, []),
    ...versionsOf(ROOT, ['pino', ['pino', 'sonic-boom'], ['pino', 'thread-stream']]),
    ...versionsOf(BENCH_DIR, ['winston', 'bunyan', 'log4js', 'tslog']),
  };
}

module.exports = { describeMachine };
