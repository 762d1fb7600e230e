'use strict';
const { rmSync } = require('node:fs');
const { join } = require('node:path');
const { RESULT_MARKER } = require('../cases/runCase');
const { countLines } = require('./countLines');
const { machineBusyUs, otherLoad } = require('./cpuTicks');
const { lastLine, runNode } = require('./runNode');

/**
 * Runs one measurement in a fresh node process and checks its output:
 * resolves to { ns, nsPerRecord, cpuNsPerRecord, maxRssKb, lines, lost, torn } (fatal case:
 * also fatalToExitNs and exitCode), or { error } when the child failed.
 * `lost` is expected minus counted lines after the child has exited: a
 * logger that drops records, or claims to be done before it is, shows here.
 */
async function measure(run, workDir, timeoutMs) {
  const c = run.case;
  const dest = run.dest === 'devnull' ? '/dev/null' : join(workDir, `${c.id}-${run.logger}-${run.round}.log`);
  const script = join(__dirname, '..', 'cases', `${c.script}.js`);
  const args = [script, run.logger, dest, String(c.n), String(c.burst)];
  try {
    const busyBefore = machineBusyUs();
    const startedAt = process.hrtime.bigint();
    const child = await runNode(args, timeoutMs);
    const wallUs = Number(child.exitedAtNs - startedAt) / 1000;
    const result = Object.assign({}, ...parseResults(child.stdout));
    if (c.id === 'fatal') return fatalOutcome(child, result, c, dest);
    if (child.code !== 0 || result.ns === undefined) return { error: failure(child) };
    const load = otherLoad(busyBefore, machineBusyUs(), result.cpuUs, wallUs);
    return { ns: result.ns, nsPerRecord: result.ns / c.n, cpuNsPerRecord: result.cpuNs / c.n, maxRssKb: result.maxRssKb, otherLoad: load, ...verify(dest, c.linesOf?.(run.logger) ?? c.lines) };
  } finally {
    if (dest !== '/dev/null') rmSync(dest, { force: true });
  }
}

function fatalOutcome(child, result, c, dest) {
  if (result.fatalCalledAtNs === undefined) return { error: failure(child) };
  const fatalToExitNs = Number(child.exitedAtNs - BigInt(result.fatalCalledAtNs));
  return { fatalToExitNs, exitCode: child.code, ...verify(dest, c.lines) };
}

function verify(dest, expected) {
  if (dest === '/dev/null') return { lines: null, lost: null, torn: false };
  let counted = { lines: 0, torn: false };
  try {
    counted = countLines(dest);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err; // a logger that never wrote may never have created the file
  }
  return { lines: counted.lines, lost: expected - counted.lines, torn: counted.torn };
}

function parseResults(stdout) {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(RESULT_MARKER))
    .map((line) => JSON.parse(line.slice(RESULT_MARKER.length)));
}

function failure(child) {
  const why = child.timedOut ? 'timed out' : `exit code ${child.code}${child.signal ? `, signal ${child.signal}` : ''}`;
  const reason = lastLine(child.stderr);
  return `${why}${reason ? `: ${reason}` : ''}`;
}

module.exports = { measure };
