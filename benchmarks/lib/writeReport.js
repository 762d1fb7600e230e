'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { chartSvg } = require('./barChart');
const { resultsMarkdown } = require('./resultsMarkdown');

/** Writes RESULTS.md and chart.svg for a report. */
function writeDocuments(outDir, report) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'RESULTS.md'), resultsMarkdown(report));
  writeFileSync(join(outDir, 'chart.svg'), chartSvg(report));
}

/** Writes the documents and results.json: the report with the raw measurements it came from. */
function writeReport(outDir, report, measurements) {
  writeDocuments(outDir, report);
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify({ ...report, measurements }, null, 1)}\n`);
}

module.exports = { writeDocuments, writeReport };
