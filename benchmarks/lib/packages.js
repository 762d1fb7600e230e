'use strict';
/**
 * Where the benchmarks' packages come from, and their versions as loaded.
 *
 * prodlog is the repository's build (dist/, `npm run build`), and pino is the
 * copy prodlog itself loads (the library's dependency), so that a ratio to
 * pino measures prodlog's own work over the same pino. The competitor
 * loggers, the peer shippers and autocannon are the benchmarks' own
 * dependencies (benchmarks/package.json; `npm run bench` installs them, a
 * benchmark file run directly needs `npm ci --prefix benchmarks` first) and
 * are required by name. benchmarks/node_modules holds a pino too, as a peer
 * of pino-opentelemetry-transport: take pino from libraryPino(), not by name.
 */
const { existsSync, readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const BENCH_DIR = join(__dirname, '..');

/** pino as prodlog loads it. */
function libraryPino() {
  return require(createRequire(join(ROOT, 'package.json')).resolve('pino'));
}

/**
 * The version of the package reached by following `chain` from folder
 * `from`, each name found as node finds it from the package before
 * (['pino', 'sonic-boom']: the sonic-boom that pino loads; []: the package
 * at `from` itself), or 'not installed'.
 */
function versionOf(from, chain) {
  let dir = from;
  for (const name of chain) {
    const lookup = createRequire(join(dir, 'package.json')).resolve.paths(name) ?? [];
    dir = lookup.map((modules) => join(modules, name)).find((candidate) => existsSync(join(candidate, 'package.json')));
    if (!dir) return 'not installed';
  }
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

/**
 * { name: version } of packages as node resolves them from folder `from`. An
 * entry is a name or a chain for versionOf, named by its last name.
 */
function versionsOf(from, entries) {
  const chains = entries.map((entry) => [entry].flat());
  return Object.fromEntries(chains.map((chain) => [chain.at(-1), versionOf(from, chain)]));
}

/** Fails at the start of a run, naming the install step, when one of the benchmarks' own dependencies is missing. */
function assertInstalled(names) {
  const missing = names.filter((name) => versionOf(BENCH_DIR, [name]) === 'not installed');
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not installed: run npm ci --prefix benchmarks`);
}

module.exports = { ROOT, BENCH_DIR, libraryPino, versionOf, versionsOf, assertInstalled };
