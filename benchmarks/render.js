'use strict';
/**
 * `node benchmarks/render.js [results.json]`: regenerates RESULTS.md and
 * chart.svg from the raw measurements of an earlier run (by default
 * benchmarks/results.json), e.g. after a change to the report's layout.
 * The numbers stay those measured; nothing is run.
 */
const { readFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const { writeDocuments } = require('./lib/writeReport');

const path = resolve(process.argv[2] ?? join(__dirname, 'results.json'));
const report = JSON.parse(readFileSync(path, 'utf8'));
report.startedAt = new Date(report.startedAt);
writeDocuments(dirname(path), report);
process.stderr.write(`wrote RESULTS.md and chart.svg next to ${path}\n`);
