'use strict';
/**
 * `node benchmarks/startup.js`: the startup suite on its own (a minute or
 * two; `npm run bench` runs it too). Measures require() of prodlog (the
 * build in dist/, `npm run build` first), pino, winston, bunyan and log4js,
 * and prodlog's require + createLogger, each in BENCH_STARTUP_RUNS (default
 * 10) fresh processes; and, unless `--no-sizes`, the installed size and
 * package count of each (npm install into empty folders, so the npm
 * registry must be reachable; without it the sizes of the last run are
 * kept). Writes benchmarks/startup.json, then RESULTS.md and chart.svg from
 * it and benchmarks/results.json, the last full run.
 * The peers are the benchmarks' own dependencies: `npm ci --prefix benchmarks`.
 */
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { progress } = require('./lib/childRuns');
const { assertInstalled } = require('./lib/packages');
const { readInteger } = require('./lib/readInteger');
const { runStartupSuite } = require('./lib/startup');
const { readStartup, writeDocuments, writeStartup } = require('./lib/writeReport');

async function main() {
  assertInstalled(['winston', 'bunyan', 'log4js']);
  const runs = readInteger(process.env, 'BENCH_STARTUP_RUNS', 10, 1);
  const sizes = !process.argv.includes('--no-sizes');
  const startup = await runStartupSuite({ runs, sizes }, progress);
  if (!sizes) startup.installs = readStartup(__dirname)?.installs ?? null;
  writeStartup(__dirname, startup);
  const resultsPath = join(__dirname, 'results.json');
  if (existsSync(resultsPath)) {
    const report = JSON.parse(readFileSync(resultsPath, 'utf8'));
    report.startedAt = new Date(report.startedAt);
    writeDocuments(__dirname, report);
  }
  const goal = startup.goal;
  progress(`wrote startup.json${existsSync(resultsPath) ? ' and RESULTS.md' : ''}; require('prodlog') ${goal ? `${goal.ratio.toFixed(2)}x pino's (target within ${goal.target}x): ${goal.met ? 'met' : 'MISSED'}` : 'not measured'}`);
}

main().catch((err) => {
  process.stderr.write(`startup: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
