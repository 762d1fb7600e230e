import { metricsText, withContext } from '../../src';
import { createTestLogger } from '../../src/testing';

afterEach(() => jest.useRealTimers());

const summary = (records: ReadonlyArray<Record<string, unknown>>): unknown[] => records.map((r) => [r.level, r['msg'], r['replayed']]);

describe('replayOnError', () => {
  it('holds the records below the level in a context and writes them before its error, in order, with their own time', () => {
    jest.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00.000Z') });
    const { log, memory } = createTestLogger({ level: 'warn', replayOnError: true });
    withContext({ requestId: 'r1' }, () => {
      log.debug('cache miss', { key: 'k' });
      jest.advanceTimersByTime(5);
      log.module('db').info('query', { ms: 3 });
      log.warn('slow');
      expect(memory.records).toHaveLength(1); // only the warn, so far
      jest.advanceTimersByTime(5);
      log.error('request failed');
      log.error('second error'); // the held records were written once
    });
    expect(summary(memory.records)).toEqual([
      ['warn', 'slow', undefined],
      ['debug', 'cache miss', true],
      ['info', 'query', true],
      ['error', 'request failed', undefined],
      ['error', 'second error', undefined],
    ]);
    expect(memory.records[1]).toMatchObject({ time: '2026-01-01T00:00:00.000Z', requestId: 'r1', key: 'k' });
    expect(memory.records[2]).toMatchObject({ time: '2026-01-01T00:00:00.005Z', module: 'db', requestId: 'r1', ms: 3 });
    expect(memory.records[3]).toMatchObject({ time: '2026-01-01T00:00:00.010Z' });
  });

  it('writes nothing for a context that ends without an error, and nothing held in another context', async () => {
    const { log, memory } = createTestLogger({ level: 'info', replayOnError: { level: 'debug', maxRecords: 10 } });
    await Promise.all([
      withContext({ requestId: 'ok' }, async () => {
        log.debug('healthy detail');
        await new Promise((resolve) => setImmediate(resolve));
      }),
      withContext({ requestId: 'bad' }, async () => {
        await new Promise((resolve) => setImmediate(resolve));
        log.debug('failing detail');
        log.error('failed');
      }),
    ]);
    log.debug('outside any context');
    log.error('error outside');
    expect(memory.records.map((r) => [r['msg'], r['requestId']])).toEqual([
      ['failing detail', 'bad'],
      ['failed', 'bad'],
      ['error outside', undefined],
    ]);
  });

  it('keeps at most maxRecords per context, dropping the oldest and counting them', () => {
    const { log, memory } = createTestLogger({ level: 'info', replayOnError: { maxRecords: 3 } });
    withContext({}, () => {
      for (let i = 1; i <= 5; i++) log.debug(`d${i}`);
      log.error('e');
    });
    expect(memory.records.map((r) => r['msg'])).toEqual(['d3', 'd4', 'd5', 'e']);
    expect(log.health().replayDropped).toBe(2);
    expect(metricsText({ log })).toContain(`prodlog_replay_dropped_total{logger="${log.health().name}"} 2`);
  });

  it('holds only from its level up, and nested contexts share the outer one\'s held records', () => {
    const { log, memory } = createTestLogger({ level: 'error', replayOnError: { level: 'info' } });
    withContext({ requestId: 'r' }, () => {
      log.debug('not held');
      log.info('outer info');
      withContext({ step: 'charge' }, () => {
        log.warn('inner warn');
        log.error('inner error');
      });
    });
    expect(summary(memory.records)).toEqual([
      ['info', 'outer info', true],
      ['warn', 'inner warn', true],
      ['error', 'inner error', undefined],
    ]);
  });

  it('fatal() and error events trigger it too', () => {
    const { log, memory, runUntilExit } = createTestLogger<{ 'payment.failed': { id: string } }>({ level: 'warn', replayOnError: true });
    withContext({}, () => {
      log.info('before the event');
      log.event('payment.failed', { id: 'p' }, 'error');
      log.info('before fatal');
      const exit = (): void => log.fatal('gone');
      expect(runUntilExit(exit).exitCode).toBe(1);
    });
    expect(summary(memory.records)).toEqual([
      ['info', 'before the event', true],
      ['error', 'payment.failed', undefined],
      ['info', 'before fatal', true],
      ['fatal', 'gone', undefined],
    ]);
  });

  it('is off by default, and its level must be below error', () => {
    const { log, memory } = createTestLogger();
    withContext({}, () => {
      log.debug('d');
      log.error('e');
    });
    expect(memory.records.map((r) => r['msg'])).toEqual(['e']);
    expect(() => createTestLogger({ replayOnError: { level: 'error' } })).toThrow('replayOnError.level: "error" is not debug, info or warn');
    expect(() => createTestLogger({ replayOnError: { maxRecords: 0 } })).toThrow('replayOnError.maxRecords');
  });
});
