import { createLogger, LEVELS } from '../../src';
import { createTestLogger, MemoryTransport } from '../../src/testing';
import { memoryLogger } from '../support/memory-logger';

/** Fields whose every read is counted: a disabled call must not read them. */
function countingFields(): { fields: object; reads: () => number } {
  let reads = 0;
  const fields = {
    get key(): string {
      reads++;
      return 'k';
    },
  };
  return { fields, reads: () => reads };
}

describe('levels', () => {
  it('are the five, with pino values', () => {
    expect(LEVELS).toEqual({ debug: 20, info: 30, warn: 40, error: 50, fatal: 60 });
  });

  it('write a record only at or above the configured level', () => {
    const { log, memory } = memoryLogger({ level: 'warn' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(memory.records.map((r) => r.level)).toEqual(['warn', 'error']);
  });

  it('a disabled level does no work: its fields are never read', () => {
    const { log, memory } = memoryLogger({ level: 'info' });
    const { fields, reads } = countingFields();
    log.debug('cache miss', fields);
    expect(reads()).toBe(0);
    expect(memory.lines).toHaveLength(0);
  });

  it('isLevelEnabled follows the configured level', () => {
    const { log } = memoryLogger({ level: 'warn' });
    expect(['debug', 'info', 'warn', 'error', 'fatal'].map((l) => log.isLevelEnabled(l as 'info'))).toEqual([false, false, true, true, true]);
  });

  it('silent writes nothing', () => {
    const { log, memory } = memoryLogger({ level: 'silent' });
    log.error('e');
    expect(memory.lines).toHaveLength(0);
    expect(log.isLevelEnabled('fatal')).toBe(false);
  });

  it('each transport applies its own minimum level', () => {
    const all = new MemoryTransport('all');
    const errorsOnly = new MemoryTransport('errors');
    const log = createLogger({
      level: 'debug',
      capture: false,
      transports: [
        { type: 'custom', transport: all },
        { type: 'custom', transport: errorsOnly, level: 'error' },
      ],
    });
    log.debug('d');
    log.warn('w');
    log.error('e');
    expect(all.records.map((r) => r.msg)).toEqual(['d', 'w', 'e']);
    expect(errorsOnly.records.map((r) => r.msg)).toEqual(['e']);
  });

  it('does no work below the lowest transport level, whatever the logger level', () => {
    const errorsOnly = new MemoryTransport();
    const log = createLogger({ level: 'debug', capture: false, transports: [{ type: 'custom', transport: errorsOnly, level: 'error' }] });
    const { fields, reads } = countingFields();
    log.info('i', fields);
    expect(reads()).toBe(0);
    expect(log.isLevelEnabled('info')).toBe(false);
  });

  it('counts records per level in health()', () => {
    const { log } = memoryLogger({ level: 'debug' });
    log.debug('d');
    log.info('i');
    log.info('i');
    log.error(new Error('e'));
    expect(log.health().records).toEqual({ debug: 1, info: 2, warn: 0, error: 1, fatal: 0 });
  });
});

describe('methods are bound to their logger', () => {
  it('destructured level methods write with the logger\'s bindings, on a child logger too', () => {
    const { log, memory } = memoryLogger({ level: 'debug' });
    const { debug, info, warn, error } = log.child({ requestId: 'r-1' });
    debug('d');
    info('i', { orderId: 1 });
    warn('w');
    error('e');
    expect(memory.records.map((r) => [r.level, r.msg, r['requestId']])).toEqual([
      ['debug', 'd', 'r-1'],
      ['info', 'i', 'r-1'],
      ['warn', 'w', 'r-1'],
      ['error', 'e', 'r-1'],
    ]);
    expect(memory.records[1]).toMatchObject({ orderId: 1 });
  });

  it('.catch(log.error) logs the rejection at error: msg from the error, the error serialised under err', async () => {
    const { log, memory } = memoryLogger();
    const reqLog = log.child({ requestId: 'r-2' });
    await Promise.reject(new TypeError('payments answered 500')).catch(reqLog.error);
    expect(memory.records).toHaveLength(1);
    expect(memory.records[0]).toMatchObject({
      level: 'error',
      msg: 'payments answered 500',
      requestId: 'r-2',
      err: { type: 'TypeError', message: 'payments answered 500', stack: expect.stringContaining('TypeError: payments answered 500') },
    });
    expect(typeof (memory.records[0]?.['err'] as { fingerprint?: unknown }).fingerprint).toBe('string');
  });

  it('.catch(log.error) with a rejection that is not an Error logs it as the message', async () => {
    const { log, memory } = memoryLogger();
    await Promise.reject('timeout').catch(log.error);
    expect(memory.records[0]).toMatchObject({ level: 'error', msg: 'timeout' });
  });

  it('the other methods work detached too: event, child, isLevelEnabled, task, flush, health, fatal', async () => {
    const { log, memory, runUntilExit } = createTestLogger();
    const { child, isLevelEnabled, task, flush, health, fatal } = log;
    const { event } = log as unknown as { event: (name: string, fields?: object) => void };
    event('order.placed', { orderId: 'o-1' });
    child({ job: 'j' }).info('from a child');
    expect(isLevelEnabled('info')).toBe(true);
    await expect(task('t', () => 7)).resolves.toBe(7);
    await flush();
    expect(health().records.info).toBeGreaterThan(0);
    expect(runUntilExit((): void => {
      fatal('bye');
    }).exitCode).toBe(1);
    expect(memory.records.map((r) => r.msg)).toEqual(['order.placed', 'from a child', 'task started', 'task finished', 'bye']);
    await log.close();
  });
});
