'use strict';
/**
 * `npm run reliability`: runs the fault-injection suite (test/reliability/*.test.ts)
 * with its slow scenarios (1,000,000 records, longer stalls), one test file
 * at a time so that no two scenarios compete for the CPU, then rewrites the
 * table of docs/RELIABILITY.md from what the tests measured. Each test writes
 * its figures to a JSON-lines file (test/support/reliability-figures.ts) before
 * it asserts, and jest's own results say whether the guarantee held: a broken
 * guarantee is published with the numbers that broke it. Nothing in the
 * table is typed by hand. The exit code is jest's.
 *
 * Extra arguments go to jest, e.g. `npm run reliability -- test/reliability/kill`;
 * such a partial run prints its rows instead of replacing the whole table.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, rmSync, writeFileSync, mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { describeMachine } = require('../benchmarks/lib/machine');

const ROOT = join(__dirname, '..');
const DOC = join(ROOT, 'docs', 'RELIABILITY.md');
const START = '<!-- figures:start (written by scripts/reliability.js from measured figures; do not edit) -->';
const END = '<!-- figures:end -->';

/** The table's order: the faults as docs/RELIABILITY.md introduces them; unknown ids go last. */
const ORDER = [
  'kill-9',
  'receiver-restart-relp',
  'receiver-restart-clickhouse',
  'slow-http',
  'slow-relp',
  'hung-http',
  'hung-relp',
  'hung-tcp',
  'spool-full',
  'disk-full',
  'pretty-killed',
  'epipe-fatal',
  'close-down',
  'close-half-open',
  'memory-tight',
  'memory-bursts',
];

function main() {
  const work = mkdtempSync(join(tmpdir(), 'prodlog-reliability-'));
  const figuresFile = join(work, 'figures.jsonl');
  const resultsFile = join(work, 'jest.json');
  const machine = describeMachine();
  const startedAt = new Date();
  const partial = process.argv.length > 2;
  const jestArgs = partial ? process.argv.slice(2) : ['test/reliability/'];
  const jest = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--runInBand', '--json', '--outputFile', resultsFile, ...jestArgs], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, PRODLOG_RELIABILITY_FIGURES: figuresFile, PRODLOG_RELIABILITY_FULL: '1' },
  });
  const figures = readFigures(figuresFile);
  const verdicts = readVerdicts(resultsFile);
  rmSync(work, { recursive: true, force: true });
  if (figures.length === 0) {
    process.stderr.write('reliability: the tests recorded no figures; docs/RELIABILITY.md is left as it was\n');
    return jest.status ?? 1;
  }
  const minutes = ((Date.now() - startedAt.getTime()) / 60_000).toFixed(1);
  const table = renderTable(figures, verdicts, { machine, startedAt, minutes });
  const failed = figures.filter((f) => verdicts.get(f.test) !== 'passed').length;
  if (partial) {
    process.stdout.write(`${table}\nreliability: a partial run; docs/RELIABILITY.md is left as it was\n`);
  } else {
    writeFileSync(DOC, withTable(readFileSync(DOC, 'utf8'), table));
    process.stdout.write(`reliability: ${figures.length} rows written to docs/RELIABILITY.md (${failed} with a guarantee that did not hold)\n`);
  }
  return jest.status ?? 1;
}

/** One row per id, the last measured (a rerun replaces it). */
function readFigures(file) {
  if (!existsSync(file)) return [];
  const byId = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const figure = JSON.parse(line);
    byId.set(figure.id, figure);
  }
  const rank = (id) => (ORDER.includes(id) ? ORDER.indexOf(id) : ORDER.length);
  return [...byId.values()].sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}

/** Full test name -> jest's status ("passed", "failed"). */
function readVerdicts(file) {
  const verdicts = new Map();
  if (!existsSync(file)) return verdicts;
  for (const suite of JSON.parse(readFileSync(file, 'utf8')).testResults ?? []) {
    for (const test of suite.assertionResults ?? []) verdicts.set(test.fullName, test.status);
  }
  return verdicts;
}

const cell = (text) => String(text ?? '').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ') || '-';

function renderTable(figures, verdicts, run) {
  const { machine, startedAt, minutes } = run;
  const rows = figures.map((f) => {
    const verdict = verdicts.get(f.test) === 'passed' ? 'held' : `**broken** (${verdicts.get(f.test) ?? 'not run'})`;
    return `| ${cell(f.fault)} | ${cell(f.happened)} | ${cell(f.lost)} | ${cell(f.duplicates)} | ${cell(f.memory)} | ${verdict}: \`${cell(f.file)}\` |`;
  });
  return [
    START,
    `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run reliability\` (${minutes} min): ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}, load average ${machine.loadAverage.join(' ')} at the start.`,
    '',
    '| fault | what happened | records lost | duplicates | memory | guarantee: test |',
    '|---|---|---|---|---|---|',
    ...rows,
    END,
  ].join('\n');
}

function withTable(doc, table) {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/RELIABILITY.md has lost its markers; put ${START} and ${END} back where the table goes`);
  return doc.slice(0, start) + table + doc.slice(end + END.length);
}

process.exitCode = main();
