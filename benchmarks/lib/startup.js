'use strict';
/**
 * The startup suite: how long `require()` of each logger takes in a fresh
 * process, how long prodlog takes to be required and to create a logger,
 * and what each package costs on disk when installed alone.
 *
 * Every timing is one fresh `node` process; the processes of all cases are
 * interleaved over rounds (A B C A B C ...), so a busy moment on the machine
 * falls on every case alike, and the minimum over rounds is the figure least
 * disturbed by other processes.
 */
const { execFileSync } = require('node:child_process');
const { mkdirSync, mkdtempSync, readdirSync, lstatSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { BENCH_DIR, ROOT, versionOf } = require('./packages');
const { runNode } = require('./runNode');
const { stats } = require('./stats');

/** The goal of the startup case: `require('prodlog')` within this many times pino's require time. */
const REQUIRE_GOAL_RATIO = 2;

/** The module each require case loads: prodlog's build, the pino prodlog loads, the peers from the benchmarks' dependencies. */
function requireTargets() {
  const fromBench = createRequire(join(BENCH_DIR, 'package.json'));
  return [
    { id: 'prodlog', label: 'prodlog', path: join(ROOT, 'dist', 'src', 'index.js') },
    { id: 'pino', label: 'pino', path: createRequire(join(ROOT, 'package.json')).resolve('pino') },
    { id: 'winston', label: 'winston', path: fromBench.resolve('winston') },
    { id: 'bunyan', label: 'bunyan', path: fromBench.resolve('bunyan') },
    { id: 'log4js', label: 'log4js', path: fromBench.resolve('log4js') },
  ];
}

/**
 * The body of one measuring process: the clock runs around the require (and,
 * for the create cases, the creation of a logger writing to a file), and the
 * process prints its figures as JSON.
 */
function requireScript(path) {
  return `const t0 = process.hrtime.bigint(); require(${JSON.stringify(path)}); const t1 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ requireMs: Number(t1 - t0) / 1e6 }));`;
}

function prodlogCreateScript(path, logFile) {
  return `const t0 = process.hrtime.bigint(); const { createLogger } = require(${JSON.stringify(path)}); const t1 = process.hrtime.bigint();
const log = createLogger({ transports: [{ type: 'file', path: ${JSON.stringify(logFile)} }] }); const t2 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, createMs: Number(t2 - t1) / 1e6 }));
log.close();`;
}

function pinoCreateScript(path, logFile) {
  return `const t0 = process.hrtime.bigint(); const pino = require(${JSON.stringify(path)}); const t1 = process.hrtime.bigint();
const log = pino(pino.destination({ dest: ${JSON.stringify(logFile)}, sync: true })); const t2 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, createMs: Number(t2 - t1) / 1e6 }));`;
}

/** The cases in the order they run within a round. */
function startupCases(workDir) {
  const targets = requireTargets();
  const pathOf = (id) => targets.find((t) => t.id === id).path;
  return [
    ...targets.map((t) => ({ id: `require:${t.id}`, label: `\`require('${t.label}')\``, script: requireScript(t.path) })),
    {
      id: 'create:prodlog',
      label: "`require('prodlog')` + `createLogger({ transports: [{ type: 'file' }] })`",
      script: prodlogCreateScript(pathOf('prodlog'), join(workDir, 'prodlog.log')),
    },
    {
      id: 'create:pino',
      label: "`require('pino')` + `pino(pino.destination(file))`",
      script: pinoCreateScript(pathOf('pino'), join(workDir, 'pino.log')),
    },
  ];
}

/** Runs every case `runs` times in fresh processes, interleaved; min and median per case, in ms. */
async function measureStartup(runs, workDir, log = () => undefined) {
  const cases = startupCases(workDir);
  const samples = new Map(cases.map((c) => [c.id, { requireMs: [], createMs: [], errors: [] }]));
  for (let round = 1; round <= runs; round++) {
    for (const c of cases) {
      const child = await runNode(['-e', c.script], 60_000);
      const s = samples.get(c.id);
      try {
        if (child.code !== 0) throw new Error(`exit code ${child.code}: ${child.stderr.trim().split('\n').pop()}`);
        const figures = JSON.parse(child.stdout);
        s.requireMs.push(figures.requireMs);
        if (figures.createMs !== undefined) s.createMs.push(figures.createMs);
      } catch (err) {
        s.errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    log(`startup round ${round}/${runs}`);
  }
  return cases.map((c) => {
    const s = samples.get(c.id);
    const total = s.createMs.length === s.requireMs.length ? s.requireMs.map((r, i) => r + s.createMs[i]) : [];
    return {
      id: c.id,
      label: c.label,
      runs: s.requireMs.length,
      require: stats(s.requireMs),
      ...(s.createMs.length > 0 ? { create: stats(s.createMs), total: stats(total) } : {}),
      errors: [...new Set(s.errors)],
    };
  });
}

/**
 * What each package costs when installed alone into an empty folder with
 * `npm install` (production dependencies only): the packages under
 * node_modules, the package itself included, and the bytes of their files.
 * prodlog is installed from `npm pack` of this checkout (its dist/ as built).
 */
function measureInstallSizes(workDir, log = () => undefined) {
  const packed = packProdlog(workDir);
  const specs = [
    { name: 'prodlog', spec: packed, version: versionOf(ROOT, []) },
    { name: 'pino', spec: `pino@${versionOf(ROOT, ['pino'])}`, version: versionOf(ROOT, ['pino']) },
    ...['winston', 'bunyan', 'log4js'].map((name) => ({ name, spec: `${name}@${versionOf(BENCH_DIR, [name])}`, version: versionOf(BENCH_DIR, [name]) })),
  ];
  return specs.map(({ name, spec, version }) => {
    const dir = join(workDir, `install-${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"name":"install-size","version":"0.0.0","private":true}\n');
    log(`npm install ${name} into an empty folder ...`);
    execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', spec], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const modules = join(dir, 'node_modules');
    return { name, version, packages: countPackages(modules), bytes: treeBytes(modules) };
  });
}

/** `npm pack` of the repository without its prepack build: the dist/ in place is what is packed. */
function packProdlog(workDir) {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', workDir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return join(workDir, JSON.parse(out)[0].filename);
}

/** Folders holding a package.json directly under a node_modules folder (scoped ones included), at any depth. */
function countPackages(modules) {
  let count = 0;
  for (const entry of safeReaddir(modules)) {
    if (entry.startsWith('.')) continue;
    const dirs = entry.startsWith('@') ? safeReaddir(join(modules, entry)).map((e) => join(modules, entry, e)) : [join(modules, entry)];
    for (const dir of dirs) {
      count++;
      count += countPackages(join(dir, 'node_modules'));
    }
  }
  return count;
}

/** The apparent size of every file under `dir` (symbolic links not followed). */
function treeBytes(dir) {
  let bytes = 0;
  for (const entry of safeReaddir(dir)) {
    const path = join(dir, entry);
    const st = lstatSync(path);
    if (st.isDirectory()) bytes += treeBytes(path);
    else if (st.isFile()) bytes += st.size;
  }
  return bytes;
}

function safeReaddir(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The ratio of prodlog's require time to pino's (minimum over runs), and whether it meets the goal. */
function requireGoal(timings) {
  const prodlog = timings.find((t) => t.id === 'require:prodlog');
  const pino = timings.find((t) => t.id === 'require:pino');
  if (!prodlog?.require.min || !pino?.require.min) return null;
  const ratio = prodlog.require.min / pino.require.min;
  return { ratio, target: REQUIRE_GOAL_RATIO, met: ratio <= REQUIRE_GOAL_RATIO };
}

/** The whole suite: timings always, install sizes when asked (they take a minute of npm). */
async function runStartupSuite({ runs, sizes }, log = () => undefined) {
  const workDir = mkdtempSync(join(tmpdir(), 'prodlog-startup-'));
  try {
    const startedAt = new Date();
    const timings = await measureStartup(runs, workDir, log);
    const installs = sizes ? measureInstallSizes(workDir, log) : null;
    return { startedAt: startedAt.toISOString(), node: process.version, runs, timings, goal: requireGoal(timings), installs };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

module.exports = { runStartupSuite, REQUIRE_GOAL_RATIO };
