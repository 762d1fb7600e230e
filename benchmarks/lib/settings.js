'use strict';
const { LOGGERS } = require('../loggers');
const { CASE_IDS } = require('./plan');
const { readInteger } = require('./readInteger');

/**
 * Run settings from the environment, so a quick run needs no code change:
 * `BENCH_ROUNDS=1 BENCH_N=2000 BENCH_MEMORY_N=10000 npm run bench`.
 * Each is checked at start: a typo fails at once, naming the variable, the
 * value and what is allowed, instead of after minutes of running.
 */
const INTEGER_SETTINGS = Object.freeze({
  rounds: ['BENCH_ROUNDS', 3, 1, 'rounds over every logger, interleaved'],
  n: ['BENCH_N', 30_000, 1, 'records per process (basic, object, child, error)'],
  burst: ['BENCH_BURST', 1000, 0, 'records between two setImmediate turns (0: never yield)'],
  disabledN: ['BENCH_DISABLED_N', 2_000_000, 1, 'disabled calls per process'],
  memoryN: ['BENCH_MEMORY_N', 1_000_000, 1, 'records of the memory case, logged without yielding'],
  memoryRounds: ['BENCH_MEMORY_ROUNDS', 1, 0, 'rounds of the memory case (0: skip)'],
  fatalN: ['BENCH_FATAL_N', 100_000, 1, 'records pending when fatal() is called'],
  fatalRounds: ['BENCH_FATAL_ROUNDS', 3, 0, 'rounds of the fatal case (0: skip)'],
  timeoutS: ['BENCH_TIMEOUT_S', 300, 1, 'seconds one child process may take'],
  peerTimeoutS: ['BENCH_PEER_TIMEOUT_S', 300, 1, 'seconds a rotation or shipping suite may take'],
});

function readSettings(env) {
  const settings = {};
  for (const [field, [key, fallback, min]] of Object.entries(INTEGER_SETTINGS)) {
    settings[field] = readInteger(env, key, fallback, min);
  }
  settings.loggers = readList(env, 'BENCH_LOGGERS', LOGGERS);
  settings.cases = readList(env, 'BENCH_CASES', CASE_IDS);
  settings.memoryLoggers = readList(env, 'BENCH_MEMORY_LOGGERS', LOGGERS, MEMORY_LOGGERS).filter((l) => settings.loggers.includes(l));
  settings.peers = readFlag(env, 'BENCH_PEERS', true);
  settings.startup = readFlag(env, 'BENCH_STARTUP', true);
  settings.startupRuns = readInteger(env, 'BENCH_STARTUP_RUNS', 10, 1);
  settings.outDir = env.BENCH_OUT || undefined;
  return settings;
}

/**
 * log4js and tslog need minutes each for a million records on a small
 * machine, which alone would double the run; BENCH_MEMORY_LOGGERS adds them.
 */
const SLOW_AT_A_MILLION = ['log4js', 'tslog'];
const MEMORY_LOGGERS = LOGGERS.filter((l) => !SLOW_AT_A_MILLION.includes(l));

function readList(env, key, allowed, fallback = allowed) {
  const text = env[key];
  if (text === undefined || text === '') return [...fallback];
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((item) => !allowed.includes(item));
  if (unknown.length > 0 || items.length === 0) {
    throw new Error(`${key}: "${text}" is not a comma-separated list of ${allowed.join(', ')}`);
  }
  // Keep the canonical order, so interleaving is the same whatever order was typed.
  return allowed.filter((item) => items.includes(item));
}

function readFlag(env, key, fallback) {
  const text = env[key];
  if (text === undefined || text === '') return fallback;
  if (text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  throw new Error(`${key}: "${text}" is not one of 1, 0, true, false`);
}

/** The help text for the settings, printed by `node benchmarks/run.js --help`. */
function describeSettings() {
  const lines = Object.values(INTEGER_SETTINGS).map(([key, fallback, , what]) => `  ${key.padEnd(22)} ${what} (default ${fallback})`);
  lines.push(`  ${'BENCH_LOGGERS'.padEnd(22)} comma-separated subset of ${LOGGERS.join(', ')}`);
  lines.push(`  ${'BENCH_CASES'.padEnd(22)} comma-separated subset of ${CASE_IDS.join(', ')}`);
  lines.push(`  ${'BENCH_MEMORY_LOGGERS'.padEnd(22)} loggers of the memory case (default ${MEMORY_LOGGERS.join(', ')})`);
  lines.push(`  ${'BENCH_PEERS'.padEnd(22)} 0 to skip the rotation and shipping suites (default 1)`);
  lines.push(`  ${'BENCH_STARTUP'.padEnd(22)} 0 to skip the startup suite (require times, installed sizes; default 1)`);
  lines.push(`  ${'BENCH_STARTUP_RUNS'.padEnd(22)} fresh processes per startup case (default 10)`);
  lines.push(`  ${'BENCH_OUT'.padEnd(22)} folder for RESULTS.md, chart.svg, results.json (default benchmarks/)`);
  return lines.join('\n');
}

module.exports = { readSettings, describeSettings };
