'use strict';
const { loadLogger } = require('../loggers');
const { median, stats } = require('./stats');

/**
 * Turns the runs of one (case, destination, logger) into the figures the
 * report shows: median, min and max of the per-run metric (ns/record, or
 * fatal()-to-exit ns), the largest peak RSS of any run, lines lost over all
 * runs, and the ratio of the median to the fastest pino configuration's.
 */
function summarise(plan, measurements) {
  const cases = [];
  const allLoggers = [...new Set(plan.runs.map((r) => r.logger))];
  for (const c of plan.cases) {
    const metric = metricOf(c);
    const loggers = [...new Set(plan.runs.filter((r) => r.case.id === c.id).map((r) => r.logger))];
    const dests = c.dests.map((dest) => {
      const rows = loggers.map((logger) => summariseRuns(metric, logger, measurements.filter((m) => m.caseId === c.id && m.dest === dest && m.logger === logger)));
      const fastestPino = fastest(rows.filter((r) => r.family === 'pino'));
      for (const row of rows) row.ratioToPino = fastestPino && row.median !== null ? row.median / fastestPino.median : null;
      return { dest, rows, fastestPino: fastestPino ? fastestPino.logger : null };
    });
    const omitted = allLoggers.filter((l) => !loggers.includes(l));
    cases.push({ id: c.id, title: c.title, n: c.n, lines: c.lines, metric, dests, omitted });
  }
  return cases;
}

/** The per-run figure a case is judged by: time from fatal() to exit, or time per record. */
function metricOf(c) {
  return c.id === 'fatal' ? 'fatalToExitNs' : 'nsPerRecord';
}

function summariseRuns(metric, logger, runs) {
  const ok = runs.filter((r) => r.error === undefined);
  const values = stats(ok.map((r) => r[metric]));
  const { label, family } = loadLogger(logger);
  return {
    logger,
    label,
    family,
    runs: runs.length,
    errors: runs.filter((r) => r.error !== undefined).map((r) => r.error),
    median: values.median,
    min: values.min,
    max: values.max,
    cpuMedian: median(ok.map((r) => r.cpuNsPerRecord).filter((v) => typeof v === 'number')),
    maxRssKb: ok.length > 0 ? Math.max(...ok.map((r) => r.maxRssKb ?? 0)) : null,
    lost: sumOrNull(ok.map((r) => r.lost)),
    tornRuns: ok.filter((r) => r.torn).length,
    exitCodes: [...new Set(ok.map((r) => r.exitCode).filter((code) => code !== undefined))],
  };
}

function sumOrNull(values) {
  const known = values.filter((v) => v !== null && v !== undefined);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

function fastest(rows) {
  const measured = rows.filter((r) => r.median !== null);
  return measured.length === 0 ? null : measured.reduce((a, b) => (b.median < a.median ? b : a));
}

/**
 * How much other processes used the machine while the children ran: the
 * median and the 90th percentile over runs of the share of all CPUs.
 */
function contention(measurements) {
  const loads = measurements.map((m) => m.otherLoad).filter((l) => typeof l === 'number').sort((a, b) => a - b);
  if (loads.length === 0) return null;
  return { median: median(loads), p90: loads[Math.min(loads.length - 1, Math.floor(loads.length * 0.9))], runs: loads.length };
}

/** The row of `logger` in case `caseId` to `dest`, or undefined when it was not run. */
function findRow(summary, caseId, dest, logger) {
  return summary.find((c) => c.id === caseId)?.dests.find((d) => d.dest === dest)?.rows.find((r) => r.logger === logger);
}

module.exports = { summarise, findRow, contention };
