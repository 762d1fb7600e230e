import fc from 'fast-check';
import type { Logger as PinoLogger } from 'pino';
import { asPino, type LevelSetting } from '../../src';
import { formatMessage } from '../../src/integrations/pino/formatMessage';
import { createTestLogger } from '../../src/testing';
import { runFixture, tempDir, readRecords } from '../support/run-fixture';
import { join } from 'node:path';

// pino's own formatter, which formatMessage must match (a dependency of pino).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const quickFormat = require('quick-format-unescaped') as (f: string, args: unknown[]) => unknown;

function setupWithLog(level: LevelSetting): ReturnType<typeof createTestLogger> & { pino: PinoLogger } {
  const test = createTestLogger({ name: 'facade', level });
  return { ...test, pino: asPino(test.log) };
}

function setup(level: LevelSetting = 'debug'): { pino: PinoLogger; records: () => Record<string, unknown>[]; runUntilExit: ReturnType<typeof createTestLogger>['runUntilExit'] } {
  const test = createTestLogger({ name: 'facade', level });
  return { pino: asPino(test.log), records: () => test.records(), runUntilExit: test.runUntilExit };
}

/** pino's methods as an untyped (JavaScript) caller sees them: pino's types check printf arguments. */
function loose(pino: PinoLogger): Record<'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', (...args: unknown[]) => void> {
  return pino as unknown as Record<'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', (...args: unknown[]) => void>;
}

/** The record without its head: what the call chose. */
function body(record: Record<string, unknown> | undefined): Record<string, unknown> {
  const { level, time, pid, hostname, name, ...rest } = record ?? {};
  void [time, pid, hostname, name];
  return { level, ...rest };
}

describe('asPino: pino\'s argument orders, as prodlog records', () => {
  it('(msg), (obj, msg), (obj), (msg, ...args)', () => {
    const { pino, records } = setup();
    pino.info('plain');
    pino.info({ orderId: 7 }, 'order placed');
    pino.warn({ orderId: 8 });
    pino.error('%s failed after %d ms', 'upstream', 120);
    expect(records().map(body)).toEqual([
      { level: 'info', msg: 'plain' },
      { level: 'info', orderId: 7, msg: 'order placed' },
      { level: 'warn', orderId: 8, msg: '' },
      { level: 'error', msg: 'upstream failed after 120 ms' },
    ]);
  });

  it('an Error first, or under err, gets prodlog\'s error serialisation; its message is the message when none is given', () => {
    const { pino, records } = setup();
    const err = Object.assign(new TypeError('card declined'), { code: 'E_CARD' });
    pino.error(err);
    pino.error(err, 'payment failed');
    pino.warn({ err, orderId: 1 });
    pino.info({ err }, 'retrying %s', 'payment');
    const serialised = { type: 'TypeError', message: 'card declined', code: 'E_CARD', fingerprint: expect.any(String), stack: expect.stringContaining('TypeError: card declined') };
    expect(records().map(body)).toEqual([
      { level: 'error', err: serialised, msg: 'card declined' },
      { level: 'error', err: serialised, msg: 'payment failed' },
      { level: 'warn', err: serialised, orderId: 1, msg: 'card declined' },
      { level: 'info', err: serialised, msg: 'retrying payment' },
    ]);
    // the same error site gives the same fingerprint whichever way it was logged
    expect(new Set(records().map((r) => (r['err'] as { fingerprint: string }).fingerprint)).size).toBe(1);
  });

  it('takes prodlog\'s own orders too, (msg, fields) and (err, fields), where pino would drop or stringify the object', () => {
    const { pino, records } = setup();
    const js = loose(pino);
    const err = new Error('declined');
    js.info('order placed', { orderId: 1 });
    js.warn('disk at 100% used', { free: 0 }); // a % that takes nothing
    js.error(err, { orderId: 2 });
    js.error('payment failed', err);
    js.info('order %s', { orderId: 3 }); // a placeholder took it: pino's printf
    expect(records().map(body)).toEqual([
      { level: 'info', orderId: 1, msg: 'order placed' },
      { level: 'warn', free: 0, msg: 'disk at 100% used' },
      { level: 'error', orderId: 2, err: expect.objectContaining({ message: 'declined' }), msg: 'declined' },
      { level: 'error', err: expect.objectContaining({ message: 'declined' }), msg: 'payment failed' },
      { level: 'info', msg: 'order [object Object]' },
    ]);
  });

  it('with no message, the object\'s own msg is the message (as pino writes it)', () => {
    const { pino, records } = setup();
    pino.info({ msg: 'from the object', orderId: 2 });
    pino.info({ msg: 'kept as a field', orderId: 3 }, 'the message');
    expect(records().map(body)).toEqual([
      { level: 'info', orderId: 2, msg: 'from the object' },
      { level: 'info', msg_: 'kept as a field', orderId: 3, msg: 'the message' },
    ]);
  });

  it('interpolates as pino does: %s %d %i %f %j %o %O %%, a placeholder without its argument stays, extra arguments are left out', () => {
    const { pino, records } = setup();
    const js = loose(pino);
    js.info('%s|%d|%i|%f|%j|%o|%O|100%%', 'a', '42', 3.9, '1.5', { a: 1 }, 'str', [1, 2]);
    js.info('%s and %s', 'one');
    js.info('no placeholders', 'extra', 1);
    js.info({ k: 1 }, 'user %s', 'ann', 'extra');
    expect(records().map((r) => r['msg'])).toEqual(["a|42|3|1.5|{\"a\":1}|'str'|[1,2]|100%", 'one and %s', 'no placeholders', 'user ann']);
  });

  it('formatMessage gives what pino\'s formatter gives, for any format and arguments it can print', () => {
    const arg = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.dictionary(fc.string(), fc.integer()).map((d) => ({ ...d })), fc.array(fc.integer()));
    const format = fc.array(fc.oneof(fc.constantFrom('%s', '%d', '%i', '%f', '%j', '%o', '%O', '%%', '%x', '%', 'a', ' ', 'é'), fc.string()), { maxLength: 8 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(format, fc.array(arg, { maxLength: 5 }), (f, args) => {
        expect(formatMessage(f, args)).toBe(quickFormat(f, args));
      }),
      { numRuns: 2000 },
    );
  });

  it('a message that is not a string is written as text', () => {
    const { pino, records } = setup();
    pino.info(42);
    pino.info({ a: 1 }, { nested: true } as unknown as string);
    pino.info(undefined, 'after undefined');
    pino.info(null);
    expect(records().map((r) => r['msg'])).toEqual(['42', '{"nested":true}', 'after undefined', '']);
  });

  it('trace writes at debug, silent writes nothing, and disabled levels do no work', () => {
    const { pino, records } = setup('info');
    let reads = 0;
    const counted = { get orderId(): number { reads++; return 1; } };
    pino.trace(counted, 'trace');
    pino.debug(counted, 'debug');
    pino.silent('nothing');
    expect(records()).toEqual([]);
    expect(reads).toBe(0);
    const debug = setup('debug');
    debug.pino.trace({ step: 1 }, 'fine-grained');
    expect(debug.records().map(body)).toEqual([{ level: 'debug', step: 1, msg: 'fine-grained' }]);
  });

  it('never throws at the caller, whatever the arguments', () => {
    const { pino, records } = setup();
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no keys'); } });
    const badGetter = { get x(): never { throw new Error('getter'); } };
    const badString = { toString: (): never => { throw new Error('toString'); } };
    const calls: Array<() => void> = [
      () => loose(pino).info('%j %d %s', cyclic, Symbol('s'), badString),
      () => pino.info(hostile, 'hostile'),
      () => pino.info(hostile),
      () => pino.info(badGetter, 'getter'),
      () => pino.info({ n: 10n, s: Symbol('x'), f: () => 1 }, 'odd values'),
      () => pino.info(badGetter),
      () => pino.error(Object.create(Error.prototype) as Error),
      () => (pino.info as (...a: unknown[]) => void)(),
      () => (pino.info as (...a: unknown[]) => void)(Symbol('first')),
      () => pino.child(hostile as never, hostile as never).info('child of a hostile object'),
      () => pino.child(null as never).info('child of null'),
      () => pino.child({ a: 1 }, { serializers: { a: () => { throw new Error('serializer'); } } }).info('serializer threw'),
      () => pino.flush('not a function' as never),
      () => pino.isLevelEnabled(undefined as never),
      () => pino.setBindings(hostile as never),
    ];
    for (const call of calls) expect(call).not.toThrow();
    const msgs = records().map((r) => r['msg']);
    expect(msgs[0]).toBe('{"self":"[Circular]"} [unprintable: Cannot convert a Symbol value to a number] [unprintable: toString]');
    expect(records().find((r) => r['msg'] === 'serializer threw')).toMatchObject({ a: '[serializer threw: serializer]' });
    expect(records().find((r) => r['msg'] === 'odd values')).toMatchObject({ n: '10', s: 'Symbol(x)' });
    expect(records().length).toBeGreaterThanOrEqual(calls.length - 3);
  });
});

describe('asPino: levels', () => {
  it('exposes pino\'s levels, version and isLevelEnabled, trace counting as debug', () => {
    const { pino } = setup('info');
    expect(pino.levels.values).toEqual({ trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 });
    expect(pino.levels.labels[30]).toBe('info');
    expect(pino.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(pino.level).toBe('info');
    expect(pino.levelVal).toBe(30);
    expect([pino.isLevelEnabled('trace'), pino.isLevelEnabled('debug'), pino.isLevelEnabled('info'), pino.isLevelEnabled('fatal')]).toEqual([false, false, true, true]);
    expect([pino.isLevelEnabled('silent'), pino.isLevelEnabled('verbose')]).toEqual([false, false]);
    expect(setup('debug').pino.isLevelEnabled('trace')).toBe(true);
    expect(setup('silent').pino.level).toBe('silent');
  });

  it('a child\'s own level raises the threshold for that child (a route\'s logLevel) but cannot lower the logger\'s', () => {
    const { pino, records } = setup('info');
    const quiet = pino.child({ route: '/health' }, { level: 'warn' });
    const silent = pino.child({}, { level: 'silent' });
    const verbose = pino.child({}, { level: 'trace' });
    quiet.info('not written');
    quiet.warn('written');
    silent.error('not written');
    verbose.debug('below the logger\'s level: not written');
    expect(records().map(body)).toEqual([{ level: 'warn', route: '/health', msg: 'written' }]);
    expect([quiet.level, silent.level, verbose.level]).toEqual(['warn', 'silent', 'info']);
    expect(quiet.child({ more: 1 }).level).toBe('warn'); // inherited, as pino's children do
    expect(quiet.isLevelEnabled('info')).toBe(false);
  });

  it('fatal runs prodlog\'s FATAL sequence, whatever a child\'s own level', () => {
    const { pino, records, runUntilExit } = setup('info');
    const result = runUntilExit(() => pino.child({ job: 'import' }, { level: 'silent' }).fatal({ path: '/etc/app.json' }, 'config %s', 'missing'));
    expect(result.exitCode).toBe(1);
    expect(records().map(body)).toEqual([{ level: 'fatal', job: 'import', path: '/etc/app.json', msg: 'config missing' }]);
  });
});

describe('asPino: children, bindings and the rest of pino\'s interface', () => {
  it('child(bindings) writes the bindings; bindings() returns them; setBindings adds', () => {
    const { pino, records } = setup();
    const child = pino.child({ requestId: 'r-1' });
    const grandchild = child.child({ userId: 'u-1' });
    grandchild.info('deep');
    grandchild.setBindings({ step: 2 });
    const { info } = grandchild; // bound, as prodlog's methods are
    info('after setBindings');
    expect(grandchild.bindings()).toEqual({ requestId: 'r-1', userId: 'u-1', step: 2 });
    expect(pino.bindings()).toEqual({});
    expect(records().map(body)).toEqual([
      { level: 'info', requestId: 'r-1', userId: 'u-1', msg: 'deep' },
      { level: 'info', requestId: 'r-1', userId: 'u-1', step: 2, msg: 'after setBindings' },
    ]);
  });

  it('serializers from child options apply to top-level keys of bindings and records, inherited ones too, but not to an Error', () => {
    const { pino, records } = setup();
    const base = { user: (u: { id: string }): unknown => ({ id: u.id }) };
    const routeSerializers = Object.assign(Object.create(base) as object, { order: (o: { id: number }): unknown => `order ${o.id}` }); // as Fastify chains them
    const child = pino.child({ user: { id: 'u-1', password: 'p' } }, { serializers: Object.assign(Object.create(routeSerializers) as object, { err: () => 'replaced' }) as never });
    const withRoute = pino.child({}, { serializers: routeSerializers as never });
    child.info({ order: { id: 5 }, user: { id: 'u-2', email: 'e' } }, 'serialised');
    child.error({ err: new Error('kept') }, 'error untouched');
    withRoute.info({ user: { id: 'u-3', extra: 1 } }, 'inherited serializer');
    expect(records().map(body)).toEqual([
      { level: 'info', user: { id: 'u-2' }, order: 'order 5', msg: 'serialised' },
      { level: 'error', user: { id: 'u-1' }, err: expect.objectContaining({ type: 'Error', message: 'kept' }), msg: 'error untouched' },
      { level: 'info', user: { id: 'u-3' }, msg: 'inherited serializer' },
    ]);
  });

  it('msgPrefix adds up along children, as in pino', () => {
    const { pino, records } = setup();
    const a = pino.child({}, { msgPrefix: '[a] ' });
    const ab = a.child({}, { msgPrefix: '[b] ' });
    ab.info('hello %s', 'there');
    ab.info({ msg: 'from the object' });
    expect(ab.msgPrefix).toBe('[a] [b] ');
    expect(records().map((r) => r['msg'])).toEqual(['[a] [b] hello there', 'from the object']);
  });

  it('customLevels get a method each, written at the prodlog level at or below their value (never fatal)', () => {
    const { pino, records } = setup();
    const child = pino.child({}, { customLevels: { audit: 35, critical: 70, info: 99 } as Record<string, number> }) as unknown as PinoLogger<'audit' | 'critical'>;
    child.audit({ who: 'ann' }, 'exported');
    child.critical('not an exit');
    expect(child.levels.values).toMatchObject({ audit: 35, critical: 70, info: 30 });
    expect(child.isLevelEnabled('audit')).toBe(true);
    expect(records().map(body)).toEqual([
      { level: 'info', who: 'ann', msg: 'exported' },
      { level: 'error', msg: 'not an exit' },
    ]);
  });

  it('the redact option is not applied, and says so once', () => {
    const { pino, records } = setup();
    pino.child({}, { redact: ['card'] }).info({ card: '4111' }, 'one');
    pino.child({}, { redact: ['card'] }).info('two');
    expect(records().filter((r) => r['level'] === 'warn').map((r) => r['msg'])).toEqual([expect.stringContaining('"redact" is not applied')]);
  });

  it('flush(cb) calls back once the prodlog logger flushed; onChild sees each child', async () => {
    const { pino } = setup();
    await new Promise<void>((resolve) => pino.flush((err) => { expect(err).toBeUndefined(); resolve(); }));
    const seen: unknown[] = [];
    pino.onChild = (child) => seen.push(child.bindings());
    pino.child({ a: 1 });
    expect(seen).toEqual([{ a: 1 }]);
  });

  it('setting level changes the tree\'s level through log.setLevel (logged), trace meaning debug, and emits level-change', () => {
    const { log, pino, records } = setupWithLog('info');
    const request = pino.child({ reqId: 'r-1' }, { level: 'warn' }); // a route's own level
    const changes: unknown[][] = [];
    request.on('level-change', (...args: unknown[]) => changes.push(args.slice(0, 4)));
    request.level = 'trace';
    expect([log.level, pino.level, request.level]).toEqual(['debug', 'debug', 'debug']); // the whole tree, and the child dropped its own level
    request.debug('written at debug');
    request.level = 'no such level'; // ignored, as nothing throws at the caller
    expect(request.level).toBe('debug');
    pino.level = 'silent';
    expect(log.level).toBe('silent');
    expect(changes).toEqual([['debug', 20, 'warn', 40]]);
    expect(records().map(body)).toEqual([
      { level: 'info', from: 'info', to: 'debug', source: 'api', msg: 'level changed' },
      { level: 'debug', reqId: 'r-1', msg: 'written at debug' },
      { level: 'info', from: 'debug', to: 'silent', source: 'api', msg: 'level changed' },
    ]);
  });

  it('on a module logger, setting level changes that module\'s entry', () => {
    const { log, pino: root } = setupWithLog('info');
    const db = asPino(log.module('db'));
    db.level = 'debug';
    expect([db.level, root.level, log.level]).toEqual(['debug', 'info', 'info']);
    expect(log.health().levels.levels).toEqual({ db: 'debug' });
  });

  it('a custom level set as the level keeps its value on the facade over the prodlog level below it', () => {
    const { log, pino } = setupWithLog('info');
    const audited = pino.child({}, { customLevels: { audit: 35 } });
    audited.level = 'audit';
    expect([log.level, audited.level, audited.isLevelEnabled('info'), audited.isLevelEnabled('audit')]).toEqual(['info', 'audit', false, true]);
  });
});

describe('asPino: fatal in a real process', () => {
  it('writes the record, makes it durable and exits with fatal.exitCode', () => {
    const file = join(tempDir('aspino-fatal'), 'app.log');
    const run = runFixture('aspino-fatal.js', [file]);
    expect(run.status).toBe(1);
    const records = readRecords(file);
    expect(records.map((r) => r['msg'])).toEqual(['before', 'config missing']);
    expect(records[1]).toMatchObject({ level: 'fatal', requestId: 'r-1', key: 'DATABASE_URL' });
    expect(run.stdout).not.toContain('after fatal');
  });
});
