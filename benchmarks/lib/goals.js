'use strict';
const { findRow } = require('./summarise');

/** The loggers prodlog must be ahead of in every case. */
const OUTPACED = Object.freeze(['winston', 'bunyan', 'log4js', 'tslog']);
const MEMORY_LIMIT_MB = 200;

/**
 * The project's performance goals, each checked against this run's medians.
 * Every goal yields { goal, measured, target, met } where met is null when
 * the run did not include what the goal needs (a quick run of a subset).
 */
function evaluateGoals(summary) {
  return [
    ratioGoal(summary, 'object record to a file vs pino async destination', 'object', 'file', 'pino-async', 1.1),
    vsFastestPino(summary, 'object record to a file vs the fastest pino configuration', 'object', 'file', 1.0),
    ratioGoal(summary, 'object record to a file vs the physical-limit proxy', 'object', 'file', 'limit', 2.0),
    vsFastestPino(summary, 'disabled call vs pino (file logger)', 'disabled', 'file', 1.5),
    vsFastestPino(summary, 'disabled call vs pino (/dev/null logger)', 'disabled', 'devnull', 1.5),
    vsFastestPino(summary, 'disabled call on a module logger vs pino (file logger)', 'module-disabled', 'file', 1.5),
    aheadOfPeers(summary),
    memoryGoal(summary),
    noLossGoal(summary),
  ];
}

function ratioGoal(summary, goal, caseId, dest, against, limit) {
  const ours = findRow(summary, caseId, dest, 'prodlog');
  const theirs = findRow(summary, caseId, dest, against);
  const target = `<= ${limit.toFixed(2)}x`;
  if (!ours?.median || !theirs?.median) return { goal, measured: 'not run', target, met: null };
  const ratio = ours.median / theirs.median;
  return { goal, measured: `${ratio.toFixed(2)}x (${fmtNs(ours.median)} vs ${fmtNs(theirs.median)} ns)`, target, met: ratio <= limit };
}

function vsFastestPino(summary, goal, caseId, dest, limit) {
  const d = summary.find((c) => c.id === caseId)?.dests.find((x) => x.dest === dest);
  return ratioGoal(summary, goal, caseId, dest, d?.fastestPino ?? 'pino-async', limit);
}

function aheadOfPeers(summary) {
  const goal = `ahead of ${OUTPACED.join(', ')} in every case`;
  const misses = [];
  let compared = 0;
  for (const c of summary) {
    if (c.id === 'fatal') continue; // a different metric; lost lines are the point there
    for (const d of c.dests) {
      const ours = d.rows.find((r) => r.logger === 'prodlog');
      if (!ours?.median) continue;
      for (const peer of d.rows.filter((r) => OUTPACED.includes(r.logger) && r.median !== null)) {
        compared++;
        if (ours.median >= peer.median) misses.push(`${c.id}/${d.dest}: ${peer.logger}`);
      }
    }
  }
  if (compared === 0) return { goal, measured: 'not run', target: 'faster in every comparison', met: null };
  const measured = misses.length === 0 ? `faster in all ${compared} comparisons` : `slower in ${misses.length} of ${compared}: ${misses.join('; ')}`;
  return { goal, measured, target: 'faster in every comparison', met: misses.length === 0 };
}

function memoryGoal(summary) {
  const row = findRow(summary, 'memory', 'file', 'prodlog');
  const goal = 'peak RSS, object records in a tight loop (memory case)';
  const target = `< ${MEMORY_LIMIT_MB} MB`;
  if (!row?.maxRssKb) return { goal, measured: 'not run', target, met: null };
  const mb = row.maxRssKb / 1024;
  return { goal, measured: `${mb.toFixed(0)} MB`, target, met: mb < MEMORY_LIMIT_MB };
}

function noLossGoal(summary) {
  const goal = 'prodlog loses no line, in every file case including fatal()';
  const lost = [];
  for (const c of summary) {
    const row = c.dests.find((d) => d.dest === 'file')?.rows.find((r) => r.logger === 'prodlog');
    if (row && (row.lost || row.tornRuns || row.errors.length)) lost.push(`${c.id}: ${row.lost ?? 0} lost, ${row.tornRuns} torn, ${row.errors.length} failed`);
  }
  return { goal, measured: lost.length === 0 ? '0 lost' : lost.join('; '), target: '0 lost', met: lost.length === 0 };
}

function fmtNs(ns) {
  return Math.round(ns).toLocaleString('en-US');
}

module.exports = { evaluateGoals, MEMORY_LIMIT_MB };
