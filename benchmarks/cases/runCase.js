'use strict';
const { writeSync } = require('node:fs');
const { loadLogger } = require('../loggers');

/** The child writes its result as one line starting with this marker, so a logger's own stdout output cannot be mistaken for it. */
const RESULT_MARKER = 'BENCH-RESULT ';

/**
 * The body of one whole-process measurement:
 * `node benchmarks/cases/<case>.js <logger> <dest> <n> [burst]`.
 *
 * It creates the logger, starts the clock, logs `n` records with `emit`,
 * awaits the logger's own end (every byte written), stops the clock and
 * prints ns and peak RSS. Records are logged in bursts of `burst` with a
 * setImmediate between them, as a busy service does between requests, so
 * loggers that write asynchronously get the I/O turns they rely on;
 * burst 0 is one tight loop that never yields.
 *
 * `prepare(log)` runs before the clock starts and returns what `emit` gets
 * (e.g. a child logger). `options` go to the logger's create(): `{ sampling: true }`
 * turns on the sampling of a logger that has it.
 */
async function runCase(emit, prepare = (log) => log, options = {}) {
  const [name, dest, nText, burstText = '0'] = process.argv.slice(2);
  const n = Number(nText);
  const burst = Number(burstText);
  if (!name || !dest || !Number.isInteger(n) || n < 1 || !Number.isInteger(burst) || burst < 0) {
    throw new Error(`usage: node ${process.argv[1]} <logger> <dest> <n: integer >= 1> [burst: integer >= 0]; got ${process.argv.slice(2).join(' ')}`);
  }
  const log = await loadLogger(name).create(dest, options);
  const target = prepare(log);
  const cpuAtStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  await inBursts(() => emit(target), n, burst === 0 ? n : burst);
  await log.end();
  const ns = Number(process.hrtime.bigint() - start);
  const measuredCpu = process.cpuUsage(cpuAtStart);
  const cpu = process.cpuUsage();
  report({
    ns,
    // CPU time of every thread of the process (worker threads, libuv's pool) while the clock ran.
    cpuNs: (measuredCpu.user + measuredCpu.system) * 1000,
    maxRssKb: process.resourceUsage().maxRSS,
    // The whole process's CPU time, to tell how much of the machine other processes used meanwhile.
    cpuUs: cpu.user + cpu.system,
  });
}

async function inBursts(emit, n, burst) {
  let i = 0;
  while (i < n) {
    const stop = Math.min(n, i + burst);
    for (; i < stop; i++) emit();
    if (i < n) await new Promise(setImmediate);
  }
}

/** Synchronous, so the result is out even if the logger's end left handles open. */
function report(result) {
  writeSync(1, `${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

/** Reports the moment fatal() is called, for the parent to time the way to exit. */
function reportFatalStart() {
  report({ fatalCalledAtNs: process.hrtime.bigint().toString() });
}

module.exports = { runCase, inBursts, reportFatalStart, RESULT_MARKER };
