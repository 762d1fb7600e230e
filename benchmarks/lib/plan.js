'use strict';

/**
 * The cases: which child script runs, with how many records, to which
 * destinations, for how many rounds, and how many lines a complete output has.
 */
const CASE_IDS = Object.freeze(['basic', 'object', 'child', 'module', 'error', 'sampled', 'disabled', 'module-disabled', 'memory', 'fatal']);

/** The loggers of the sampling case: prodlog with sampling on against pino writing every record (pino has no sampling). */
const SAMPLED_FAMILIES = ['prodlog', 'pino-'];

function caseDefinitions(s) {
  const both = ['file', 'devnull'];
  return [
    { id: 'basic', title: 'basic message', script: 'basic', dests: both, n: s.n, burst: s.burst, rounds: s.rounds, lines: s.n },
    { id: 'object', title: 'object record (7 fields)', script: 'object', dests: both, n: s.n, burst: s.burst, rounds: s.rounds, lines: s.n },
    { id: 'child', title: 'child logger with 2 bindings', script: 'child', dests: both, n: s.n, burst: s.burst, rounds: s.rounds, lines: s.n },
    { id: 'module', title: 'module logger', script: 'module', dests: both, n: s.n, burst: s.burst, rounds: s.rounds, lines: s.n },
    { id: 'error', title: 'Error with stack', script: 'error', dests: both, n: s.n, burst: s.burst, rounds: s.rounds, lines: s.n },
    {
      id: 'sampled',
      title: 'one record repeated, sampling on (prodlog; pino has none and writes every record)',
      script: 'sampled',
      dests: both,
      n: s.n,
      burst: s.burst,
      rounds: s.rounds,
      lines: s.n,
      linesOf: sampledLines(s.n),
      loggers: s.loggers.filter((l) => SAMPLED_FAMILIES.some((f) => l.startsWith(f))),
    },
    { id: 'disabled', title: 'disabled debug call', script: 'disabled', dests: both, n: s.disabledN, burst: 0, rounds: s.rounds, lines: 0 },
    { id: 'module-disabled', title: 'disabled debug call on a module logger', script: 'moduleDisabled', dests: both, n: s.disabledN, burst: 0, rounds: s.rounds, lines: 0 },
    { id: 'memory', title: `${s.memoryN.toLocaleString('en-US')} object records without yielding`, script: 'object', dests: ['file'], n: s.memoryN, burst: 0, rounds: s.memoryRounds, lines: s.memoryN, long: true, loggers: s.memoryLoggers },
    { id: 'fatal', title: `fatal() with ${s.fatalN.toLocaleString('en-US')} records pending`, script: 'fatal', dests: ['file'], n: s.fatalN, burst: 0, rounds: s.fatalRounds, lines: s.fatalN + 1, long: true },
  ];
}

/**
 * A complete output of the sampling case: pino's has every record; prodlog's,
 * in one interval (cases/sampled.js sets an hour), the first 100, every
 * 100th after them, and the summary written at close().
 */
function sampledLines(n) {
  const prodlog = n <= 100 ? n : 100 + Math.floor((n - 100) / 100) + 1;
  return (logger) => (logger === 'prodlog' ? prodlog : n);
}

/**
 * Every run, in order. Within a round each case runs every logger in turn
 * (A B C A B C ...), so a slow patch of the machine (another process, thermal
 * throttling) spreads over all loggers instead of hitting one. The long
 * memory and fatal cases come after the short ones.
 */
function buildPlan(s) {
  const cases = caseDefinitions(s).filter((c) => s.cases.includes(c.id) && c.rounds > 0);
  const runs = [];
  for (const group of [cases.filter((c) => !c.long), cases.filter((c) => c.long)]) {
    const rounds = Math.max(0, ...group.map((c) => c.rounds));
    for (let round = 1; round <= rounds; round++) {
      for (const c of group) {
        if (round > c.rounds) continue;
        for (const dest of c.dests) for (const logger of c.loggers ?? s.loggers) runs.push({ case: c, dest, logger, round });
      }
    }
  }
  return { cases, runs };
}

module.exports = { CASE_IDS, buildPlan };
