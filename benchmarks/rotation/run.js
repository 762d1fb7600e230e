'use strict';
/**
 * Rotation throughput: object records written at full speed into files that
 * rotate at 1 MB, gzip included where the logger can, by prodlog and its
 * peers in the same run. Each measurement runs in a fresh process; loggers
 * are interleaved A B C A B C over the rounds; the time per record runs
 * until the logger says its last byte is on disk, and every run's files are
 * then read back to count lost, duplicated and broken records.
 *
 * Usage (after `npm run build`): node benchmarks/rotation/run.js [results.json]
 * Environment: ROTATION_BENCH_RECORDS (default 200000), ROTATION_BENCH_ROUNDS (default 5).
 */
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { cpus, tmpdir } = require('node:os');
const { join } = require('node:path');
const { LOGGERS } = require('./loggers');
const { countRecords } = require('./countRecords');

const RECORDS = Number(process.env.ROTATION_BENCH_RECORDS ?? 200_000);
const ROUNDS = Number(process.env.ROTATION_BENCH_ROUNDS ?? 5);
const BASELINE = 'prodlog file';
const SUBJECT = 'prodlog rotate 1M gzip';

function measureOnce(name) {
  const dir = mkdtempSync(join(tmpdir(), 'prodlog-rotation-bench-'));
  try {
    const run = spawnSync(process.execPath, [join(__dirname, 'child.js'), name, String(RECORDS), dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (run.status !== 0) throw new Error(`${name} failed (exit ${run.status}): ${run.stderr}`);
    const { ns, cpuUs, maxRssKb } = JSON.parse(run.stdout.trim().split('\n').pop());
    return { usPerRecord: ns / 1000 / RECORDS, cpuUsPerRecord: cpuUs / RECORDS, maxRssKb, ...countRecords(dir, RECORDS) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Throughput relative to the plain file, round by round: each round runs the
 * loggers back to back, so on a machine whose load changes over minutes the
 * median of these paired ratios is steadier than the ratio of medians.
 */
function pairedRatios(runs, baselineRuns) {
  return runs.map((r, i) => baselineRuns[i].usPerRecord / r.usPerRecord);
}

function summarise(name, runs, baselineRuns) {
  const us = runs.map((r) => r.usPerRecord);
  return {
    logger: name,
    medianPairedThroughputVsPlainFile: median(pairedRatios(runs, baselineRuns)),
    runs: runs.length,
    medianUsPerRecord: median(us),
    minUsPerRecord: Math.min(...us),
    maxUsPerRecord: Math.max(...us),
    medianCpuUsPerRecord: median(runs.map((r) => r.cpuUsPerRecord)),
    medianMaxRssMb: median(runs.map((r) => r.maxRssKb)) / 1024,
    files: median(runs.map((r) => r.files)),
    lostPerRun: runs.map((r) => r.lost),
    duplicatesPerRun: runs.map((r) => r.duplicates),
    brokenLinesPerRun: runs.map((r) => r.broken),
  };
}

function table(results) {
  const byName = Object.fromEntries(results.map((r) => [r.logger, r]));
  const subject = byName[SUBJECT].medianUsPerRecord;
  const baseline = byName[BASELINE].medianUsPerRecord;
  const fmt = (v) => v.toFixed(2);
  const lines = [
    `Rotation throughput: ${RECORDS.toLocaleString('en-US')} object records logged in a loop that never yields, files rotated at 1 MB, ${ROUNDS} rounds, each run in a fresh process.`,
    'us/record: median (min-max) until the logger reports its last byte on disk (prodlog: close() resolved, compression included). Lost, duplicated and broken lines are counted by reading every file back, .gz included.',
    '',
    '| logger | us/record | records/s | throughput vs prodlog file (median of rounds) | prodlog rotate is faster by | CPU us/record (all threads) | files | peak RSS MB | lost per run | duplicated | broken lines |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|',
  ];
  for (const r of results) {
    const m = r.medianUsPerRecord;
    lines.push(
      `| ${r.logger} | ${fmt(m)} (${fmt(r.minUsPerRecord)}-${fmt(r.maxUsPerRecord)}) | ${Math.round(1e6 / m).toLocaleString('en-US')} | ${fmt(baseline / m)}x (${fmt(r.medianPairedThroughputVsPlainFile)}x) | ${r.logger === SUBJECT ? '-' : `${fmt(m / subject)}x`} | ${fmt(r.medianCpuUsPerRecord)} | ${r.files} | ${r.medianMaxRssMb.toFixed(0)} | ${r.lostPerRun.join(', ')} | ${r.duplicatesPerRun.join(', ')} | ${r.brokenLinesPerRun.join(', ')} |`,
    );
  }
  return lines.join('\n');
}

function main() {
  if (!existsSync(join(__dirname, '..', '..', 'dist', 'src', 'index.js'))) {
    process.stderr.write('benchmarks/rotation: prodlog is not built; run `npm run build` first\n');
    process.exit(1);
  }
  const names = Object.keys(LOGGERS);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const name of names) {
      runs[name].push(measureOnce(name));
      process.stderr.write(`round ${round}/${ROUNDS} ${name}: ${runs[name].at(-1).usPerRecord.toFixed(2)} us/record\n`);
    }
  }
  const results = names.map((n) => summarise(n, runs[n], runs[BASELINE]));
  const markdown = table(results);
  process.stdout.write(`${markdown}\n`);
  const out = process.argv[2];
  if (out) {
    const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, platform: `${process.platform} ${process.arch}` };
    writeFileSync(out, `${JSON.stringify({ benchmark: 'rotation', date: new Date().toISOString(), machine, records: RECORDS, rounds: ROUNDS, results, markdown }, null, 2)}\n`);
  }
}

main();
