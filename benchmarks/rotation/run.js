'use strict';
/**
 * Rotation throughput: object records written at full speed into files that
 * rotate at 1 MB, gzip included where the logger can, by prodlog and its
 * peers in the same run. Each measurement runs in a fresh process; loggers
 * are interleaved A B C A B C over the rounds; the time per record runs
 * until the logger says its last byte is on disk, and every run's files are
 * then read back to count lost, duplicated and broken records.
 *
 * Usage (after `npm ci --prefix benchmarks`, which installs the peers, and
 * `npm run build`): node benchmarks/rotation/run.js [results.json]
 * Environment: ROTATION_BENCH_RECORDS (default 200000), ROTATION_BENCH_ROUNDS (default 5).
 */
const { existsSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { ROOT, runBenchmark, runChild, positiveIntSetting, progress } = require('../lib/childRuns');
const { describeMachine } = require('../lib/machine');
const { BENCH_DIR, assertInstalled, versionsOf } = require('../lib/packages');
const { median, stats } = require('../lib/stats');
const { countRecords } = require('./countRecords');
const { LOGGERS } = require('./loggers');

const RECORDS = positiveIntSetting('ROTATION_BENCH_RECORDS', 200_000);
const ROUNDS = positiveIntSetting('ROTATION_BENCH_ROUNDS', 5);
const BASELINE = 'prodlog file';
const SUBJECT = 'prodlog rotate 1M gzip';
/** The peers' packages, from benchmarks/package.json. */
const PEER_PACKAGES = ['pino-roll', 'winston', 'winston-daily-rotate-file', 'rotating-file-stream'];

runBenchmark({ main, measure, exitAtOnce: false });

async function measureOnce(name) {
  const dir = mkdtempSync(join(tmpdir(), 'prodlog-rotation-bench-'));
  try {
    const { ns, cpuUs, maxRssKb } = await runChild(__filename, { kind: name, records: RECORDS, dir });
    return { usPerRecord: ns / 1000 / RECORDS, cpuUsPerRecord: cpuUs / RECORDS, maxRssKb, ...countRecords(dir, RECORDS) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One run, in a fresh process: logs in a tight loop that never yields (full
 * logging speed), then waits until the logger says its last byte is on disk.
 */
async function measure({ kind: name, records, dir }) {
  const setup = LOGGERS[name];
  if (!setup) throw new Error(`unknown logger ${name}`);
  const logger = setup(dir);
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < records; i++) logger.log(i);
  // Worker-thread transports (pino-roll) do not hold the event loop open while they finish.
  const keepAlive = setInterval(() => undefined, 1000);
  await logger.finish();
  clearInterval(keepAlive);
  const ns = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart); // all threads of the process: a compression worker counts too
  return { ns, cpuUs: cpu.user + cpu.system, maxRssKb: process.resourceUsage().maxRSS };
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
  const us = stats(runs.map((r) => r.usPerRecord));
  return {
    logger: name,
    medianPairedThroughputVsPlainFile: median(pairedRatios(runs, baselineRuns)),
    runs: runs.length,
    medianUsPerRecord: us.median,
    minUsPerRecord: us.min,
    maxUsPerRecord: us.max,
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

async function main(out) {
  if (!existsSync(join(ROOT, 'dist', 'src', 'index.js'))) {
    process.stderr.write('benchmarks/rotation: prodlog is not built; run `npm run build` first\n');
    process.exit(1);
  }
  assertInstalled(PEER_PACKAGES);
  const names = Object.keys(LOGGERS);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const name of names) {
      runs[name].push(await measureOnce(name));
      progress(`round ${round}/${ROUNDS} ${name}: ${runs[name].at(-1).usPerRecord.toFixed(2)} us/record`);
    }
  }
  const results = names.map((n) => summarise(n, runs[n], runs[BASELINE]));
  const markdown = table(results);
  process.stdout.write(`${markdown}\n`);
  if (out) {
    writeFileSync(out, `${JSON.stringify({ benchmark: 'rotation', date: new Date().toISOString(), machine: describeMachine(), peerVersions: versionsOf(BENCH_DIR, PEER_PACKAGES), records: RECORDS, rounds: ROUNDS, results, markdown }, null, 2)}\n`);
  }
}
