'use strict';
/**
 * The frame the shipping benchmarks share: each measurement runs in a fresh
 * node process (the benchmark file again, with --child and its parameters
 * as JSON), so one run's JIT state and heap do not colour the next; the
 * parent starts the real receiver, runs the children and reports.
 */
const { spawnSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');

/**
 * Runs `main(outPath)` in the parent, or `measure(params)` in a child, which
 * prints its result as JSON and exits at once: what is left to deliver is
 * not measured, and the exit hook keeps it in the spool.
 */
function runBenchmark({ main, measure }) {
  const fail = (err) => {
    process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  };
  if (process.argv[2] === '--child') {
    measure(JSON.parse(process.argv[3])).then((result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    }, fail);
  } else {
    main(process.argv[2]).catch(fail);
  }
}

/** Runs one measurement of `file` in a fresh process and returns its result. */
function runChild(file, params) {
  const r = spawnSync(process.execPath, [file, '--child', JSON.stringify(params)], { encoding: 'utf8', cwd: ROOT, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`child ${params.kind} failed (${r.signal ?? r.status}): ${r.stderr.trim().slice(-1000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
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

/** A positive integer from the environment, or `fallback`; anything else fails at start, naming the variable. */
function positiveIntSetting(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name}: ${JSON.stringify(text)} is not a positive integer`);
  return n;
}

function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s[s.length - 1] };
}

function progress(text) {
  process.stderr.write(`${text}\n`);
}

module.exports = { ROOT, runBenchmark, runChild, requireTypeScript, positiveIntSetting, stats, progress };
