'use strict';
/**
 * `node benchmarks/formats.js`: what a line format other than prodlog's
 * own costs per record (README, "Record formats"). `npm run build` first.
 *
 * 1. The conversion alone, in this process: the lines prodlog writes for
 *    the benchmark's records (basic, object, child, error) are converted
 *    by each format, in batches interleaved across the formats, and the
 *    CPU time per line is the median over the rounds (CPU time, not the
 *    clock, so that other processes on the machine count less).
 * 2. The whole logger, in fresh processes: the benchmark's file cases
 *    (benchmarks/cases) with the file transport in each format
 *    (BENCH_FORMAT), interleaved over the rounds; median CPU and wall
 *    time per record, and the difference from prodlog's own format.
 *
 * Settings: FORMATS_ROUNDS (default 9), FORMATS_N records per process
 * (default 30000), FORMATS_BATCH conversions per batch (default 100000).
 */
const { spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { createTestLogger } = require('../dist/src/testing');
const { createLineFormat } = require('../dist/transports/shared/lineFormats/createLineFormat');
const { RESULT_MARKER } = require('./cases/runCase');
const { CHILD_BINDINGS, CHILD_FIELDS, CHILD_MESSAGE, ERROR, MESSAGE, OBJECT_FIELDS, OBJECT_MESSAGE } = require('./cases/records');
const { readInteger } = require('./lib/readInteger');
const { median } = require('./lib/stats');

const ROUNDS = readInteger(process.env, 'FORMATS_ROUNDS', 9, 1);
const N = readInteger(process.env, 'FORMATS_N', 30_000, 1);
const BATCH = readInteger(process.env, 'FORMATS_BATCH', 100_000, 1);
const FORMATS = ['prodlog', 'pino', 'ecs', 'gcp'];
const CASES = ['basic', 'object', 'child', 'error'];

/** The line prodlog writes for each case's record. */
function caseLines() {
  const { log, memory } = createTestLogger({ name: 'bench', warnings: false });
  log.info(MESSAGE);
  log.info(OBJECT_MESSAGE, OBJECT_FIELDS);
  log.child(CHILD_BINDINGS).info(CHILD_MESSAGE, CHILD_FIELDS);
  log.error(ERROR);
  void log.close();
  return Object.fromEntries(CASES.map((c, i) => [c, memory.lines[i]]));
}

/** CPU nanoseconds per conversion of `line`, over one batch. */
function convertBatch(convert, line) {
  let chars = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < BATCH; i++) chars += convert(line).length;
  const used = process.cpuUsage(start);
  if (chars === 0) throw new Error('nothing converted');
  return ((used.user + used.system) * 1000) / BATCH;
}

function conversionAlone() {
  const lines = caseLines();
  const converters = Object.fromEntries(FORMATS.filter((f) => f !== 'prodlog').map((f) => [f, createLineFormat(f, { gcpProjectId: 'bench-project' })]));
  const names = Object.keys(converters);
  const samples = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of CASES) {
      // Each round in another order, so no format always runs first or last.
      const order = names.map((_, i) => names[(i + round) % names.length]);
      for (const f of order) ((samples[c] ??= {})[f] ??= []).push(convertBatch(converters[f], lines[c]));
    }
  }
  const rows = CASES.map((c) => `| ${c} | ${lines[c].length - 1} | ${names.map((f) => median(samples[c][f]).toFixed(0)).join(' | ')} |`);
  return [`| case | prodlog line (chars) | ${names.map((f) => `${f}: CPU ns/line`).join(' | ')} |`, `|---|--:|${names.map(() => '--:').join('|')}|`, ...rows].join('\n');
}

function wholeLogger() {
  const dir = mkdtempSync(join(tmpdir(), 'prodlog-formats-'));
  const samples = {};
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of CASES) {
        const order = FORMATS.map((_, i) => FORMATS[(i + round) % FORMATS.length]);
        for (const f of order) {
          const dest = join(dir, `${c}-${f}-${round}.log`);
          const child = spawnSync(process.execPath, [join(__dirname, 'cases', `${c}.js`), 'prodlog', dest, String(N), '1000'], {
            cwd: join(__dirname, '..'),
            encoding: 'utf8',
            env: { ...process.env, BENCH_FORMAT: f === 'prodlog' ? '' : f },
          });
          const line = child.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
          if (child.status !== 0 || line === undefined) throw new Error(`${c} ${f}: exit ${child.status}: ${child.stderr.trim().split('\n').pop()}`);
          const { ns, cpuNs } = JSON.parse(line.slice(RESULT_MARKER.length));
          ((samples[c] ??= {})[f] ??= []).push({ wall: ns / N, cpu: cpuNs / N });
          rmSync(dest, { force: true });
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const cell = (c, f) => {
    const cpu = median(samples[c][f].map((s) => s.cpu));
    const wall = median(samples[c][f].map((s) => s.wall));
    if (f === 'prodlog') return `${cpu.toFixed(0)} / ${wall.toFixed(0)}`;
    const base = median(samples[c].prodlog.map((s) => s.cpu));
    return `${cpu.toFixed(0)} / ${wall.toFixed(0)} (${cpu - base >= 0 ? '+' : ''}${(cpu - base).toFixed(0)} CPU)`;
  };
  const rows = CASES.map((c) => `| ${c} | ${FORMATS.map((f) => cell(c, f)).join(' | ')} |`);
  return [`| case | ${FORMATS.map((f) => `${f}: CPU / wall ns per record`).join(' | ')} |`, `|---|${FORMATS.map(() => '--:').join('|')}|`, ...rows].join('\n');
}

process.stdout.write(`Conversion alone (${ROUNDS} rounds of ${BATCH} lines, median):\n\n${conversionAlone()}\n\n`);
process.stdout.write(`File transport, whole process (${ROUNDS} rounds of ${N} records in bursts of 1000, median):\n\n${wholeLogger()}\n`);
