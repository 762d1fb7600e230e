import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asPino, createLogger, getLogger, levelHandler, type Logger } from '../../src';
import { MemoryTransport } from '../../src/testing';
import { readRecords, tempDir } from '../support/run-fixture';

// getLogger()'s root is per process (per copy of prodlog): jest gives each test file a module registry of its own, so
// the tests of this file share one, and run in order: each leaves the root it made open, or closes it on purpose.

const dir = tempDir('get-logger');
const opened: Logger[] = [];

/** A logger whose transports come from the config file (none in its options): the kind that becomes the root. */
function fromFile(options: Parameters<typeof createLogger>[0] = {}): Logger {
  const log = createLogger({ configFile: join(dir, 'prodlog.config.json'), capture: false, shutdown: false, ...options });
  opened.push(log);
  return log;
}

afterAll(async () => {
  for (const log of opened) await log.close();
});

describe('getLogger', () => {
  const logFile = join(dir, 'logs', 'app.log');
  writeFileSync(join(dir, 'prodlog.config.json'), JSON.stringify({ name: 'checkout', transports: [{ type: 'file', path: logFile }] }));

  it('returns the same logger for the same name, found at its first use: one called at import time writes to the logger created later', async () => {
    const db = getLogger('db');
    expect(getLogger('db')).toBe(db);
    expect(getLogger()).toBe(getLogger());
    expect(getLogger('cache')).not.toBe(db);
    // The service's main code creates its logger after the modules were imported: it is the root.
    const log = fromFile({ name: 'main-service' });
    db.info('query', { ms: 3 });
    getLogger().info('from the root');
    log.info('from main');
    await log.flush();
    expect(readRecords(logFile)).toEqual([
      expect.objectContaining({ name: 'main-service', module: 'db', msg: 'query' }),
      expect.objectContaining({ name: 'main-service', msg: 'from the root' }),
      expect.objectContaining({ name: 'main-service', msg: 'from main' }),
    ]);
    expect(getLogger().health()).toEqual(log.health());
    expect(getLogger('db').level).toBe('info');
  });

  it('a second createLogger() from the config file shares the file and is not the root', async () => {
    const second = fromFile({ name: 'second' });
    getLogger('db').info('still the first');
    second.info('from the second');
    await second.flush();
    const records = readRecords(logFile).slice(-2);
    expect(records).toEqual([
      expect.objectContaining({ name: 'main-service', module: 'db', msg: 'still the first' }),
      expect.objectContaining({ name: 'second', msg: 'from the second' }),
    ]);
    expect(second.health().transports[0]).toMatchObject({ name: `file:${logFile}`, sharedBy: 2 });
  });

  it('a logger with transports of its own (a test logger, an audit log) does not become the root', async () => {
    const memory = new MemoryTransport();
    const audit = createLogger({ capture: false, shutdown: false, transports: [{ type: 'custom', transport: memory }] });
    getLogger('db').info('not in the audit log');
    await audit.close();
    expect(memory.records).toEqual([]);
  });

  it('root: true makes a logger the root in place of the other; loggers from getLogger() follow it', async () => {
    const memory = new MemoryTransport();
    const db = getLogger('db');
    const log = createLogger({ root: true, capture: false, shutdown: false, transports: [{ type: 'custom', transport: memory }] });
    opened.push(log);
    db.warn('to the new root');
    getLogger().error('also');
    await log.flush();
    expect(memory.records).toEqual([
      expect.objectContaining({ level: 'warn', module: 'db', msg: 'to the new root' }),
      expect.objectContaining({ level: 'error', msg: 'also' }),
    ]);
  });

  it('a closed root is replaced by the next logger created from the config file; until then getLogger() drops and counts', async () => {
    const root = opened.at(-1)!;
    await root.close();
    getLogger().info('dropped');
    expect(getLogger().health().droppedAfterClose).toBe(1);
    const next = fromFile({ name: 'next' });
    getLogger('db').info('to the next');
    await next.flush();
    expect(readRecords(logFile).at(-1)).toMatchObject({ name: 'next', module: 'db', msg: 'to the next' });
  });

  it('methods are bound, as a logger\'s are', async () => {
    const { info } = getLogger('bound');
    info('through a bare function');
    await getLogger().flush();
    expect(readRecords(logFile).at(-1)).toMatchObject({ module: 'bound', msg: 'through a bare function' });
  });

  it('is the root\'s module(): nested with a dot, with the level the levels table gives the module', async () => {
    const root = fromFile({ name: 'levels', root: true, levels: { db: 'warn' } });
    const pool = getLogger('db').module('pool');
    expect(pool).toBe(getLogger('db.pool'));
    expect(pool.level).toBe('warn');
    pool.info('filtered: db is at warn');
    pool.warn('kept');
    getLogger('db').setLevel('debug', { module: 'db' });
    pool.debug('kept after setLevel');
    await root.flush();
    expect(readRecords(logFile).filter((r) => r['name'] === 'levels' && r['module'] === 'db.pool')).toEqual([
      expect.objectContaining({ name: 'levels', module: 'db.pool', msg: 'kept' }),
      expect.objectContaining({ name: 'levels', module: 'db.pool', msg: 'kept after setLevel' }),
    ]);
  });

  it('the integrations that need a prodlog logger take getLogger()\'s: levelHandler, asPino\'s level setter', () => {
    expect(() => levelHandler(getLogger())).not.toThrow();
    const pino = asPino(getLogger('cache'));
    pino.level = 'debug';
    expect(getLogger().health().levels.levels).toMatchObject({ cache: 'debug' });
    expect(getLogger('cache').level).toBe('debug');
  });

  it('a name that is not a module name throws a RangeError at the call, as module() does', () => {
    expect(() => getLogger('db pool')).toThrow(new RangeError('getLogger: "db pool" is not a module name: dot-separated names of letters, digits, "_" and "-" (not "__proto__"), like "db" or "http.client"'));
    expect(() => getLogger('db').module('')).toThrow(RangeError);
  });

  it('child() of a module logger carries both', async () => {
    getLogger('db').child({ requestId: 'r-1' }).info('child');
    await getLogger().flush();
    expect(readRecords(logFile).at(-1)).toMatchObject({ module: 'db', requestId: 'r-1', msg: 'child' });
  });
});

describe('getLogger with no logger created', () => {
  it('creates the root from the config file (as createLogger() would), and a createLogger() after that says it is not the root', async () => {
    // A module registry of its own: a copy of prodlog with no root yet.
    let isolated!: typeof import('../../src');
    jest.isolateModules(() => {
      isolated = require('../../src') as typeof import('../../src');
    });
    const own = tempDir('get-logger-file');
    const logFile = join(own, 'app.log');
    const config = join(own, 'prodlog.config.json');
    writeFileSync(config, JSON.stringify({ name: 'from-file', capture: false, shutdown: false, transports: [{ type: 'file', path: logFile }] }));
    const saved = process.env['PRODLOG_CONFIG'];
    process.env['PRODLOG_CONFIG'] = config;
    try {
      isolated.getLogger('jobs').info('first record');
      const late = isolated.createLogger({ name: 'late' });
      await late.close();
      await isolated.getLogger().close();
    } finally {
      if (saved === undefined) delete process.env['PRODLOG_CONFIG'];
      else process.env['PRODLOG_CONFIG'] = saved;
    }
    expect(readRecords(logFile)).toEqual([
      expect.objectContaining({ name: 'from-file', module: 'jobs', msg: 'first record' }),
      expect.objectContaining({ name: 'late', level: 'warn', msg: expect.stringContaining('this logger is not the root logger: getLogger() created the root') }),
    ]);
  });
});
