import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogFollower } from '../src/cli/LogFollower';
import { tempDir } from './support/runFixture';

const BIN = join(__dirname, '..', 'bin', 'prodlog.js');

function cli(args: readonly string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const record = (msg: string, level = 'info'): string => JSON.stringify({ level, time: '2026-11-26T06:00:00.000Z', pid: 1, hostname: 'h', name: 'svc', msg });

describe('prodlog pretty', () => {
  it('turns JSON lines into readable lines with our level names', () => {
    const r = cli(['pretty', '--no-color'], `${record('started')}\n${record('boom', 'error')}\nnot json\n`);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(/^\[2026-11-26 \d\d:00:00\.000 .*\] INFO \(svc\/1\): started$/),
      expect.stringMatching(/\] ERROR \(svc\/1\): boom$/),
      'not json',
      '',
    ]);
  });
});

describe('prodlog check', () => {
  const dir = tempDir('cli-check');

  it('prints the resolved config with defaults filled in and secrets hidden', () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, JSON.stringify({ name: 'svc', transports: [{ type: 'file', path: 'x.log' }], redact: { censor: 'token-like-censor' } }));
    const r = cli(['check', path]);
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({ name: 'svc', level: 'info', capture: true, transports: [{ type: 'file', path: 'x.log' }] });
  });

  it('exits non-zero with the same message as the library', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ transports: [{ type: 'nope' }] }));
    const r = cli(['check', path]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`invalid prodlog configuration (${path}):\n  transports[0].type: "nope" is not one of console, file`);
  });

  it('refuses a file it cannot parse', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{');
    expect(cli(['check', path]).stderr).toContain('is not valid JSON');
  });
});

describe('hideSecrets', () => {
  it('hides secret-looking keys and URL passwords', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { hideSecrets } = require('../src/cli/hideSecrets') as typeof import('../src/cli/hideSecrets');
    expect(hideSecrets({ url: 'https://user:s3cret@logs.example/v1', headers: { Authorization: 'Bearer t', 'X-Scope': 'a' }, tls: { key: 'PEM', ca: 'CA' } })).toEqual({
      url: 'https://user:[hidden]@logs.example/v1',
      headers: { Authorization: '[hidden]', 'X-Scope': 'a' },
      tls: { key: '[hidden]', ca: 'CA' },
    });
  });
});

describe('LogFollower (prodlog tail)', () => {
  it('starts with the last lines, then returns appended lines across rename rotation and truncation', () => {
    const dir = tempDir('follow');
    const file = join(dir, 'app.log');
    writeFileSync(file, 'a\nb\nc\n');
    const follower = new LogFollower(file);
    expect(follower.start(2)).toEqual(['b', 'c']);
    appendFileSync(file, 'd\npart');
    expect(follower.poll()).toEqual(['d']);
    appendFileSync(file, 'ial\n');
    expect(follower.poll()).toEqual(['partial']);
    appendFileSync(file, 'e\n');
    renameSync(file, join(dir, 'app.1.log')); // rotation: the old file gets a last line it wrote before the rename
    appendFileSync(join(dir, 'app.1.log'), 'f\n');
    expect(follower.poll()).toEqual(['e', 'f']); // the path is gone for a moment: keep the old file
    writeFileSync(file, 'g\n');
    expect(follower.poll()).toEqual(['g']);
    truncateSync(file, 0); // copytruncate: seen as a shrink at the next poll
    expect(follower.poll()).toEqual([]);
    appendFileSync(file, 'h\n');
    expect(follower.poll()).toEqual(['h']);
    follower.close();
  });

  it('runs as a command and stops on SIGINT', async () => {
    const dir = tempDir('tail');
    const file = join(dir, 'app.log');
    writeFileSync(file, `${record('one')}\n${record('two')}\n`);
    const child = spawn(process.execPath, [BIN, 'tail', file, '-n', '1']);
    let out = '';
    const seen = (text: string): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (out.includes(text)) resolve();
          else child.stdout.once('data', check);
        };
        check();
      });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await seen('"two"');
    appendFileSync(file, `${record('three')}\n`);
    await seen('"three"');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).not.toContain('"one"');
  });
});
