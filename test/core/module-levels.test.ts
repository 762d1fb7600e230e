import { createLogger, loadConfig, metricsText } from '../../src';
import { createTestLogger, MemoryTransport } from '../../src/testing';
import { tempDir } from '../support/run-fixture';

function setup(options: Parameters<typeof createTestLogger>[0] = {}) {
  const { log, memory } = createTestLogger(options);
  const written = () => memory.records.filter((r) => r['msg'] !== 'level changed' && r['msg'] !== 'level restored').map((r) => `${String(r['module'] ?? '-')}:${r.level}:${r['msg']}`);
  const changes = () => memory.records.filter((r) => r['msg'] === 'level changed' || r['msg'] === 'level restored');
  return { log, memory, written, changes };
}

describe('module loggers', () => {
  it('carry module, nest with a dot in one key, and children keep it', () => {
    const { log, memory } = setup({ level: 'debug' });
    const db = log.module('db');
    const pool = db.child({ requestId: 'r1' }).module('pool');
    db.info('a');
    pool.info('b');
    pool.child({ conn: 3 }).info('c');
    expect(memory.records.map((r) => [r['module'], r['requestId'], r['msg']])).toEqual([
      ['db', undefined, 'a'],
      ['db.pool', 'r1', 'b'],
      ['db.pool', 'r1', 'c'],
    ]);
    // One `module` key in the line, not the parent's and the child's.
    expect(memory.lines[1]!.match(/"module"/g)).toHaveLength(1);
  });

  it('a field named module cannot forge it', () => {
    const { log, memory } = setup();
    log.module('db').info('x', { module: 'other' });
    expect(memory.records[0]).toMatchObject({ module: 'db', module_: 'other' });
  });

  it('take the longest matching entry of levels, else the root level', () => {
    const { log, written } = setup({ level: 'warn', levels: { db: 'debug', 'db.pool': 'error', http: 'silent' } });
    for (const m of [log, log.module('db'), log.module('db').module('pool'), log.module('db').module('pool').module('conn'), log.module('dbx'), log.module('http')]) {
      m.debug('d');
      m.warn('w');
    }
    expect(written()).toEqual(['-:warn:w', 'db:debug:d', 'db:warn:w', 'dbx:warn:w']);
    expect(log.module('db').level).toBe('debug');
    expect(log.module('db').module('pool').level).toBe('error');
    expect(log.level).toBe('warn');
  });

  it('refuse a name that is not one', () => {
    const { log } = setup();
    for (const bad of ['', 'a..b', 'a b', 'a=b', 'a,b', '.a']) expect(() => log.module(bad)).toThrow(RangeError);
  });
});

describe('setLevel', () => {
  afterEach(() => jest.useRealTimers());

  it('changes the whole tree at once, destructured methods and module loggers included, and logs the change', () => {
    const { log, written, changes } = setup({ level: 'info' });
    const db = log.module('db');
    const { debug } = db;
    debug('before');
    db.child({ a: 1 }).setLevel('debug'); // from any logger of the tree: the root level
    debug('after');
    log.debug('root after');
    expect(written()).toEqual(['db:debug:after', '-:debug:root after']);
    expect(changes()).toEqual([expect.objectContaining({ level: 'info', msg: 'level changed', from: 'info', to: 'debug', source: 'api' })]);
    expect(log.isLevelEnabled('debug')).toBe(true);
  });

  it('with a module changes that entry, its submodules too, and not the others', () => {
    const { log, written, changes } = setup({ level: 'info' });
    log.setLevel('debug', { module: 'db' });
    log.module('db').module('pool').debug('p');
    log.module('http').debug('h');
    expect(written()).toEqual(['db.pool:debug:p']);
    expect(changes()[0]).toMatchObject({ module: 'db', from: 'info', to: 'debug' });
    expect(log.health().levels).toEqual({ level: 'info', levels: { db: 'debug' }, expires: { levels: {} } });
  });

  it('with a ttl restores the value before the change when it expires, and logs that', () => {
    jest.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    const { log, written, changes } = setup({ level: 'info', levels: { db: 'warn' } });
    log.setLevel('debug', { module: 'db', ttl: '10m' });
    log.setLevel('error', { ttl: 5_000 });
    expect(log.health().levels).toEqual({
      level: 'error',
      levels: { db: 'debug' },
      expires: { level: '2026-01-01T00:00:05.000Z', levels: { db: '2026-01-01T00:10:00.000Z' } },
    });
    jest.advanceTimersByTime(5_000);
    expect(log.level).toBe('info');
    log.module('db').debug('still debug');
    jest.advanceTimersByTime(10 * 60_000 - 5_000 - 1);
    log.module('db').debug('last debug');
    jest.advanceTimersByTime(1);
    log.module('db').debug('gone');
    log.module('db').warn('back to warn');
    expect(written()).toEqual(['db:debug:still debug', 'db:debug:last debug', 'db:warn:back to warn']);
    expect(changes().map((r) => [r['msg'], r['module'], r['from'], r['to'], r['ttl']])).toEqual([
      ['level changed', 'db', 'warn', 'debug', '10m'],
      ['level changed', undefined, 'info', 'error', '5s'],
      ['level restored', undefined, 'error', 'info', undefined],
      ['level restored', 'db', 'debug', 'warn', undefined],
    ]);
    expect(log.health().levels).toEqual({ level: 'info', levels: { db: 'warn' }, expires: { levels: {} } });
  });

  it('a module that had no entry loses it at expiry; a change over a temporary one restores the permanent value', () => {
    jest.useFakeTimers();
    const { log } = setup({ level: 'info' });
    log.setLevel('debug', { module: 'db', ttl: '1m' });
    log.setLevel('warn', { module: 'db', ttl: '2m' });
    jest.advanceTimersByTime(60_000);
    expect(log.module('db').level).toBe('warn'); // the first timer was replaced
    jest.advanceTimersByTime(60_000);
    expect(log.health().levels.levels).toEqual({});
    expect(log.module('db').level).toBe('info');
    log.setLevel('debug', { ttl: '1m' });
    log.setLevel('warn'); // permanent: cancels the pending restore
    jest.advanceTimersByTime(120_000);
    expect(log.level).toBe('warn');
  });

  it('refuses a level, module or ttl that is not one, and changes nothing', () => {
    const { log, changes } = setup();
    expect(() => log.setLevel('loud' as 'info')).toThrow('setLevel: level "loud" is not one of debug, info, warn, error, fatal, silent');
    expect(() => log.setLevel('debug', { module: 'a b' })).toThrow('setLevel: module "a b" is not a module name');
    expect(() => log.setLevel('debug', { ttl: '10' })).toThrow('setLevel: ttl "10" is not a duration like "10m"');
    expect(() => log.setLevel('debug', { ttl: -1 })).toThrow(RangeError);
    expect(log.level).toBe('info');
    expect(changes()).toEqual([]);
  });

  it('per-transport levels still apply on top', () => {
    const all = new MemoryTransport();
    const warnOnly = new MemoryTransport();
    const log = createLogger({ capture: false, shutdown: false, transports: [{ type: 'custom', transport: all }, { type: 'custom', transport: warnOnly, level: 'warn' }] });
    log.setLevel('debug');
    log.debug('d');
    log.warn('w');
    expect(all.records.map((r) => r['msg'])).toEqual(['level changed', 'd', 'w']);
    expect(warnOnly.records.map((r) => r['msg'])).toEqual(['w']);
    void log.close();
  });

  it('a logger never reads below the lowest transport level', () => {
    const memory = new MemoryTransport();
    const log = createLogger({ capture: false, shutdown: false, transports: [{ type: 'custom', transport: memory, level: 'warn' }] });
    log.setLevel('debug');
    expect(log.level).toBe('warn');
    expect(log.isLevelEnabled('info')).toBe(false);
    void log.close();
  });

  it('shows in /metrics', () => {
    const { log } = setup({ name: 'lv', levels: { db: 'debug' } });
    log.setLevel('warn');
    const text = metricsText({ log });
    expect(text).toContain('prodlog_level{logger="lv",module="",level="warn"} 1');
    expect(text).toContain('prodlog_level{logger="lv",module="db",level="debug"} 1');
  });
});

describe('levels configuration', () => {
  it('LOG_LEVEL takes a level and module entries, in any case, over the file', () => {
    const config = loadConfig({ cwd: tempDir('lv'), env: { LOG_LEVEL: ' WARN , db=Debug,http.client=warn ' } });
    expect(config.level).toBe('warn');
    expect(config.levels).toEqual({ db: 'debug', 'http.client': 'warn' });
    expect(loadConfig({ cwd: tempDir('lv'), env: { LOG_LEVEL: 'db=debug' } })).toMatchObject({ level: 'info', levels: { db: 'debug' } });
  });

  it.each([
    ['info,debug', 'LOG_LEVEL: the root level is given twice ("info" and "debug")'],
    ['db=loud', 'LOG_LEVEL: "loud" is not a level; expected a level (debug, info, warn, error, fatal, silent)'],
    ['d b=debug', 'LOG_LEVEL: "d b" is not a module name: dot-separated names of letters, digits, "_" and "-"'],
  ])('a bad LOG_LEVEL %j fails at startup naming the variable', (value, message) => {
    expect(() => loadConfig({ cwd: tempDir('lv'), env: { LOG_LEVEL: value } })).toThrow(message);
  });

  it('levels in the file: case-insensitive values, checked module names', () => {
    const { log } = createTestLogger({ level: 'INFO' as 'info', levels: { db: 'Debug' as 'debug' } });
    expect(log.module('db').level).toBe('debug');
    expect(() => createTestLogger({ levels: { 'a b': 'debug' } })).toThrow('levels.a b: "debug" is not a module name');
    expect(() => createTestLogger({ levels: { db: 'loud' as 'debug' } })).toThrow('levels.db: "loud" is not one of debug, info, warn, error, fatal, silent');
  });

  it('createTestLogger ignores LOG_LEVEL unless asked', () => {
    const saved = process.env['LOG_LEVEL'];
    process.env['LOG_LEVEL'] = 'error';
    try {
      expect(createTestLogger().log.level).toBe('info');
      expect(createTestLogger({ readLogLevel: true }).log.level).toBe('error');
    } finally {
      if (saved === undefined) delete process.env['LOG_LEVEL'];
      else process.env['LOG_LEVEL'] = saved;
    }
  });
});
