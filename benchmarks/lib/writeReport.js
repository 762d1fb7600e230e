'use strict';
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { chartSvg } = require('./barChart');
const { resultsMarkdown } = require('./resultsMarkdown');

/** The startup suite's own results file, written by `node benchmarks/startup.js` and by `npm run bench`. */
const STARTUP_FILE = 'startup.json';

/** Writes RESULTS.md and chart.svg for a report; the startup section comes from startup.json beside them. */
function writeDocuments(outDir, report) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'RESULTS.md'), resultsMarkdown({ ...report, startup: readStartup(outDir) }));
  writeFileSync(join(outDir, 'chart.svg'), chartSvg(report));
}

/** Writes the documents and results.json: the report with the raw measurements it came from. */
function writeReport(outDir, report, measurements) {
  writeDocuments(outDir, report);
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify({ ...report, measurements }, null, 1)}\n`);
}

/** The startup suite's results in `dir`, or null when it has not been run there. */
function readStartup(dir) {
  const path = join(dir, STARTUP_FILE);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}

function writeStartup(dir, startup) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, STARTUP_FILE), `${JSON.stringify(startup, null, 1)}\n`);
}

module.exports = { writeDocuments, writeReport, readStartup, writeStartup };
