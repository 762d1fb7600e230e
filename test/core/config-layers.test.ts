import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, createLogger } from '../../src';
import { layeredConfig, type ConfigRequest } from '../../src/config/loadConfig';
import { mergeLayers, TOGGLES } from '../../src/config/layers';
import { resolveConfig } from '../../src/config/loadConfig';
import { MemoryTransport } from '../../src/testing';
import { REPO } from '../support/paths';
import { parseLines, readRecords, tempDir } from '../support/run-fixture';

const dir = tempDir('layers');
let files = 0;
function configFileWith(config: unknown): string {
  const path = join(dir, `c${files++}.json`);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

function layered(request: Partial<ConfigRequest>): ReturnType<typeof layeredConfig> {
  return layeredConfig({ env: {}, cwd: dir, ...request });
}

describe('createLogger(options) applies its options over the config file', () => {
  const file = configFileWith({
    name: 'from-file',
    level: 'warn',
    fatal: { exitCode: 3, timeout: '2s' },
    transports: [{ type: 'file', path: 'logs/app.log' }],
    watchdog: { diskFree: { min: '1G' } },
    redact: ['user.email'],
  });

  it('precedence: defaults < file < options < environment', () => {
    const { config } = layered({ path: file, options: { level: 'info' }, env: { LOG_LEVEL: 'debug' } });
    expect(config.level).toBe('debug');
    expect(layered({ path: file, options: { level: 'info' } }).config.level).toBe('info');
    expect(layered({ path: file }).config.level).toBe('warn');
    expect(layered({ path: file }).config.closeTimeoutMs).toBe(5000); // a default: set by no layer
  });

  it('objects merge key by key: fatal.timeout from options keeps the file\'s fatal.exitCode', () => {
    const { config, origin } = layered({ path: file, options: { fatal: { timeout: '1s' } } });
    expect(config.fatal).toMatchObject({ exitCode: 3, timeoutMs: 1000 });
    expect(origin.sources).toMatchObject({ 'fatal.exitCode': 'file', 'fatal.timeout': 'options (over file)' });
  });

  it('transports replaces the list as a whole', () => {
    const memory = new MemoryTransport();
    const { config, origin } = layered({ path: file, options: { transports: [{ type: 'custom', transport: memory }] } });
    expect(config.transports).toHaveLength(1);
    expect(config.transports[0]).toMatchObject({ type: 'custom' });
    expect(origin.sources['transports']).toBe('options (over file)');
  });

  it('keeps the file\'s transports when the options name none', () => {
    const { config, origin } = layered({ path: file, options: { name: 'checkout', startup: true } });
    expect(config.transports).toEqual([expect.objectContaining({ type: 'file', path: 'logs/app.log' })]);
    expect(config).toMatchObject({ name: 'checkout', startup: true });
    expect(origin).toEqual({
      file,
      sources: {
        'fatal.exitCode': 'file',
        'fatal.timeout': 'file',
        level: 'file',
        name: 'options (over file)',
        redact: 'file',
        startup: 'options',
        transports: 'file',
        'watchdog.diskFree.min': 'file',
      },
    });
  });

  it('LOG_LEVEL\'s module entries go over the levels of the file and the options key by key', () => {
    const path = configFileWith({ levels: { db: 'warn', http: 'error' } });
    const { config, origin } = layered({ path, options: { levels: { cache: 'debug' } }, env: { LOG_LEVEL: 'info,db=debug' } });
    expect(config).toMatchObject({ level: 'info', levels: { db: 'debug', http: 'error', cache: 'debug' } });
    expect(origin.sources).toEqual({ level: 'env LOG_LEVEL', 'levels.cache': 'options', 'levels.db': 'env LOG_LEVEL (over file)', 'levels.http': 'file' });
  });

  it('an option set to undefined is not set', () => {
    expect(layered({ path: file, options: { name: undefined, level: undefined } }).config).toMatchObject({ name: 'from-file', level: 'warn' });
  });

  it('a toggle: true keeps the file\'s settings, false turns the feature off', () => {
    const on = layered({ path: file, options: { watchdog: true } });
    expect(on.config.watchdog).toMatchObject({ enabled: true, diskFree: { min: 1024 ** 3 } });
    expect(on.origin.sources).toMatchObject({ 'watchdog.enabled': 'options', 'watchdog.diskFree.min': 'file' });
    expect(layered({ path: file, options: { watchdog: false } }).config.watchdog.enabled).toBe(false);
    const fromBoolean = layered({ path: configFileWith({ watchdog: true }), options: { watchdog: { interval: '5s' } } });
    expect(fromBoolean.config.watchdog).toMatchObject({ enabled: true, intervalMs: 5000 });
    expect(fromBoolean.origin.sources).toEqual({ 'watchdog.enabled': 'file', 'watchdog.interval': 'options' });
  });

  it('knows every key that takes true, false or an object (a new feature toggle merges key by key too)', () => {
    let allowed: string[] = [];
    try {
      resolveConfig({ notAKey: 1 }, 'options', {});
    } catch (err) {
      allowed = /allowed keys: (.*)$/.exec((err as ConfigError).problems[0] ?? '')![1]!.split(', ');
    }
    expect(allowed).toContain('watchdog');
    const accepts = (value: unknown, key: string): boolean => {
      try {
        resolveConfig({ [key]: value }, 'options', {});
        return true;
      } catch {
        return false;
      }
    };
    expect(allowed.filter((key) => accepts(true, key) && accepts({}, key)).sort()).toEqual([...TOGGLES.keys()].sort());
  });

  it('replayOnError: true over the file\'s object keeps its settings, false turns it off', () => {
    const path = configFileWith({ replayOnError: { level: 'info', maxRecords: 50 } });
    const on = layered({ path, options: { replayOnError: true } });
    expect(on.config.replayOnError).toEqual({ level: 'info', maxRecords: 50 });
    expect(on.origin.sources).toEqual({ replayOnError: 'options', 'replayOnError.level': 'file', 'replayOnError.maxRecords': 'file' });
    expect(layered({ path, options: { replayOnError: false } }).config.replayOnError).toBe(false);
  });

  it('levelSignal: a signal name over the file\'s object keeps its ttl', () => {
    const { config } = layered({ path: configFileWith({ levelSignal: { signal: 'SIGUSR2', ttl: '5m' } }), options: { levelSignal: 'SIGWINCH' } });
    expect(config.levelSignal).toMatchObject({ enabled: true, signal: 'SIGWINCH', ttlMs: 300_000 });
  });

  it('redact as a list of paths meets the object form key by key', () => {
    const { config } = layered({ path: file, options: { redact: { censor: '***' } } });
    expect(config.redact).toEqual({ paths: ['user.email'], censor: '***', defaults: true });
    expect(layered({ path: file, options: { redact: ['card.number'] } }).config.redact.paths).toEqual(['card.number']);
  });

  it('a duration in options replaces the file\'s deprecated spelling of it instead of clashing with it', () => {
    const old = configFileWith({ fatal: { timeoutMs: 3000 }, closeTimeoutMs: 2000 });
    const { config, origin } = layered({ path: old, options: { fatal: { timeout: '1s' }, closeTimeout: '4s' } });
    expect(config.fatal.timeoutMs).toBe(1000);
    expect(config.closeTimeoutMs).toBe(4000);
    expect(origin.sources).toEqual({ closeTimeout: 'options (over file)', 'fatal.timeout': 'options (over file)' });
  });

  it('never writes to the objects of a layer', () => {
    const fatal = { timeout: '1s' };
    const lower = { fatal: { exitCode: 2 } };
    mergeLayers([{ name: 'file', values: lower }, { name: 'options', values: { fatal } }]);
    expect(lower).toEqual({ fatal: { exitCode: 2 } });
    expect(fatal).toEqual({ timeout: '1s' });
  });

  it('names the layer of each bad key when several layers made the configuration', () => {
    const bad = configFileWith({ fatal: { exitCode: 0 } });
    let err: unknown;
    try {
      layered({ path: bad, options: { level: 'verbose' as 'info' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(`invalid prodlog configuration (${bad} + options)`);
    expect((err as ConfigError).problems).toEqual([
      expect.stringMatching(/^level: "verbose" is not one of .* \(from options\)$/),
      expect.stringMatching(/^fatal\.exitCode: 0 is too small.* \(from the config file\)$/),
    ]);
  });

  it('a "__proto__" key of the file stays a key when options merge over it, and is refused as unknown', () => {
    const path = join(dir, 'proto.json');
    writeFileSync(path, '{"fatal":{"__proto__":{"exitCode":9}},"__proto__":{"capture":false}}');
    let err: unknown;
    try {
      layered({ path, options: { fatal: { timeout: '1s' }, name: 'svc' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual(expect.arrayContaining([expect.stringContaining('(root): unknown key "__proto__"'), expect.stringContaining('fatal: unknown key "__proto__"')]));
    expect(({} as Record<string, unknown>)['capture']).toBeUndefined();
  });

  it('sources hold key and layer names, never a value', () => {
    const secret = configFileWith({ transports: [{ type: 'http', url: 'https://u:pw-in-url@logs.example/x?token=tok-123', format: 'ndjson', headers: { authorization: 'Bearer hdr-456' } }] });
    const { origin } = layered({ path: secret, options: { name: 'svc' } });
    expect(JSON.stringify(origin)).not.toMatch(/pw-in-url|tok-123|hdr-456|logs\.example/);
    expect(origin.sources).toEqual({ name: 'options', transports: 'file' });
  });
});

describe('which config file', () => {
  const named = configFileWith({ name: 'named' });
  const fromEnv = configFileWith({ name: 'from-env' });

  it('configFile names one, relative to the working directory; it must exist', () => {
    expect(layered({ configFile: named.slice(dir.length + 1) }).config.name).toBe('named');
    expect(layered({ configFile: named }).origin).toEqual({ file: named, sources: { configFile: 'options', name: 'file' } });
    expect(() => layered({ configFile: 'missing.json' })).toThrow(/missing\.json\):\n {2}cannot be read: ENOENT/);
  });

  it('$PRODLOG_CONFIG, the operator\'s, wins over configFile, and says so', () => {
    const { config, origin } = layered({ configFile: named, env: { PRODLOG_CONFIG: fromEnv } });
    expect(config.name).toBe('from-env');
    expect(origin.sources['configFile']).toBe('env PRODLOG_CONFIG (over options)');
  });

  it('configFile: false reads no file, whatever $PRODLOG_CONFIG says', () => {
    const { config, origin } = layered({ configFile: false, env: { PRODLOG_CONFIG: fromEnv }, options: { level: 'warn' } });
    expect(config.name).toBeUndefined();
    expect(origin).toEqual({ file: false, sources: { configFile: 'options', level: 'options' } });
  });

  it('no file found: file null, and only the options and the environment as sources', () => {
    expect(layered({ cwd: tempDir('layers-empty'), options: { name: 'x' }, env: { LOG_LEVEL: 'debug' } }).origin).toEqual({
      file: null,
      sources: { level: 'env LOG_LEVEL', name: 'options' },
    });
  });

  it('createLogger refuses a configFile that is not a path or false, and a root that is not a boolean', () => {
    expect(() => createLogger({ configFile: 3 as unknown as string })).toThrow('configFile: 3 is not a path or false');
    expect(() => createLogger({ configFile: false, root: 'yes' as unknown as boolean })).toThrow('root: "yes" is not true or false');
  });

  it('createLogger with configFile reads it and applies the options over it', async () => {
    const memory = new MemoryTransport();
    const path = configFileWith({ name: 'svc', level: 'warn', capture: false });
    const log = createLogger({ configFile: path, level: 'info', root: false, transports: [{ type: 'custom', transport: memory }] });
    log.info('kept');
    await log.close();
    expect(memory.records).toEqual([expect.objectContaining({ name: 'svc', msg: 'kept' })]);
  });
});

describe('a service that passes options still gets the transports of ./prodlog.config.json', () => {
  /** Runs `code` in a fresh node process in `cwd`, with prodlog required as `prodlog`. */
  function runIn(cwd: string, code: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, ['-e', `const prodlog = require(${JSON.stringify(REPO)});\n${code}`], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: '', PRODLOG_CONFIG: '', ...env },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('createLogger({ name, startup: true }) writes to the file transport of the config file, and its startup record says where each key came from', () => {
    const cwd = tempDir('layers-service');
    writeFileSync(join(cwd, 'prodlog.config.json'), JSON.stringify({ level: 'debug', transports: [{ type: 'file', path: 'logs/app.log', rotate: { size: '1M' } }] }));
    const r = runIn(cwd, `const log = prodlog.createLogger({ name: 'checkout', startup: true }); log.debug('hello'); log.close();`, { LOG_LEVEL: 'info' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(''); // nothing went to the default console transport
    const records = readRecords(join(cwd, 'logs', 'app.log'));
    expect(records).toEqual([
      expect.objectContaining({
        name: 'checkout',
        msg: 'startup',
        effectiveLevel: 'info',
        config: {
          file: join(cwd, 'prodlog.config.json'),
          sources: { level: 'env LOG_LEVEL (over file)', name: 'options', startup: 'options', transports: 'file' },
        },
      }),
    ]);
  });

  it('configFile: false leaves the file aside: the default console transport', () => {
    const cwd = tempDir('layers-nofile');
    writeFileSync(join(cwd, 'prodlog.config.json'), JSON.stringify({ transports: [{ type: 'file', path: 'logs/app.log' }] }));
    const r = runIn(cwd, `const log = prodlog.createLogger({ name: 'tool', configFile: false, startup: true }); log.info('hello'); log.close();`);
    expect(parseLines(r.stdout)).toEqual([
      expect.objectContaining({ msg: 'startup', config: { file: false, sources: { configFile: 'options', name: 'options', startup: 'options' } } }),
      expect.objectContaining({ msg: 'hello' }),
    ]);
  });
});
