import { spawn, spawnSync } from 'node:child_process';
import fs, { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogFollower, READ_CHUNK } from '../src/cli/LogFollower';
import { withoutSecrets } from '../src/config/withoutSecrets';
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

describe('prodlog pretty with crafted records', () => {
  it('prints each record as one header line and indented lines, whatever its keys, values and stack hold', () => {
    const forged = '[2026-11-26 06:00:00.000 +0000] FATAL (svc/1): forged';
    const base = JSON.parse(record('x')) as Record<string, unknown>;
    const records = [
      { ...base, msg: `m\u2028${forged}`, [`k\n${forged}`]: `v\u0085${forged}\u009b2K` },
      { ...base, level: 'error', name: `svc\r${forged}`, err: { type: 'Error', message: `bad\n${forged}`, stack: `Error: bad\n${forged}\r\u001b[1A${forged}\u2029${forged}\n    at f (x.js:1:1)` } },
      { ...base, msg: 'after' },
    ];
    const r = cli(['pretty', '--no-color'], records.map((x) => JSON.stringify(x)).join('\n') + `\nnot json\u2028${forged}\n`);
    expect(r.status).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    const lines = r.stdout.split('\n').slice(0, -1);
    const unindented = lines.filter((l) => !l.startsWith('    '));
    expect(unindented).toEqual([
      expect.stringMatching(/\] INFO \(svc\/1\): m\\u2028\[2026/),
      expect.stringMatching(/\] ERROR \(svc\\r\[2026.*\/1\): x$/),
      expect.stringMatching(/\] INFO \(svc\/1\): after$/),
      `not json\\u2028${forged}`,
    ]);
    expect(lines.filter((l) => /^ +at f \(x\.js/.test(l))).toHaveLength(1); // the stack keeps its lines, indented
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

  it('prints no credential: not a URL query token, URL password, header or TLS private key', () => {
    const path = join(dir, 'secrets.json');
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    writeFileSync(path, JSON.stringify({
      transports: [
        { type: 'http', url: 'https://ingest:pw-in-url@logs.example/v1/logs?api_key=query-token-123', format: 'ndjson', headers: { Authorization: 'Bearer header-token-456' } },
        { type: 'syslog', host: 'logs.example', protocol: 'tls', tls: { key: pem, cert: 'client-cert-pem', ca: 'ca-pem' } },
      ],
    }));
    const r = cli(['check', path]);
    expect(r.status).toBe(0);
    for (const secret of ['query-token-123', 'api_key', 'pw-in-url', 'ingest', 'header-token-456', 'PRIVATE KEY', 'client-cert-pem']) expect(r.stdout).not.toContain(secret);
    expect(JSON.parse(r.stdout)).toMatchObject({
      transports: [
        { type: 'http', url: 'https://logs.example/v1/logs', headers: { Authorization: '[Redacted]' } },
        { type: 'syslog', host: 'logs.example', tls: { key: '[Redacted]', cert: '[Redacted]', ca: 'ca-pem' } },
      ],
    });
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

describe('withoutSecrets (prodlog check and the startup record)', () => {
  it('censors secret-looking keys and TLS key material, and drops user, password, query and fragment from URLs', () => {
    expect(withoutSecrets({ url: 'https://user:s3cret@logs.example/v1?api_key=abc#t', headers: { Authorization: 'Bearer t', 'X-Scope': 'a' }, tls: { key: 'PEM', cert: 'CERT', ca: 'CA' } })).toEqual({
      url: 'https://logs.example/v1',
      headers: { Authorization: '[Redacted]', 'X-Scope': '[Redacted]' },
      tls: { key: '[Redacted]', cert: '[Redacted]', ca: 'CA' },
    });
  });

  it('shows everything at any depth unless given a depth, past which objects and arrays are cut', () => {
    const deep = { a: { b: { c: { d: 'e' }, list: [[1]] } } };
    expect(withoutSecrets(deep)).toEqual(deep);
    expect(withoutSecrets(deep, 2)).toEqual({ a: { b: '[Object]' } });
    expect(withoutSecrets([deep], 3)).toEqual([{ a: { b: '[Object]' } }]);
    expect(withoutSecrets({ list: [1], map: {} }, 1)).toEqual({ list: '[Array]', map: '[Object]' });
  });
});

describe('LogFollower (prodlog tail)', () => {
  it('keeps a UTF-8 character that a read cuts in two whole', () => {
    const file = join(tempDir('follow-utf8'), 'app.log');
    const long = `${'a'.repeat(READ_CHUNK - 1)}é`; // "é" is two bytes: the first read ends between them
    writeFileSync(file, `${long}\nnext\n`);
    const follower = new LogFollower(file);
    expect(follower.start(10)).toEqual([long, 'next']);
    follower.close();
  });

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

  it('reads only the last lines of a file many blocks long, backwards from its end', () => {
    const dir = tempDir('follow-large');
    const file = join(dir, 'app.log');
    const lines = Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
    writeFileSync(file, `${lines.join('\n')}\npart`); // ~2 MB, ending in a line not yet complete
    const bytesOf = (n: number): number => Buffer.byteLength(`${lines.slice(-n).join('\n')}\npart`);
    expect(bytesOf(lines.length)).toBeGreaterThan(20 * READ_CHUNK);
    const readSync = jest.spyOn(fs, 'readSync');
    try {
      for (const n of [3, 2_000, 0]) { // 2 000 lines take more than one block
        readSync.mockClear();
        const follower = new LogFollower(file);
        expect(follower.start(n)).toEqual(lines.slice(lines.length - n));
        const read = readSync.mock.results.reduce((sum, r) => sum + (r.value as number), 0);
        // What is shown, plus at most a block searched back past it and a block read forwards past it.
        expect(read).toBeLessThanOrEqual(2 * bytesOf(n) + 2 * READ_CHUNK);
        appendFileSync(file, 'ial\n');
        expect(follower.poll()).toEqual(['partial']);
        follower.close();
        truncateSync(file, Buffer.byteLength(`${lines.join('\n')}\npart`));
      }
    } finally {
      readSync.mockRestore();
    }
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
