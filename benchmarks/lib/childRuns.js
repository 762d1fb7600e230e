'use strict';
/**
 * The frame the suites in their own folders share (rotation, shipping):
 * each measurement runs in a fresh node process (the suite's file again,
 * with --child and its parameters as JSON), so one run's JIT state and heap
 * do not colour the next; the parent runs the children and reports.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { readInteger } = require('./readInteger');
const { lastLine, runNode } = require('./runNode');

const ROOT = join(__dirname, '..', '..');
const CHILD_TIMEOUT_MS = 300_000;

/**
 * Runs `main(outPath)` in the parent, or `measure(params)` in a child, which
 * prints its result as JSON and then exits at once (shipping: what is left
 * to deliver is not measured, and the exit hook keeps it in the spool), or
 * with `exitAtOnce: false` ends on its own, letting what the logger still
 * has in hand finish as it would in a service (rotation: records on disk
 * are counted after the child ends).
 */
function runBenchmark({ main, measure, exitAtOnce = true }) {
  const fail = (err) => {
    process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  };
  if (process.argv[2] === '--child') {
    measure(JSON.parse(process.argv[3])).then((result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      if (exitAtOnce) process.exit(0);
    }, fail);
  } else {
    main(process.argv[2]).catch(fail);
  }
}

/**
 * Runs one measurement of `file` in a fresh process and returns its result.
 * Asynchronous, so a SIGTERM to the suite (see stopOnTerm) is handled while
 * a child runs.
 */
async function runChild(file, params) {
  const r = await runNode([file, '--child', JSON.stringify(params)], CHILD_TIMEOUT_MS);
  if (r.code !== 0) throw new Error(`child ${params.kind ?? ''} failed (${r.timedOut ? 'timed out' : r.signal ?? r.code}): ${lastLine(r.stderr)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

/**
 * Runs `body`, then `stop` (which stops the receivers the suite started and
 * removes its files), also when the suite is stopped by SIGTERM, as the main
 * benchmark does on a timeout.
 */
async function stopOnTerm(stop, body) {
  process.once('SIGTERM', () => stop().then(() => process.exit(143)));
  try {
    return await body();
  } finally {
    await stop();
  }
}

/**
 * Times `logOne(i)` calls in bursts of `burst` with a turn of the event loop
 * between them (where shipping and compression work, as in a busy service),
 * counting only the calls, after `warmup` untimed ones. Wall and CPU time
 * per call: on a shared machine the second is the steadier one.
 */
async function timeCalls(logOne, { warmup, n, burst }) {
  let ns = 0n;
  let cpuUs = 0;
  for (let i = 0; i < warmup + n; ) {
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    for (const end = Math.min(warmup + n, i + burst); i < end; i++) logOne(i);
    if (i > warmup) {
      const used = process.cpuUsage(c);
      cpuUs += used.user + used.system;
      ns += process.hrtime.bigint() - t;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { nsPerCall: Number(ns) / n, cpuNsPerCall: (cpuUs * 1000) / n };
}

/** Loads the TypeScript test harness (and what it imports) by stripping types: one source for tests and benchmarks. */
function requireTypeScript(path) {
  const ts = require('typescript');
  require.extensions['.ts'] ??= (module, filename) => {
    const js = ts.transpileModule(readFileSync(filename, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    module._compile(js.outputText, filename);
  };
  return require(path);
}

/** A positive integer from the environment, or `fallback`. */
function positiveIntSetting(name, fallback) {
  return readInteger(process.env, name, fallback, 1);
}

function progress(text) {
  process.stderr.write(`${text}\n`);
}

module.exports = { ROOT, runBenchmark, runChild, stopOnTerm, timeCalls, requireTypeScript, positiveIntSetting, progress };
