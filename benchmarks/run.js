'use strict';
/**
 * `npm run bench`: every logger, every case, interleaved over rounds in
 * fresh processes; then the transport suites; then RESULTS.md, chart.svg
 * and results.json (the raw measurements) from what was measured.
 * Settings come from the environment: `node benchmarks/run.js --help`.
 * The competitor loggers are the benchmarks' own dependencies
 * (benchmarks/package.json): `npm run bench` installs them; to run this file
 * directly, `npm ci --prefix benchmarks && npm run build` first.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { loadavg, tmpdir } = require('node:os');
const { join } = require('node:path');
const { evaluateGoals } = require('./lib/goals');
const { describeMachine } = require('./lib/machine');
const { progress } = require('./lib/childRuns');
const { measure } = require('./lib/measure');
const { assertInstalled } = require('./lib/packages');
const { runPeerSuites } = require('./lib/peerSuites');
const { runStartupSuite } = require('./lib/startup');
const { buildPlan } = require('./lib/plan');
const { describeSettings, readSettings } = require('./lib/settings');
const { contention, summarise } = require('./lib/summarise');
const { writeReport, writeStartup } = require('./lib/writeReport');

async function main() {
  if (process.argv.includes('--help')) {
    process.stdout.write(`node benchmarks/run.js: settings (environment variables)\n${describeSettings()}\n`);
    return;
  }
  const settings = readSettings(process.env);
  // These loggers are named as their packages.
  assertInstalled(['winston', 'bunyan', 'log4js', 'tslog'].filter((name) => settings.loggers.includes(name)));
  const outDir = settings.outDir ?? __dirname;
  const machine = describeMachine();
  const startedAt = new Date();
  const plan = buildPlan(settings);
  // Log files go to the system temp folder and are deleted after each count.
  const workDir = mkdtempSync(join(tmpdir(), 'prodlog-bench-'));
  try {
    const measurements = await runAll(plan, workDir, settings.timeoutS * 1000);
    const peers = settings.peers ? await runPeerSuites(workDir, settings.peerTimeoutS * 1000, progress) : [];
    // Its own results file (startup.json), which RESULTS.md reads; `node benchmarks/startup.js` runs it alone.
    if (settings.startup) writeStartup(outDir, await runStartupSuite({ runs: settings.startupRuns, sizes: true }, progress));
    const seconds = (Date.now() - startedAt.getTime()) / 1000;
    const summary = summarise(plan, measurements);
    const goals = evaluateGoals(summary);
    const loadAfter = loadavg().map((l) => l.toFixed(2));
    const report = { machine, settings, startedAt, seconds, loadAfter, contention: contention(measurements), summary, goals, peers };
    writeReport(outDir, report, measurements);
    printGoals(goals);
    progress(`wrote RESULTS.md, chart.svg and results.json to ${outDir} after ${(seconds / 60).toFixed(1)} min`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function runAll(plan, workDir, timeoutMs) {
  const measurements = [];
  let i = 0;
  for (const run of plan.runs) {
    i++;
    const outcome = await measure(run, workDir, timeoutMs);
    measurements.push({ caseId: run.case.id, dest: run.dest, logger: run.logger, round: run.round, ...outcome });
    progress(`[${i}/${plan.runs.length}] round ${run.round} ${run.case.id} ${run.dest} ${run.logger}: ${describeOutcome(outcome)}`);
  }
  return measurements;
}

function describeOutcome(o) {
  if (o.error) return `FAILED ${o.error}`;
  const time = o.fatalToExitNs !== undefined ? `${(o.fatalToExitNs / 1e6).toFixed(1)} ms to exit` : `${Math.round(o.nsPerRecord).toLocaleString('en-US')} ns/record`;
  const rss = o.maxRssKb ? `, ${(o.maxRssKb / 1024).toFixed(0)} MB RSS` : '';
  const lost = o.lost ? `, ${o.lost} LOST` : '';
  return `${time}${rss}${lost}`;
}

function printGoals(goals) {
  for (const g of goals) progress(`goal: ${g.goal}: ${g.measured} (target ${g.target}) ${g.met === null ? 'not run' : g.met ? 'met' : 'MISSED'}`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
