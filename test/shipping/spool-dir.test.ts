import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/config/ConfigError';
import { Spool } from '../../transports/shipping/Spool';
import { spoolBacklog } from '../../transports/shipping/inspectSpool';
import { defaultSpoolDir, OLD_DEFAULT_FOLDER, resolveSpoolDir, serviceFolder, type SpoolDirInputs } from '../../transports/shipping/spoolDir';
import { REPO } from '../support/paths';
import { tempDir } from '../support/run-fixture';

const FOLDER = 'syslog-tcp-127.0.0.1-9';
const inputs = (env: Record<string, string>, over: Partial<SpoolDirInputs> = {}): SpoolDirInputs => ({
  explicit: undefined,
  folder: FOLDER,
  service: 'checkout',
  env,
  cwd: '/srv/checkout',
  home: () => '/home/from-passwd',
  ...over,
});
const dirOf = (env: Record<string, string>, over: Partial<SpoolDirInputs> = {}) => defaultSpoolDir(inputs(env, over));

describe('the default spool folder, by the first rule that applies', () => {
  const all = { PRODLOG_SPOOL_DIR: '/data/spool', STATE_DIRECTORY: '/var/lib/checkout', XDG_STATE_HOME: '/home/dev/.state', HOME: '/home/dev' };

  it('PRODLOG_SPOOL_DIR first, one folder per service under it (relative to the working directory)', () => {
    expect(dirOf(all)).toEqual({ dir: `/data/spool/checkout/${FOLDER}`, source: '$PRODLOG_SPOOL_DIR' });
    expect(dirOf({ ...all, PRODLOG_SPOOL_DIR: 'var/spool' })?.dir).toBe(`/srv/checkout/var/spool/checkout/${FOLDER}`);
  });

  it("then systemd's STATE_DIRECTORY (the first of several), which is the unit's own", () => {
    const { PRODLOG_SPOOL_DIR: _p, ...env } = all;
    expect(dirOf(env)).toEqual({ dir: `/var/lib/checkout/prodlog-spool/${FOLDER}`, source: '$STATE_DIRECTORY' });
    expect(dirOf({ ...env, STATE_DIRECTORY: '/var/lib/checkout:/var/lib/other' })?.dir).toBe(`/var/lib/checkout/prodlog-spool/${FOLDER}`);
  });

  it('then XDG_STATE_HOME, then ~/.local/state: a developer checkout needs no entry in .gitignore', () => {
    expect(dirOf({ XDG_STATE_HOME: '/home/dev/.state', HOME: '/home/dev' })).toEqual({ dir: `/home/dev/.state/prodlog/checkout/${FOLDER}`, source: '$XDG_STATE_HOME' });
    expect(dirOf({ XDG_STATE_HOME: 'relative/state', HOME: '/home/dev' })?.dir).toBe(`/home/dev/.local/state/prodlog/checkout/${FOLDER}`);
    expect(dirOf({ HOME: '/home/dev' })).toEqual({ dir: `/home/dev/.local/state/prodlog/checkout/${FOLDER}`, source: '$HOME' });
    expect(dirOf({})?.dir).toBe(`/home/from-passwd/.local/state/prodlog/checkout/${FOLDER}`);
  });

  it('empty variables count as unset; no home at all leaves no default (never a temporary folder)', () => {
    expect(dirOf({ PRODLOG_SPOOL_DIR: '', STATE_DIRECTORY: ' ', HOME: '/home/dev' })?.source).toBe('$HOME');
    expect(dirOf({}, { home: () => '' })).toBeUndefined();
    expect(() => resolveSpoolDir(inputs({}, { home: () => '' }))).toThrow(/spool\.dir: is not set, and there is no default: none of PRODLOG_SPOOL_DIR, STATE_DIRECTORY, XDG_STATE_HOME or HOME is set; set spool\.dir or PRODLOG_SPOOL_DIR/);
  });

  it('names the service folder safely', () => {
    expect(['checkout', '@acme/checkout', '../x', '', 'a b'].map(serviceFolder)).toEqual(['checkout', 'acme-checkout', 'x', 'app', 'a-b']);
  });
});

describe('resolveSpoolDir', () => {
  it('spool.dir wins over every variable, and the folder is created', () => {
    const cwd = tempDir('spooldir');
    const choice = resolveSpoolDir(inputs({ PRODLOG_SPOOL_DIR: join(cwd, 'env') }, { explicit: 'mine', cwd }));
    expect(choice).toEqual({ dir: join(cwd, 'mine'), source: 'spool.dir' });
    expect(existsSync(join(cwd, 'mine'))).toBe(true);
  });

  it('a folder that cannot be created is a ConfigError naming spool.dir, the path, where it came from and the cure (also as root)', () => {
    const cwd = tempDir('spooldir');
    const file = join(cwd, 'a-file');
    writeFileSync(file, '');
    const resolve = () => resolveSpoolDir(inputs({ HOME: join(file, 'home') }, { cwd }));
    expect(resolve).toThrow(ConfigError);
    expect(resolve).toThrow(`spool.dir: is not set, and the default "${join(file, 'home', '.local/state/prodlog/checkout', FOLDER)}" (from $HOME) cannot be used: ENOTDIR`);
    expect(resolve).toThrow('set spool.dir or PRODLOG_SPOOL_DIR to a writable folder that survives restarts');
    expect(() => resolveSpoolDir(inputs({}, { explicit: join(file, 'spool'), cwd }))).toThrow(`spool.dir: "${join(file, 'spool')}" cannot be used: ENOTDIR`);
  });
});

describe('a backlog in the old default folder (.prodlog-spool/ in the working directory)', () => {
  function oldSpool(cwd: string, records: number, deliver: boolean): string {
    const dir = join(cwd, OLD_DEFAULT_FOLDER, FOLDER);
    const spool = new Spool({ dir, maxBytes: 64 * 1024 * 1024, segmentBytes: 1024 * 1024, chunkChars: 4096 });
    for (let i = 0; i < records; i++) spool.append(`{"level":"info","i":${i},"msg":"before the upgrade"}\n`);
    spool.writeOut();
    if (deliver) {
      for (let batch = spool.read(1000, 1 << 20); batch.records.length > 0; batch = spool.read(1000, 1 << 20)) spool.commit(batch, batch.records.length);
    }
    spool.syncNow();
    spool.close();
    return dir;
  }

  it('is delivered from there, with a warn record naming it and the new default', () => {
    const cwd = tempDir('spooldir');
    const old = oldSpool(cwd, 10, false);
    const home = join(cwd, 'home');
    const choice = resolveSpoolDir(inputs({ HOME: home }, { cwd }));
    expect(choice.dir).toBe(old);
    expect(choice.notice).toEqual({
      msg: 'spool: delivering the backlog in the old default folder',
      fields: expect.objectContaining({ spoolDir: old, backlogBytes: spoolBacklog(old).backlogBytes, newDefault: join(home, '.local/state/prodlog/checkout', FOLDER) }),
    });
    expect(existsSync(home)).toBe(false);
  });

  it('once delivered, the next start uses the new default and says nothing', () => {
    const cwd = tempDir('spooldir');
    oldSpool(cwd, 10, true);
    const choice = resolveSpoolDir(inputs({ HOME: join(cwd, 'home') }, { cwd }));
    expect(choice).toEqual({ dir: join(cwd, 'home/.local/state/prodlog/checkout', FOLDER), source: '$HOME' });
  });

  it('with PRODLOG_SPOOL_DIR set it stays behind, and a warn record says so', () => {
    const cwd = tempDir('spooldir');
    const old = oldSpool(cwd, 3, false);
    const choice = resolveSpoolDir(inputs({ PRODLOG_SPOOL_DIR: join(cwd, 'volume') }, { cwd }));
    expect(choice.dir).toBe(join(cwd, 'volume/checkout', FOLDER));
    expect(choice.notice?.fields).toMatchObject({ oldSpoolDir: old, fix: 'unset $PRODLOG_SPOOL_DIR for one start to deliver it, or remove the folder' });
  });
});

/** A service with a syslog transport and no spool.dir, run in `cwd` with only the environment given. */
function service(cwd: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const script = `
    const { createLogger } = require(${JSON.stringify(join(REPO, 'dist', 'src'))});
    let log;
    try {
      log = createLogger({ name: 'checkout', shutdown: false, transports: [{ type: 'syslog', host: '127.0.0.1', port: 9, protocol: 'tcp', closeTimeout: '0s', retry: { initial: '10ms' } }] });
    } catch (err) {
      console.log(JSON.stringify({ error: err.name, message: err.message }));
      process.exit(2);
    }
    log.info('after the upgrade');
    log.close().then(() => console.log(JSON.stringify({ ok: true })));
  `;
  const child = spawn(process.execPath, ['-e', script], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

describe('a service at startup', () => {
  it('fails when the default location cannot be created, naming spool.dir and the path (HOME and XDG_STATE_HOME under a regular file, which stops root too)', async () => {
    const cwd = tempDir('spooldir');
    const file = join(cwd, 'not-a-folder');
    writeFileSync(file, '');
    const run = await service(cwd, { HOME: join(file, 'home'), XDG_STATE_HOME: join(file, 'state') });
    expect(run.status).toBe(2);
    const { error, message } = JSON.parse(run.stdout) as { error: string; message: string };
    expect(error).toBe('ConfigError');
    expect(message).toContain(`spool.dir: is not set, and the default "${join(file, 'state', 'prodlog', 'checkout', FOLDER)}" (from $XDG_STATE_HOME) cannot be used: ENOTDIR`);
    expect(message).toContain('set spool.dir or PRODLOG_SPOOL_DIR');
    expect(readdirSync(cwd)).toEqual(['not-a-folder']);
  });

  it('keeps delivering a backlog left in .prodlog-spool/ by an older version, with a warn record in the spool and on stderr', async () => {
    const cwd = tempDir('spooldir');
    const old = join(cwd, OLD_DEFAULT_FOLDER, FOLDER);
    mkdirSync(join(cwd, 'home'));
    // The receiver is down, so the record stays spooled, in the new default folder.
    const spooled = await service(cwd, { HOME: join(cwd, 'home') });
    expect(spooled.stdout).toContain('"ok":true');
    expect(spooled.stderr).not.toContain('old default');
    expect(spoolBacklog(join(cwd, 'home/.local/state/prodlog/checkout', FOLDER)).backlogBytes).toBeGreaterThan(0);

    // An old backlog: move the spool where 0.2 kept it.
    mkdirSync(join(cwd, OLD_DEFAULT_FOLDER));
    renameSync(join(cwd, 'home/.local/state/prodlog/checkout', FOLDER), old);
    const upgraded = await service(cwd, { HOME: join(cwd, 'home') });
    expect(upgraded.stdout).toContain('"ok":true');
    expect(upgraded.stderr).toContain(`warn: spool: delivering the backlog in the old default folder {"spoolDir":${JSON.stringify(old)}`);
    expect(existsSync(join(cwd, 'home/.local/state/prodlog/checkout', FOLDER))).toBe(false);
    const records = readSpool(old);
    expect(records.map((r) => r['msg'])).toEqual(['after the upgrade', 'spool: delivering the backlog in the old default folder', 'after the upgrade']);
    expect(records[1]).toMatchObject({ level: 'warn', name: 'checkout', spoolDir: old, newDefault: join(cwd, 'home/.local/state/prodlog/checkout', FOLDER) });
  });
});

/** Every record in a spool, oldest first, without delivering them. */
function readSpool(dir: string): Record<string, unknown>[] {
  const spool = new Spool({ dir, maxBytes: 64 * 1024 * 1024, segmentBytes: 1024 * 1024, chunkChars: 4096 });
  try {
    return spool.read(1000, 1 << 20).records.map((r) => JSON.parse(r.line) as Record<string, unknown>);
  } finally {
    spool.close();
  }
}
