import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../support/paths';
import { tempDir } from '../support/run-fixture';

/**
 * The package as npm publishes it. A copy of the sources without dist/ (a
 * clean clone, as far as packing goes) is packed once with `npm pack`, whose
 * prepack builds it; the tests read that tarball's file list, lint it with
 * publint and @arethetypeswrong/cli, and install it into fresh CommonJS and
 * ES module projects that import `prodlog` and `prodlog/testing`, type-check
 * them under node10, node16/nodenext and bundler resolution, and run them.
 * A system test: the install needs the npm registry (or its cache).
 */

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string> };
const work = tempDir('tarball');
/** What a build and a pack read; everything else of a clone is left out. */
const SOURCES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'src', 'transports', 'bin', 'testing', 'workers'];

function run(command: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' }, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const npm = (args: readonly string[], cwd: string): string => run('npm', args, cwd);
const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

interface PackedFile {
  readonly path: string;
  readonly size: number;
}

let tarball = '';
let files: PackedFile[] = [];
let packedBytes = 0;

beforeAll(() => {
  const clone = join(work, 'clone');
  mkdirSync(clone);
  for (const source of SOURCES) cpSync(join(REPO, source), join(clone, source), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'));
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], clone)) as [{ filename: string; size: number; files: PackedFile[] }];
  tarball = join(work, packed.filename);
  files = packed.files;
  packedBytes = packed.size;
}, 180_000);

describe('the packed tarball', () => {
  it('is built by prepack and holds the compiled library, its types, the command, the license and the changelog', () => {
    const paths = files.map((f) => f.path);
    for (const expected of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'bin/prodlog.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/testing/index.js',
      'dist/src/testing/index.d.ts',
      'dist/src/cli/main.js',
      'dist/transports/deliveryWorker.js',
      'dist/transports/file/compressWorker.js',
      'testing/package.json',
      'workers/delivery/package.json',
      'workers/compress/package.json',
    ]) {
      expect(paths).toContain(expected);
    }
    // No source maps: they would point at sources the package does not hold. No tests, benchmarks, build info.
    expect(paths.filter((p) => !/^(dist\/(src|transports)\/.*\.(js|d\.ts)|bin\/prodlog\.js|(testing|workers\/\w+)\/package\.json|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(p))).toEqual([]);
    process.stdout.write(`packed ${files.length} files, ${packedBytes} bytes\n`);
  });

  it('passes publint --strict', () => {
    const out = run(process.execPath, [join(REPO, 'node_modules', 'publint', 'src', 'cli.js'), 'run', tarball, '--strict'], work);
    expect(out).toContain('All good!');
  });

  it('passes @arethetypeswrong/cli for every entry point under node10, node16 (CJS and ESM) and bundler resolution', () => {
    const cli = join(REPO, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    const report = join(work, 'attw.json');
    // Written to a file: attw exits before a pipe of this size would be drained.
    execFileSync('sh', ['-c', `"${process.execPath}" "${cli}" "${tarball}" --no-definitely-typed --format json > "${report}"`]);
    const { analysis } = JSON.parse(readFileSync(report, 'utf8')) as { analysis: { problems: unknown[]; entrypoints: Record<string, unknown> } };
    expect(Object.keys(analysis.entrypoints).sort()).toEqual(['.', './package.json', './testing', './workers/compress', './workers/delivery']);
    expect(analysis.problems).toEqual([]);
  });
});

describe('the tarball installed in a fresh project', () => {
  const project = join(work, 'consumer');

  beforeAll(() => {
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const dev = (require(join(REPO, 'package.json')) as { devDependencies: Record<string, string> }).devDependencies;
    // @types/express only for the subproject that imports it: the others are built with `types: ["node"]`, so they never see it.
    npm(['install', tarball, `@types/node@${dev['@types/node']!}`, `@types/express@${dev['@types/express']!}`, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], project);
  }, 180_000);

  const USE = {
    logger: `const { log, records } = createTestLogger();
log.info('installed', { from: FROM });
const real = createLogger({ name: 'consumer', transports: [{ type: 'console' }] });
real.info('real logger', { from: FROM });`,
    check: `if (records()[0]?.msg !== 'installed') throw new Error('the test logger kept nothing');`,
  };

  /** A subproject: its package.json type, tsconfig module settings, and one TypeScript file importing both entry points. */
  function subproject(name: string, type: 'commonjs' | 'module', compilerOptions: Record<string, unknown>, source: string): string {
    const dir = join(project, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type }));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', types: ['node'], outDir: 'out', skipLibCheck: false, ...compilerOptions }, files: ['index.ts'] }));
    writeFileSync(join(dir, 'index.ts'), source);
    return dir;
  }

  it.each([
    ['CommonJS, moduleResolution node10', 'cjs-node10', 'commonjs', { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true }, 'import'],
    ['CommonJS, require under node16', 'cjs-node16', 'commonjs', { module: 'node16', moduleResolution: 'node16' }, 'require'],
    ['an ES module, nodenext', 'esm-nodenext', 'module', { module: 'nodenext', moduleResolution: 'nodenext' }, 'import'],
  ] as const)('%s: type-checks and runs', (_name, dir, type, options, style) => {
    const imports =
      style === 'require'
        ? `import prodlog = require('prodlog');\nimport testing = require('prodlog/testing');\nconst { createLogger } = prodlog;\nconst { createTestLogger } = testing;`
        : `import { createLogger, type Logger } from 'prodlog';\nimport { createTestLogger } from 'prodlog/testing';\nconst typed: Logger | undefined = undefined;\nvoid typed;`;
    const cwd = subproject(dir, type, options, `${imports}\nconst FROM = '${dir}';\n${USE.logger}\n${USE.check}\n`);
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], cwd);
    const out = run(process.execPath, ['out/index.js'], cwd);
    expect(JSON.parse(out.trim())).toMatchObject({ level: 'info', name: 'consumer', from: dir, msg: 'real logger' });
  });

  it('type-checks under bundler resolution', () => {
    const source = `import { createLogger } from 'prodlog';\nimport { createTestLogger, MemoryTransport } from 'prodlog/testing';\nconst FROM = 'bundler';\n${USE.logger}\n${USE.check}\nvoid MemoryTransport;\n`;
    const cwd = subproject('esm-bundler', 'module', { module: 'esnext', moduleResolution: 'bundler', noEmit: true }, source);
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], cwd);
  });

  // `req.log` is declared on node:http's IncomingMessage and in the global Express namespace: with skipLibCheck off,
  // that must compile in a project without Express's types, and merge cleanly into Express's Request with them.
  it.each([
    [
      'without Express',
      'http-node',
      `import { createServer } from 'node:http';
import { createLogger, requestFailed, requestLogger } from 'prodlog';
const log = createLogger({ name: 'consumer', transports: [{ type: 'console' }] });
const logRequests = requestLogger(log, { ignore: ['/healthCheck'], fields: (req) => ({ agent: req.headers['user-agent'] }) });
createServer((req, res) => {
  logRequests(req, res);
  req.log.info('handling');
  requestFailed(req, new Error('x'));
  res.end();
});
`,
    ],
    [
      'with @types/express',
      'http-express',
      `import type { NextFunction, Request, Response } from 'express';
import { createLogger, errorLogger, requestLogger } from 'prodlog';
const log = createLogger({ name: 'consumer', transports: [{ type: 'console' }] });
export const middleware = [requestLogger(log), errorLogger(log, { respond: true })];
export function handler(req: Request, res: Response, next: NextFunction): void {
  req.log.info('express', { path: req.path });
  next();
}
`,
    ],
  ])('req.log type-checks %s, with skipLibCheck off', (_name, dir, source) => {
    const cwd = subproject(dir, 'commonjs', { module: 'node16', moduleResolution: 'node16', noEmit: true }, source);
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], cwd);
  });

  it('installs the prodlog command, which knows its version and checks a config', () => {
    const bin = join(project, 'node_modules', '.bin', 'prodlog');
    expect(run(bin, ['--version'], project)).toBe(`${pkg.version}\n`);
    writeFileSync(join(project, 'prodlog.config.json'), JSON.stringify({ name: 'consumer' }));
    expect(JSON.parse(run(bin, ['check'], project))).toMatchObject({ name: 'consumer' });
  });

  it('brings the runtime dependencies and none of the development ones', () => {
    const modules = join(project, 'node_modules');
    const manifest = JSON.parse(readFileSync(join(modules, 'prodlog', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies).toEqual(pkg.dependencies);
    for (const dep of Object.keys(pkg.dependencies)) expect(existsSync(join(modules, dep, 'package.json'))).toBe(true);
    for (const dev of ['jest', 'typescript', 'fastify', 'publint']) expect(existsSync(join(modules, dev))).toBe(false);
  });
});
