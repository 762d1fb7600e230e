import { createTestLogger, ProcessExit } from '../../src/testing';

function startService(log: ReturnType<typeof createTestLogger>['log'], env: Record<string, string | undefined>): string {
  log.info('startup');
  const url = env['DATABASE_URL'] ?? log.fatal('config missing', { key: 'DATABASE_URL' });
  return url;
}

describe('prodlog/testing', () => {
  it('records what a service logs, typed and parsed', () => {
    const { log, records } = createTestLogger({ name: 'svc' });
    log.warn('slow query', { ms: 1200 });
    const [r] = records();
    expect(r).toMatchObject({ level: 'warn', msg: 'slow query', ms: 1200, name: 'svc' });
  });

  it('runUntilExit reports a fatal() exit code and keeps the flushed records, without exiting', () => {
    const { log, records, runUntilExit } = createTestLogger();
    const result = runUntilExit(() => startService(log, {}));
    expect(result).toEqual({ exitCode: 1, value: undefined });
    expect(records().map((r) => [r.level, r.msg])).toEqual([['info', 'startup'], ['fatal', 'config missing']]);
  });

  it('runUntilExit returns the value when the code does not exit', () => {
    const { log, runUntilExit } = createTestLogger();
    expect(runUntilExit(() => startService(log, { DATABASE_URL: 'postgres://db' }))).toEqual({ exitCode: undefined, value: 'postgres://db' });
  });

  it('works with async code, and with the configured exit code', async () => {
    const { log, runUntilExit } = createTestLogger({ fatal: { exitCode: 70 } });
    const result = await runUntilExit(async () => {
      await Promise.resolve();
      log.fatal(new Error('needs 32 GB, has 16'));
    });
    expect(result.exitCode).toBe(70);
  });

  it('keeps the exit code even if the code under test swallows the exit', () => {
    const { log, runUntilExit } = createTestLogger();
    const result = runUntilExit(() => {
      try {
        log.fatal('boom');
      } catch {
        return 'swallowed';
      }
    });
    expect(result).toEqual({ exitCode: 1, value: 'swallowed' });
  });

  it('lets other errors through', () => {
    const { runUntilExit } = createTestLogger();
    expect(() => runUntilExit(() => { throw new TypeError('a bug'); })).toThrow(TypeError);
    expect(new ProcessExit(3).code).toBe(3);
  });
});

describe('prodlog/testing with typed events', () => {
  it('createTestLogger<Events>() gives a logger whose events are checked and recorded', () => {
    interface ShopEvents {
      'order.placed': { orderId: string };
    }
    const { log, records } = createTestLogger<ShopEvents>();
    log.event('order.placed', { orderId: 'o-1' });
    expect(records()[0]).toMatchObject({ event: 'order.placed', orderId: 'o-1' });
  });
});
