import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, resolveConfig, type Logger } from '../../src';
import { describeTransports, logStartup } from '../../src/integrations/startupRecord';
import { Watchdog, type WatchdogProbes } from '../../src/integrations/process/Watchdog';
import { MemoryTransport } from '../../src/testing';
import { memoryLogger } from '../support/memory-logger';
import { REPO } from '../support/paths';
import { parseLines, runFixture } from '../support/run-fixture';
import { until } from '../support/until';

const open: Logger[] = [];
function logger(options: Parameters<typeof memoryLogger>[0] = {}): ReturnType<typeof memoryLogger> {
  const made = memoryLogger({ shutdown: false, ...options });
  open.push(made.log);
  return made;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});

describe('the startup record', () => {
  it('is logged at info when asked for, with version, node version, effective level and transports', () => {
    const { memory } = logger({ startup: true, level: 'warn' });
    expect(memory.records).toHaveLength(0); // info is below the effective level: nothing to show
    const { memory: m2 } = logger({ startup: true, name: 'checkout' });
    expect(m2.records[0]).toMatchObject({
      level: 'info',
      msg: 'startup',
      name: 'checkout',
      version: '0.1.0', // from ./package.json
      node: process.version,
      effectiveLevel: 'info',
      transports: [{ type: 'custom', transport: 'memory' }],
    });
    expect(typeof m2.records[0]?.['pid']).toBe('number');
  });

  it('is not logged by default, so tools and tests that create loggers get only their own records', () => {
    expect(logger().memory.records).toHaveLength(0);
  });

  it('shows no TLS private key or certificate: a syslog tls.key PEM stays out of the record', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----';
    // The configuration as the logger resolves it; the record goes to a memory logger, so no connection is tried.
    const config = resolveConfig({ transports: [{ type: 'syslog', host: 'logs.example', protocol: 'tls', tls: { key: pem, cert: 'client-cert-pem', ca: 'ca-pem' } }] }, 'test');
    const { log, memory } = logger({ redact: { defaults: false } });
    logStartup(log, config);
    expect(memory.records[0]).toMatchObject({ msg: 'startup', transports: [{ type: 'syslog', protocol: 'tls', tls: { key: '[Redacted]', cert: '[Redacted]', ca: 'ca-pem' } }] });
    expect(memory.lines[0]).not.toContain('PRIVATE KEY');
    expect(memory.lines[0]).not.toContain('MIIEvQ');
    expect(memory.lines[0]).not.toContain('client-cert-pem');
  });

  it('shows transports without their secrets, even with default redaction off', () => {
    const shown = describeTransports([
      {
        type: 'http',
        url: 'https://user:pw@collector.internal:4318/v1/logs?api_key=abc',
        headers: { authorization: 'Bearer x', 'x-tenant': 't1' },
        password: 'p',
        retry: { maxMs: 30_000 },
      },
      { type: 'custom', transport: new MemoryTransport('audit') },
    ]);
    expect(shown).toEqual([
      { type: 'http', url: 'https://collector.internal:4318/v1/logs', headers: { authorization: '[Redacted]', 'x-tenant': '[Redacted]' }, password: '[Redacted]', retry: { maxMs: 30_000 } },
      { type: 'custom', transport: 'audit' },
    ]);
  });
});

describe('log.task', () => {
  it('logs start and end with the duration at info and returns what the task returns', async () => {
    const { log, memory } = logger();
    await expect(log.task('nightly-report', async () => 42)).resolves.toBe(42);
    const [started, finished] = memory.records;
    expect(started).toMatchObject({ level: 'info', msg: 'task started', task: 'nightly-report' });
    expect(finished).toMatchObject({ level: 'info', msg: 'task finished', task: 'nightly-report' });
    expect(typeof finished?.['durationMs']).toBe('number');
  });

  it.each([
    ['rejects', () => Promise.reject(new Error('upstream down'))],
    ['throws synchronously', () => {
      throw new Error('upstream down');
    }],
  ])('logs the failure at error with the error and rethrows when the task %s', async (_how, fn) => {
    const { log, memory } = logger();
    await expect(log.task('sync', fn)).rejects.toThrow('upstream down');
    expect(memory.records.at(-1)).toMatchObject({ level: 'error', msg: 'task failed', task: 'sync', err: { type: 'Error', message: 'upstream down' } });
  });

  it('on a child logger, carries its bindings', async () => {
    const { log, memory } = logger();
    await log.child({ job: 'j-1' }).task('t', () => 'done');
    expect(memory.records.every((r) => r['job'] === 'j-1')).toBe(true);
  });
});

describe('log.schedule', () => {
  const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

  it('runs the task every interval with task semantics; a failure is logged at error and the next run still comes', async () => {
    const { log, memory } = logger();
    let calls = 0;
    const handle = log.schedule('sync', '20ms', () => {
      calls += 1;
      if (calls === 1) throw new Error('upstream down');
    });
    await until(() => calls >= 2 && memory.records.some((r) => r['msg'] === 'task finished'), 'a run after the failed one finished');
    handle.stop();
    expect(memory.records).toContainEqual(expect.objectContaining({ level: 'error', msg: 'task failed', task: 'sync', err: expect.objectContaining({ message: 'upstream down' }) }));
    expect(memory.records).toContainEqual(expect.objectContaining({ level: 'info', msg: 'task finished', task: 'sync' }));
  });

  it('never overlaps runs: a run due while the last is going is skipped, counted and logged at warn', async () => {
    jest.useFakeTimers();
    const { log, memory } = logger();
    let running = 0;
    let most = 0;
    const handle = log.schedule('slow', '10ms', async () => {
      running += 1;
      most = Math.max(most, running);
      await pause(80);
      running -= 1;
    });
    await jest.advanceTimersByTimeAsync(200);
    handle.stop();
    jest.useRealTimers();
    expect(most).toBe(1);
    expect(handle.skipped).toBeGreaterThan(0);
    const skips = memory.records.filter((r) => r['msg'] === 'task skipped');
    expect(skips.at(-1)).toMatchObject({ level: 'warn', task: 'slow', skipped: handle.skipped });
  });

  it('stops: no run starts after stop()', async () => {
    const { log, memory } = logger();
    const handle = log.schedule('t', '10ms', () => undefined);
    await pause(50);
    handle.stop();
    const count = memory.records.length;
    await pause(50);
    expect(memory.records).toHaveLength(count);
  });

  it('carries a child logger\'s bindings', async () => {
    const { log, memory } = logger();
    const handle = log.child({ job: 'j-1' }).schedule('t', '10ms', () => undefined);
    await pause(40);
    handle.stop();
    expect(memory.records.length).toBeGreaterThan(0);
    expect(memory.records.every((r) => r['job'] === 'j-1')).toBe(true);
  });

  it('refuses an interval that is not a duration, where the schedule is set up', () => {
    const { log } = logger();
    expect(() => log.schedule('t', '60' as never, () => undefined)).toThrow(new RangeError('log.schedule("t"): every "60" is not a duration like "60s" (units ms, s, m, h, d, w)'));
    expect(() => log.schedule('t', '0s', () => undefined)).toThrow(RangeError);
  });

  it('the README example, in a real service: the failure is logged at error, the process lives on, and the schedule does not hold it open', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const example = readme.slice(readme.indexOf('## Production readiness')); // the service example, not the API list
    const line = example.split('\n').find((l) => l.includes('log.schedule('));
    expect(line).toBeDefined();
    const code = line!.replace(/\/\/.*$/, '').trim();
    expect(code).toBe("log.schedule('expire-carts', '60s', expireCarts);");
    const run = runFixture('readme-schedule.js', [code.replace("'60s'", "'100ms'")]); // the README's interval, shortened
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const records = parseLines(run.stdout);
    const failures = records.filter((r) => r['msg'] === 'task failed');
    expect(failures.length).toBeGreaterThanOrEqual(2); // it failed, and was run again
    expect(failures[0]).toMatchObject({ level: 'error', task: 'expire-carts', err: { type: 'Error', message: 'carts store unreachable' } });
    // alive after the failures (a run due in the same turn may log after it), then ended on its own: exit 0
    const alive = records.findIndex((r) => r['msg'] === 'still alive');
    expect(alive).toBeGreaterThan(records.indexOf(failures[1]!));
    expect(records.some((r) => r['level'] === 'fatal')).toBe(false);
  });
});

describe('process warnings, in a real process', () => {
  it('become warn records: a deprecation with category "deprecation" and its code, others with their name', () => {
    const run = runFixture('readiness-warnings.js', []);
    expect(run.status).toBe(0);
    const records = parseLines(run.stdout);
    expect(records).toEqual([
      expect.objectContaining({ level: 'warn', category: 'deprecation', code: 'DEP0005', msg: expect.stringContaining('Buffer() is deprecated') }),
      expect.objectContaining({ level: 'warn', category: 'MaxListenersExceededWarning', msg: 'too many listeners' }),
    ]);
    expect(String(records[0]?.['stack'])).toContain('readiness-warnings.js'); // who called the deprecated API
    expect(run.stderr).toContain('DEP0005'); // Node still prints its own warning
  });

  it('are left to Node when turned off', () => {
    const run = runFixture('readiness-warnings.js', ['off']);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('DEP0005');
  });

  it('use one listener, which goes away when the last logger that wants them closes', async () => {
    const before = process.listenerCount('warning');
    logger({ warnings: false });
    const { log: a } = logger();
    const { log: b } = logger();
    expect(process.listenerCount('warning')).toBe(before + 1);
    await a.close();
    expect(process.listenerCount('warning')).toBe(before + 1);
    await b.close();
    expect(process.listenerCount('warning')).toBe(before);
  });
});

/** Probes whose readings the test sets. */
function fakeProbes(): WatchdogProbes & { reading: { p99Ms: number; used: number; rss: number; free: number | undefined } } {
  const reading = { p99Ms: 1, used: 10, rss: 100, free: 10 * 1024 ** 3 as number | undefined };
  return {
    reading,
    eventLoopDelay: () => ({ p99Ms: reading.p99Ms, maxMs: reading.p99Ms * 2 }),
    heap: () => ({ used: reading.used, limit: 100 }),
    rss: () => reading.rss,
    memoryAvailable: () => 1000,
    diskFree: () => reading.free,
    stop: () => undefined,
  };
}

describe('the watchdog', () => {
  const settings = { intervalMs: 1_000, repeatMs: 60_000, eventLoopDelayMs: 200, heapUsed: 0.9, rss: { fraction: 0.5 }, diskFree: { min: 1024 ** 3 }, logFolder: '/var/log/svc' };

  function watchdog(): { dog: Watchdog; probes: ReturnType<typeof fakeProbes>; memory: MemoryTransport; clock: { now: number } } {
    const { log, memory } = logger();
    const probes = fakeProbes();
    const clock = { now: 0 };
    return { dog: new Watchdog(log, settings, probes, () => clock.now), probes, memory, clock };
  }

  it('is quiet while everything is within its limits', () => {
    const { dog, memory } = watchdog();
    dog.check();
    expect(memory.records).toHaveLength(0);
  });

  it('warns about each condition with its category and figures', () => {
    const { dog, probes, memory } = watchdog();
    Object.assign(probes.reading, { p99Ms: 350, used: 95, rss: 600, free: 512 * 1024 ** 2 });
    dog.check();
    expect(memory.records).toEqual([
      expect.objectContaining({ level: 'warn', category: 'performance', p99Ms: 350, thresholdMs: 200, msg: 'event loop delay is high: p99 350 ms, over 200 ms' }),
      expect.objectContaining({ level: 'warn', category: 'resource', resource: 'heap', used: 95, limit: 100 }),
      expect.objectContaining({ level: 'warn', category: 'resource', resource: 'memory', rss: 600, limit: 500 }),
      expect.objectContaining({ level: 'warn', category: 'resource', resource: 'disk', path: '/var/log/svc', free: 512 * 1024 ** 2, min: 1024 ** 3, msg: 'free disk space is low on /var/log/svc: 512M, below 1G' }),
    ]);
  });

  it('warns about a lasting condition once per repeat interval, not on every check', () => {
    const { dog, probes, memory, clock } = watchdog();
    probes.reading.free = 1;
    dog.check();
    clock.now = 59_999;
    dog.check();
    expect(memory.records).toHaveLength(1);
    clock.now = 60_000;
    dog.check();
    expect(memory.records).toHaveLength(2);
  });

  it('runs on its interval when configured, watching the free space of the log folder', () => {
    jest.useFakeTimers();
    try {
      const { memory } = logger({ watchdog: { interval: '1s', eventLoopDelay: '0s', heapUsed: 0, diskFree: { path: __dirname, min: '1000T' } } });
      jest.advanceTimersByTime(999);
      expect(memory.records).toHaveLength(0);
      jest.advanceTimersByTime(1);
      expect(memory.records).toEqual([expect.objectContaining({ level: 'warn', category: 'resource', resource: 'disk', path: __dirname })]);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('configuration of the readiness features fails at startup, naming key, value and what is allowed', () => {
  it.each<[unknown, string]>([
    [{ shutdown: 'yes' }, 'shutdown: "yes" is not true, false or an object'],
    [{ shutdown: { signals: ['SIGKILL'] } }, 'shutdown.signals[0]: "SIGKILL" is not one of SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR2'],
    [{ shutdown: { timeout: '-1s' } }, 'shutdown.timeout: "-1s" is not a duration like "10s" (digits and one of ms, s, m, h, d, w)'],
    [{ shutdown: { deadline: 5 } }, 'shutdown: unknown key "deadline"; allowed keys: enabled, signals, timeout'],
    [{ watchdog: { rss: '1X' } }, 'watchdog.rss: "1X" is not a size like "1G" or a fraction like 0.9'],
    [{ watchdog: { diskFree: { min: 'lots' } } }, 'watchdog.diskFree.min: "lots" is not a size like "10M"'],
    [{ watchdog: { heapUsed: 2 } }, 'watchdog.heapUsed: 2 is too big: it must be below 1'],
    [{ startup: 'on' }, 'startup: "on" is a string; expected true or false'],
    [{ trace: 1 }, 'trace: 1 is a number; expected true or false'],
  ])('%j', (input, expected) => {
    let problems: readonly string[] = [];
    try {
      resolveConfig(input, 'options', {});
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([expected]);
  });

  it('defaults: shutdown on SIGTERM and SIGINT within 10 s, warnings and trace on, startup record and watchdog off', () => {
    expect(resolveConfig({}, 'options', {})).toMatchObject({
      startup: false,
      shutdown: { enabled: true, signals: ['SIGTERM', 'SIGINT'], timeoutMs: 10_000 },
      warnings: true,
      watchdog: { enabled: false },
      trace: true,
    });
  });
});
