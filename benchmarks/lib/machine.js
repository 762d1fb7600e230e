'use strict';
const os = require('node:os');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

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
    versions: libraryVersions(['pino', 'sonic-boom', 'thread-stream', 'winston', 'bunyan', 'log4js', 'tslog']),
    loadAverage: os.loadavg().map((l) => l.toFixed(2)),
  };
}

function libraryVersions(names) {
  const root = join(__dirname, '..', '..');
  const versions = { prodlog: readVersion(join(root, 'package.json')) };
  for (const name of names) versions[name] = readVersion(join(root, 'node_modules', name, 'package.json'));
  return versions;
}

function readVersion(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

module.exports = { describeMachine };
