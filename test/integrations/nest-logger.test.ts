import { nestLogger, type LevelSetting } from '../../src';
import { createTestLogger } from '../../src/testing';
import { parseLines, runFixture } from '../support/run-fixture';

function setup(level: LevelSetting = 'debug'): ReturnType<typeof createTestLogger> & { nest: ReturnType<typeof nestLogger> } {
  const test = createTestLogger({ name: 'nest', level });
  return { ...test, nest: nestLogger(test.log) };
}

/** The record without its head (level kept). */
function body(record: Record<string, unknown> | undefined): Record<string, unknown> {
  const { time, pid, hostname, name, ...rest } = record ?? {};
  void [time, pid, hostname, name];
  return rest;
}

function stackOf(type: string, message: string): string {
  return `${type}: ${message}\n    at OrdersService.pay (/srv/app/orders.service.js:10:11)\n    at Router.handle (/srv/app/router.js:3:5)`;
}

describe('nestLogger: Nest\'s LoggerService over a prodlog logger', () => {
  it('maps Nest\'s levels: log to info, verbose and debug to debug, warn, error', () => {
    const { nest, records } = setup();
    nest.log('ready');
    nest.verbose('details');
    nest.debug('more details');
    nest.warn('slow');
    nest.error('failed');
    expect(records().map((r) => [r['level'], r['msg']])).toEqual([['info', 'ready'], ['debug', 'details'], ['debug', 'more details'], ['warn', 'slow'], ['error', 'failed']]);
  });

  it('takes a trailing string as the context (Nest\'s convention), plain objects as fields, anything else under params', () => {
    const { nest, records } = setup();
    nest.log('alone');
    nest.log('routes mapped', 'RoutesResolver');
    nest.log('order placed', { orderId: 7 }, 'OrdersService');
    nest.warn('retrying', 3, 'later', 'OrdersService');
    nest.log({ message: 'object message', orderId: 8 }, 'OrdersService');
    expect(records().map(body)).toEqual([
      { level: 'info', msg: 'alone' },
      { level: 'info', context: 'RoutesResolver', msg: 'routes mapped' },
      { level: 'info', context: 'OrdersService', orderId: 7, msg: 'order placed' },
      { level: 'warn', context: 'OrdersService', params: [3, 'later'], msg: 'retrying' },
      { level: 'info', context: 'OrdersService', orderId: 8, msg: 'object message' },
    ]);
  });

  it('error(message, stack?, context?): the stack, or an Error, becomes prodlog\'s err with a fingerprint', () => {
    const { nest, records } = setup();
    const err = new TypeError('card declined');
    nest.error('payment failed', stackOf('TypeError', 'card declined'), 'OrdersService');
    nest.error('payment failed', stackOf('TypeError', 'card declined'));
    nest.error(err, err.stack, 'OrdersService');
    nest.error(err);
    nest.error('no stack', undefined, 'OrdersService');
    nest.error('two strings', 'OrdersService');
    const [withStack, withoutContext, withError, errorAlone, noStack, twoStrings] = records().map(body);
    expect(withStack).toEqual({ level: 'error', context: 'OrdersService', err: { type: 'TypeError', message: 'card declined', stack: stackOf('TypeError', 'card declined'), fingerprint: expect.any(String) }, msg: 'payment failed' });
    expect(withoutContext).toEqual({ level: 'error', err: withStack?.['err'], msg: 'payment failed' });
    expect(withError).toMatchObject({ level: 'error', context: 'OrdersService', err: { type: 'TypeError', message: 'card declined', stack: err.stack }, msg: 'card declined' });
    expect(withError).not.toHaveProperty('stack'); // the Error's own stack is not written twice
    expect(errorAlone).toMatchObject({ err: { type: 'TypeError' }, msg: 'card declined' });
    expect(noStack).toEqual({ level: 'error', context: 'OrdersService', msg: 'no stack' });
    expect(twoStrings).toEqual({ level: 'error', context: 'OrdersService', msg: 'two strings' });
  });

  it('fatal writes at error with nestLevel "fatal" and does not exit', () => {
    const { nest, records, runUntilExit } = setup();
    const result = runUntilExit(() => nest.fatal('inventory unreachable', 'InventoryService'));
    expect(result.exitCode).toBeUndefined();
    expect(records().map(body)).toEqual([{ level: 'error', context: 'InventoryService', nestLevel: 'fatal', msg: 'inventory unreachable' }]);
  });

  it('resolves a lazy message (a function) and a class, as Nest\'s ConsoleLogger does', () => {
    const { nest, records } = setup();
    class OrdersService {}
    nest.log(() => 'computed late');
    nest.log(OrdersService);
    expect(records().map((r) => r['msg'])).toEqual(['computed late', 'OrdersService']);
  });

  it('setLogLevels filters with Nest\'s rule (listed, or at or above the highest listed); prodlog\'s level applies too', () => {
    const { nest, records } = setup('info');
    nest.verbose('below prodlog\'s level');
    nest.setLogLevels(['log', 'error']);
    nest.log('listed');
    nest.warn('not listed, below error');
    nest.fatal('above the highest listed');
    nest.setLogLevels([]);
    nest.error('nothing at all');
    expect(records().map((r) => r['msg'])).toEqual(['listed', 'above the highest listed']);
  });

  it('never throws at the caller', () => {
    const { nest, records } = setup();
    const hostile = new Proxy({}, { getPrototypeOf: () => { throw new Error('no prototype'); } });
    const calls = [
      () => nest.log(hostile),
      () => nest.error(hostile, hostile, hostile),
      () => nest.log(() => { throw new Error('lazy'); }, 'Ctx'),
      () => nest.warn(10n, Symbol('s')),
      () => nest.setLogLevels(null as never),
    ];
    for (const call of calls) expect(call).not.toThrow();
    expect(records().length).toBeGreaterThanOrEqual(3);
    expect(records().find((r) => r['prodlogError'] === 'lazy')).toBeDefined();
  });
});

describe('nestLogger in a Nest application (app.useLogger, bufferLogs)', () => {
  it('receives Nest\'s own records and a provider\'s, with their context; fatal does not end the process', () => {
    const run = runFixture('nest-app.js', []);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const records = parseLines(run.stdout).map(body); // nothing but records on stdout: Nest's console logger printed nothing
    const err = { type: 'TypeError', message: 'card declined', stack: expect.stringContaining('TypeError: card declined'), fingerprint: expect.any(String) };
    expect(records).toEqual([
      { level: 'info', context: 'NestFactory', msg: 'Starting Nest application...' },
      { level: 'info', context: 'InstanceLoader', msg: 'AppModule dependencies initialized' },
      { level: 'info', context: 'OrdersService', shards: 4, msg: 'orders ready' },
      { level: 'debug', context: 'OrdersService', msg: 'cache warmed' },
      { level: 'error', context: 'OrdersService', err, msg: 'payment failed' },
      { level: 'error', context: 'OrdersService', err, msg: 'card declined' },
      { level: 'error', err, msg: 'card declined' },
      { level: 'error', context: 'OrdersService', nestLevel: 'fatal', msg: 'inventory unreachable' },
      { level: 'warn', context: 'OrdersService', params: [1200], msg: 'slow start' },
      { level: 'warn', context: 'Late', msg: 'written' },
    ]);
    // one error site, one fingerprint, however Nest passed the error
    expect(new Set(records.filter((r) => r['err']).map((r) => (r['err'] as { fingerprint: string }).fingerprint)).size).toBe(1);
  });
});
