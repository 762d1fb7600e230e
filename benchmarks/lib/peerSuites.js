'use strict';
const { existsSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { lastLine, runNode } = require('./runNode');

const BENCH_DIR = join(__dirname, '..');

/**
 * The transport suites kept in their own folders, each a standalone script
 * `node <script> [out.json]` that prints a markdown table and writes its
 * results as JSON. Whichever exist are run; a missing one is reported as
 * absent, a failing one as failed, and neither stops the main report.
 */
const PEER_SUITES = Object.freeze([
  { title: 'Rotation with compression', script: 'rotation/run.js' },
  { title: 'Shipping to rsyslog', script: 'shipping/syslog.js' },
  { title: 'Shipping over HTTP', script: 'shipping/http.js' },
]);

async function runPeerSuites(workDir, timeoutMs, log) {
  const results = [];
  for (const suite of PEER_SUITES) {
    const path = join(BENCH_DIR, suite.script);
    if (!existsSync(path)) {
      results.push({ ...suite, status: 'absent' });
      continue;
    }
    log(`suite ${suite.script} ...`);
    const out = join(workDir, `${suite.script.replace(/[/.]/g, '-')}.json`);
    const started = Date.now();
    // SIGTERM, so a suite can stop the receivers it started.
    const child = await runNode([path, out], timeoutMs, 'SIGTERM');
    const result = { ...suite, seconds: (Date.now() - started) / 1000, markdown: markdownOf(child.stdout), json: readJson(out) };
    rmSync(out, { force: true });
    if (child.code === 0) results.push({ ...result, status: 'ok' });
    else results.push({ ...result, status: 'failed', error: `${child.timedOut ? 'timed out' : `exit code ${child.code}`}: ${lastLine(child.stderr)}` });
    log(`suite ${suite.script}: ${results[results.length - 1].status} in ${result.seconds.toFixed(0)} s`);
  }
  return results;
}

/**
 * The markdown tables (and headings) the script printed, without its
 * progress output; tables stay separated so each one still renders.
 */
function markdownOf(stdout) {
  const blocks = [];
  let current = [];
  for (const line of stdout.split('\n')) {
    const text = line.trim();
    if (text.startsWith('|')) {
      current.push(text);
    } else if (text.startsWith('#')) {
      current.push(`#### ${text.replace(/^#+\s*/, '')}`); // nested under the suite's own heading
    } else if (current.length > 0) {
      blocks.push(current.join('\n'));
      current = [];
    }
  }
  if (current.length > 0) blocks.push(current.join('\n'));
  return blocks.join('\n\n');
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

module.exports = { runPeerSuites };
