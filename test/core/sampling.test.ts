import { join } from 'node:path';
import { metricsText } from '../../src';
import { MAX_SAMPLED_KEY_CHARS, MAX_SAMPLED_KEYS } from '../../src/core/Sampler';
import type { LoggedRecord } from '../../src/testing';
import { readRecords, runFixture, tempDir } from '../support/run-fixture';
import { memoryLogger } from '../support/memory-logger';
import { createTestLogger } from '../../src/testing';
import { problems } from '../support/config-schema';

const SUMMARY = 'suppressed repeated records';

/** Per key "level msg": records written plus the counts of the summaries about it. */
function tally(records: readonly LoggedRecord[]): Map<string, { written: number; suppressed: number; summaries: number }> {
  const keys = new Map<string, { written: number; suppressed: number; summaries: number }>();
  const entry = (key: string) => keys.get(key) ?? keys.set(key, { written: 0, suppressed: 0, summaries: 0 }).get(key)!;
  for (const r of records) {
    if (r.msg === SUMMARY) {
      const sample = r['sample'] as { level: string; msg: string };
      expect(r.level).toBe(sample.level); // the summary is written at the key's level
      const e = entry(`${sample.level} ${sample.msg}`);
      e.suppressed += r['suppressed'] as number;
      e.summaries++;
    } else {
      entry(`${r.level} ${r.msg}`).written++;
    }
  }
  return keys;
}

afterEach(() => {
  jest.useRealTimers();
});

describe('sampling', () => {
  it('is off by default: every record is written and nothing is counted', () => {
    const { log, memory } = memoryLogger();
    for (let i = 0; i < 1000; i++) log.info('db down');
    expect(memory.lines).toHaveLength(1000);
    expect(log.health()).toMatchObject({ suppressed: { debug: 0, info: 0, warn: 0, error: 0 }, unsampled: 0 });
  });

  it('writes the first `first` records of a key, then every `thereafter`-th, and at the interval\'s end one summary with the rest', () => {
    jest.useFakeTimers();
    const { log, memory } = memoryLogger({ sampling: { first: 100, thereafter: 100, interval: '1s' } });
    for (let i = 1; i <= 350; i++) log.info('db down', { i });
    // 1..100, then 200 and 300 (the 100th and 200th after the first 100)
    const written = memory.records.map((r) => r['i']);
    expect(written).toEqual([...Array.from({ length: 100 }, (_, k) => k + 1), 200, 300]);
    expect(log.health().suppressed).toEqual({ debug: 0, info: 248, warn: 0, error: 0 });

    jest.advanceTimersByTime(1000);
    expect(memory.records.at(-1)).toMatchObject({ level: 'info', suppressed: 248, sample: { level: 'info', msg: 'db down' }, msg: SUMMARY });

    // A new interval starts over with `first`.
    memory.clear();
    for (let i = 0; i < 5; i++) log.info('db down');
    jest.advanceTimersByTime(1000);
    expect(memory.records.map((r) => r.msg)).toEqual(['db down', 'db down', 'db down', 'db down', 'db down']);
  });

  it('thereafter 0 writes only the first records of each interval', () => {
    const { log, memory } = memoryLogger({ sampling: { first: 3, thereafter: 0 } });
    for (let i = 0; i < 10_000; i++) log.warn('slow query');
    expect(memory.lines).toHaveLength(3);
    expect(log.health().suppressed.warn).toBe(9_997);
  });

  it('keys on level and message: the same message at two levels, error(err) by its message and events by their name are keys of their own', async () => {
    const { log, memory } = memoryLogger({ sampling: { first: 1, thereafter: 0 } });
    for (let i = 0; i < 5; i++) {
      log.info('db down', { i });
      log.warn('db down', { i });
      log.error(new Error('connection refused'));
      log.error('connection refused');
      (log.event as (name: string, fields: object) => void)('cache.miss', { key: i });
    }
    await log.close();
    expect(Object.fromEntries(tally(memory.records))).toEqual({
      'info db down': { written: 1, suppressed: 4, summaries: 1 },
      'warn db down': { written: 1, suppressed: 4, summaries: 1 },
      // error(err) and error(msg) write the same msg, so they are one key
      'error connection refused': { written: 1, suppressed: 9, summaries: 1 },
      'info cache.miss': { written: 1, suppressed: 4, summaries: 1 },
    });
  });

  it('shares a key across child and module loggers: bindings and the module are not part of it', () => {
    const { log, memory } = memoryLogger({ sampling: { first: 1, thereafter: 0 } });
    log.info('db down');
    log.child({ requestId: 'r-1' }).info('db down');
    log.module('db').info('db down');
    expect(memory.lines).toHaveLength(1);
    expect(log.health().suppressed.info).toBe(2);
  });

  it('writes an error whose message is a getter unsampled, and reads it no more often than without sampling', () => {
    const readsPerCall = (sampling: boolean | object) => {
      const { log, memory } = memoryLogger({ sampling });
      let reads = 0;
      class LazyError extends Error {
        override get message(): string {
          reads++;
          return 'lazy';
        }
      }
      for (let i = 0; i < 3; i++) log.error(new LazyError());
      expect(memory.records.map((r) => r.msg)).toEqual(['lazy', 'lazy', 'lazy']);
      expect(log.health().suppressed.error).toBe(0);
      return reads / 3;
    };
    // (V8 reads the message once more itself, formatting the stack the sanitiser reads.)
    expect(readsPerCall({ first: 1, thereafter: 0 })).toBe(readsPerCall(false));
  });

  it('never samples fatal(), and writes the counts of the interval under way before its record', () => {
    const { log, records, runUntilExit } = createTestLogger({ sampling: { first: 1, thereafter: 0, interval: '1h' } });
    for (let i = 0; i < 50; i++) log.error('retrying');
    expect(runUntilExit((): void => log.fatal('retrying')).exitCode).toBe(1);
    expect(runUntilExit((): void => log.fatal('retrying')).exitCode).toBe(1);
    expect(records().map((r) => [r.level, r.msg, r['suppressed']])).toEqual([
      ['error', 'retrying', undefined],
      ['error', SUMMARY, 49],
      ['fatal', 'retrying', undefined],
      ['fatal', 'retrying', undefined],
    ]);
  });

  it('leaves a disabled call alone: nothing is counted for a level the logger does not write', () => {
    const { log, memory } = memoryLogger({ level: 'info', sampling: { first: 1, thereafter: 0 } });
    for (let i = 0; i < 100; i++) log.debug('noise');
    expect(memory.lines).toHaveLength(0);
    expect(log.health().suppressed.debug).toBe(0);
  });

  it(`tracks at most ${MAX_SAMPLED_KEYS} keys an interval: records of further keys are written unsampled, and counted`, async () => {
    const { log, memory } = memoryLogger({ sampling: { first: 1, thereafter: 0 } });
    for (let i = 0; i < MAX_SAMPLED_KEYS + 5; i++) log.info(`user ${i} logged in`);
    for (let i = 0; i < 3; i++) log.info('user 0 logged in'); // tracked: sampled
    for (let i = 0; i < 3; i++) log.info(`user ${MAX_SAMPLED_KEYS} logged in`); // not tracked: written each time
    expect(log.health()).toMatchObject({ suppressed: { info: 3 }, unsampled: 5 + 3 });
    await log.close();
    expect(memory.lines).toHaveLength(MAX_SAMPLED_KEYS + 5 + 3 + 1);
  });

  it(`keeps at most ${MAX_SAMPLED_KEY_CHARS.toLocaleString('en')} characters of messages as keys an interval`, () => {
    const { log } = memoryLogger({ sampling: { first: 1, thereafter: 0 }, limits: { maxStringLength: MAX_SAMPLED_KEY_CHARS } });
    const long = (c: string) => c.repeat(MAX_SAMPLED_KEY_CHARS / 2);
    for (const c of ['a', 'b', 'c']) for (let i = 0; i < 2; i++) log.info(long(c));
    // "a" and "b" fill the budget; "c" passes unsampled
    expect(log.health()).toMatchObject({ suppressed: { info: 2 }, unsampled: 2 });
  });

  it('reports suppressed records per level in /metrics', () => {
    const { log } = memoryLogger({ name: 'flooded', sampling: { first: 1, thereafter: 0 } });
    for (let i = 0; i < 7; i++) log.error('db down');
    for (let i = 0; i < 3; i++) log.info('retry');
    const text = metricsText({ log });
    expect(text).toContain('prodlog_records_suppressed_total{logger="flooded",level="error"} 6\n');
    expect(text).toContain('prodlog_records_suppressed_total{logger="flooded",level="info"} 2\n');
    expect(text).toContain('prodlog_records_unsampled_total{logger="flooded"} 0\n');
    expect(text).not.toContain('prodlog_records_suppressed_total{logger="flooded",level="fatal"}');
  });
});

describe('sampling counts are exact', () => {
  const N = 1_000_000;

  it(`${N.toLocaleString('en')} identical records across intervals and close(): written plus suppressed is ${N.toLocaleString('en')} for the key`, async () => {
    jest.useFakeTimers();
    const { log, memory } = memoryLogger({ sampling: { first: 100, thereafter: 100, interval: '1s' } });
    for (let i = 0; i < N; i++) {
      log.info('db down', { i });
      // 10 ms every 1,000 records: the 1,000,000 span 10 s, so nine intervals of 100,000
      // end on the timer, and the tenth at close().
      if (i % 1000 === 999 && i < N - 1) jest.advanceTimersByTime(10);
      if (i % 1000 === 0) log.error('retry failed', { i }); // a second key, 100 an interval: all under `first`
    }
    const onTimer = tally(memory.records).get('info db down')!;
    expect(onTimer).toEqual({ written: 10 * (100 + 999), suppressed: 9 * 98_901, summaries: 9 }); // the tenth interval is still open
    await log.close();
    const keys = tally(memory.records);
    const flood = keys.get('info db down')!;
    expect(flood.written + flood.suppressed).toBe(N);
    // per interval: the first 100, then every 100th of the other 99,900
    expect(flood).toEqual({ written: 10 * (100 + 999), suppressed: 10 * 98_901, summaries: 10 });
    expect(keys.get('error retry failed')).toEqual({ written: 1000, suppressed: 0, summaries: 0 });
    const health = log.health();
    expect(health.suppressed.info).toBe(keys.get('info db down')!.suppressed);
    expect(health.records.info).toBe(memory.records.filter((r) => r.level === 'info').length);
  });

  it('without timers (a loop that never yields): each interval ends at the first record after it', async () => {
    jest.useFakeTimers({ doNotFake: ['setTimeout', 'clearTimeout'] });
    const { log, memory } = memoryLogger({ sampling: { first: 10, thereafter: 0, interval: '1s' } });
    for (let i = 0; i < 100_000; i++) {
      log.info('db down');
      if (i % 10_000 === 9_999) jest.setSystemTime(Date.now() + 1000);
    }
    const beforeClose = tally(memory.records).get('info db down')!;
    expect(beforeClose).toEqual({ written: 100, suppressed: 9 * 9_990, summaries: 9 });
    await log.close();
    expect(tally(memory.records).get('info db down')).toEqual({ written: 100, suppressed: 10 * 9_990, summaries: 10 });
  });

  describe('FATAL in a real process: the counts of the interval under way are on disk before the exit', () => {
    it.each([
      ['fatal', 'giving up'],
      ['throw', 'uncaught exception'],
    ])('%s', (scenario, fatalMsg) => {
      const n = 100_000;
      const file = join(tempDir(`sampling-${scenario}`), 'app.log');
      const run = runFixture('sampling-fatal.js', [scenario, String(n), file]);
      expect(run.status).toBe(1);
      const records = readRecords(file) as LoggedRecord[];
      expect(records.at(-1)).toMatchObject({ level: 'fatal', msg: fatalMsg });
      const keys = tally(records.slice(0, -1));
      expect(keys.get('info db down')).toEqual({ written: 10 + 99, suppressed: n - 109, summaries: 1 });
      expect(keys.get('error connection refused')).toEqual({ written: 10 + 9, suppressed: n / 10 - 19, summaries: 1 });
    });
  });
});

describe('the sampling key', () => {
  it.each([
    [{ sampling: 'yes' }, 'sampling: "yes" is not true, false or an object'],
    [{ sampling: { interval: 1000 } }, 'sampling.interval: 1000 is not a duration like "1s": write the unit, as in "1000ms"'],
    [{ sampling: { interval: '10ms' } }, 'sampling.interval: "10ms" is below 100ms'],
    [{ sampling: { first: 0 } }, 'sampling.first: 0 is too small: the minimum is 1'],
    [{ sampling: { thereafter: -1 } }, 'sampling.thereafter: -1 is too small: the minimum is 0'],
    [{ sampling: { thereafter: 1.5 } }, 'sampling.thereafter: 1.5 is not a whole number; expected an integer'],
    [{ sampling: { firts: 10 } }, 'sampling: unknown key "firts"; allowed keys: enabled, first, thereafter, interval'],
  ])('%j is refused: %s', (input, message) => {
    expect(problems(input)).toEqual([message]);
  });

  it('true turns it on with the defaults: first 100, thereafter 100, interval 1s', () => {
    const { log, memory } = memoryLogger({ sampling: true });
    for (let i = 0; i < 1000; i++) log.info('db down');
    expect(memory.lines).toHaveLength(100 + 9);
  });
});
