import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleApp } from '../support/bundle';
import { HttpReceiver } from '../support/http-receiver';
import { allLines, indexesIn } from '../support/file-logs';
import { tempDir } from '../support/run-fixture';
import { fixturePath } from '../support/paths';

const SERVICE = fixturePath('bundle-gzip-service.js');
const SHIPPING_SERVICE = fixturePath('bundle-shipping-service.js');
const RECORDS = 5000; // about 0.7 MB: ten rotations at 64K
/** What prodlog prints when the native lock addon (fs-native-extensions) is not loadable, as inside a bundle. */
const NO_LOCKS_NOTICE = /prodlog: file locks are not available here \([\s\S]*?\); two processes writing one log file or one spool will not be detected\n/;

/** Runs a bundled app with node from its own folder, outside the repository, with no NODE_PATH. */
function runBundle(app: string, dir: string) {
  const env = { ...process.env };
  delete env.NODE_PATH;
  const run = spawnSync(process.execPath, [app, dir, String(RECORDS)], { cwd: join(app, '..'), env, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('a service bundled with esbuild', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  function outsideRepo(prefix: string): string {
    const dir = tempDir(prefix);
    made.push(dir);
    // Nothing may come from a node_modules: the bundle must hold all it uses.
    expect(() => require.resolve('pino', { paths: [dir] })).toThrow();
    return dir;
  }

  it('rotates and gzips with the compress worker bundled beside it, every record once and in order', async () => {
    const out = outsideRepo('bundle');
    const { app, files, warnings } = await bundleApp(SERVICE, out, ['compress']);
    expect(warnings).toEqual([]);
    expect([...files].sort()).toEqual(['app.js', 'compressWorker.js']);
    expect(readdirSync(out).sort()).toEqual(['app.js', 'compressWorker.js']);

    const logs = join(out, 'logs');
    const run = runBundle(app, logs);
    expect(run.stdout).toBe('closed\n');
    // The native lock addon cannot be inside a bundle (docs/bundling.md); nothing else may be printed.
    expect(run.stderr.replace(NO_LOCKS_NOTICE, '')).toBe('');
    expect(run.status).toBe(0);

    const names = readdirSync(logs);
    expect(names.filter((n) => n.endsWith('.gz')).length).toBeGreaterThan(0);
    expect(names.filter((n) => n.endsWith('.log') && n !== 'app.log')).toEqual([]); // all compressed
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(indexesIn(allLines(logs))).toEqual(Array.from({ length: RECORDS }, (_, i) => i));
  });

  it('without compressWorker.js beside it, fails at startup with a ConfigError that says how to bundle it', async () => {
    const out = outsideRepo('bundle-noworker');
    const { app, files } = await bundleApp(SERVICE, out, []);
    expect(files).toEqual(['app.js']);

    const logs = join(out, 'logs');
    const run = runBundle(app, logs);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('ConfigError: invalid prodlog configuration (worker):');
    expect(run.stderr).toContain(
      `the compress worker file compressWorker.js was not found (looked at ${join(out, 'compressWorker.js')}). ` +
        'A bundled application must bundle it beside itself: add the entry point "prodlog/workers/compress" ' +
        'with the output name "compressWorker" (see docs/bundling.md).',
    );
    expect(existsSync(logs)).toBe(false); // failed before any file was touched
  });

  it('ships over HTTP from the bundle: the delivery worker beside it delivers every record to a real receiver', async () => {
    const receiver = await HttpReceiver.start();
    try {
      const out = outsideRepo('bundle-ship');
      const { app, files, warnings } = await bundleApp(SHIPPING_SERVICE, out, ['delivery']);
      expect(warnings).toEqual([]);
      expect([...files].sort()).toEqual(['app.js', 'deliveryWorker.js']);
      const env = { ...process.env };
      delete env.NODE_PATH;
      const run = await runAsync(app, [`${receiver.url}/ingest`, join(out, 'spool'), '20000'], out, env);
      expect(run.stderr.replace(NO_LOCKS_NOTICE, '')).toBe(''); // the lock addon cannot be inside a bundle (docs/bundling.md)
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ complete: true, pending: 0 });
      const seen = new Set(receiver.requests.flatMap((r) => r.body.trim().split('\n')).map((l) => (JSON.parse(l) as { i: number }).i));
      expect(seen.size).toBe(20_000);
    } finally {
      await receiver.close();
    }
  });
});

/** Runs a bundled app asynchronously, so the receiver in this process can answer it. */
function runAsync(app: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [app, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}
