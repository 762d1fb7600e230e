import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cli, record } from '../support/prodlog-cli';
import { tempDir } from '../support/run-fixture';

const pkg = require('../../package.json') as { version: string };

describe('prodlog command-line arguments', () => {
  const dir = tempDir('cli-arguments');
  const log = join(dir, 'app.log');
  writeFileSync(log, `${Array.from({ length: 12 }, (_, i) => record(`line ${i}`)).join('\n')}\n`);
  const linesOf = (text: string): string[] => text.split('\n').filter((l) => l !== '');

  it('prints its version with --version', () => {
    for (const flag of ['--version', '-V']) {
      const r = cli([flag]);
      expect(r).toEqual({ status: 0, stdout: `${pkg.version}\n`, stderr: '' });
    }
  });

  it.each([
    ['pretty', 'usage: prodlog pretty'],
    ['check', 'usage: prodlog check [config]'],
    ['tail', 'usage: prodlog tail <file>'],
    ['spool', 'usage: prodlog spool <dir>'],
    ['errors', 'usage: prodlog errors <file|dir>...'],
    ['clickhouse-schema', 'usage: prodlog clickhouse-schema'],
  ])('%s --help prints its usage and exits 0, as does help %s', (command, usage) => {
    for (const args of [[command, '--help'], [command, '-h'], ['help', command]]) {
      const r = cli(args);
      expect(r.status).toBe(0);
      expect(r.stdout.startsWith(usage)).toBe(true);
      expect(r.stderr).toBe('');
    }
  });

  it.each([
    ['tail', [log, '--prety']],
    ['pretty', ['--bogus']],
    ['check', ['--strict']],
    ['spool', [dir, '--jsn']],
    ['errors', [log, '--sinse', '1h']],
    ['clickhouse-schema', ['--tabel', 'logs']],
  ])('%s refuses an unknown option with exit 2 and its usage', (command, args) => {
    const r = cli([command, ...args]);
    expect(r.status).toBe(2);
    const option = args.find((a) => a.startsWith('--'))!;
    expect(r.stderr).toContain(`prodlog ${command}: unknown option ${option}\nusage: prodlog ${command}`);
    expect(r.stdout).toBe('');
  });

  it.each([
    [['tail', log, '-n', 'abc'], 'prodlog tail: -n "abc" is not a whole number of lines'],
    [['tail', log, '-n'], "prodlog tail: Option '-n, --lines <value>' argument missing"],
    [['tail'], 'prodlog tail: missing operand'],
    [['tail', log, log], `prodlog tail: unexpected operand ${JSON.stringify(log)}`],
    [['check', 'a.json', 'b.json'], 'prodlog check: unexpected operand "b.json"'],
    [['spool', dir, '--dead-letter'], "prodlog spool: Option '--dead-letter <value>' argument missing"],
    [['pretty', 'app.log'], 'prodlog pretty: unexpected operand "app.log"'],
    [['pretty', '--color', '--no-color'], 'prodlog pretty: --color and --no-color exclude each other'],
  ])('%j is refused with exit 2 and the usage', (args, problem) => {
    const r = cli(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${problem}\nusage: prodlog ${args[0]}`);
  });

  it('tail takes -n5, -n 5 and --lines=5 alike', () => {
    for (const args of [['-n5'], ['-n', '5'], ['--lines=5'], ['--lines', '5']]) {
      const r = cli(['tail', log, ...args, '--no-follow']);
      expect(r.status).toBe(0);
      expect(linesOf(r.stdout)).toHaveLength(5);
      expect(r.stdout).toContain('"line 11"');
    }
    expect(linesOf(cli(['tail', log, '--no-follow']).stdout)).toHaveLength(10);
    expect(linesOf(cli(['tail', log, '--no-follow', '--pretty']).stdout)[0]).toMatch(/INFO \(svc\/1\): line 2$/);
  });

  it('tail --no-follow of a file that does not exist says so and exits 1', () => {
    const missing = join(dir, 'missing.log');
    expect(cli(['tail', missing, '--no-follow'])).toEqual({ status: 1, stdout: '', stderr: `prodlog tail: ${missing} does not exist\n` });
  });

  it('tail says that it waits for a file that does not exist yet, then follows it once created', async () => {
    const later = join(dir, 'later.log');
    const child = spawn(process.execPath, [BIN, 'tail', later]);
    let out = '';
    let err = '';
    const until = (test: () => boolean): Promise<void> =>
      new Promise((resolve) => {
        const poll = setInterval(() => {
          if (test()) {
            clearInterval(poll);
            resolve();
          }
        }, 20);
      });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await until(() => err.includes('\n'));
    expect(err).toBe(`prodlog tail: ${later} does not exist yet; waiting for it to be created\n`);
    writeFileSync(later, `${record('arrived')}\n`);
    await until(() => out.includes('"arrived"'));
    child.kill('SIGINT');
    expect(await new Promise<number | null>((resolve) => child.on('close', resolve))).toBe(0);
  });

  it('check names the file it read, on stderr, leaving stdout to the configuration', () => {
    const path = join(dir, 'named.json');
    writeFileSync(path, JSON.stringify({ name: 'svc' }));
    const r = cli(['check', path]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`prodlog check: read ${path}\nprodlog check: sources: name: file; every other key is a default\n`);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'svc' });
    const viaEnv = cli(['check'], '', { env: { PRODLOG_CONFIG: path } });
    expect(viaEnv.stderr).toBe(`prodlog check: read ${path}\nprodlog check: sources: configFile: env PRODLOG_CONFIG, name: file; every other key is a default\n`);
    const inCwd = tempDir('cli-check-cwd');
    writeFileSync(join(inCwd, 'prodlog.config.json'), JSON.stringify({ name: 'from-cwd' }));
    const r2 = cli(['check'], '', { cwd: inCwd });
    expect(r2.stderr).toBe(`prodlog check: read ${join(inCwd, 'prodlog.config.json')}\nprodlog check: sources: name: file; every other key is a default\n`);
    expect(JSON.parse(r2.stdout)).toMatchObject({ name: 'from-cwd' });
  });

  it('check without a config file says that none was found and prints the defaults it would use', () => {
    const empty = tempDir('cli-check-none');
    const r = cli(['check'], '', { cwd: empty });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`prodlog check: no config file found (no $PRODLOG_CONFIG, no ${join(empty, 'prodlog.config.json')}); createLogger() would use the defaults below\nprodlog check: sources: every key is a default\n`);
    expect(JSON.parse(r.stdout)).toMatchObject({ level: 'info', transports: [{ type: 'console' }] });
  });

  it('check of a named file that does not exist is refused', () => {
    const r = cli(['check', join(dir, 'absent.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot be read');
  });
});
