import { EventEmitter, once } from 'node:events';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { withContext } from '../../src';
import { createTestLogger } from '../../src/testing';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('withContext', () => {
  it('every record inside carries the fields: after the bindings, before the call\'s fields, the call winning', () => {
    const { log, memory } = createTestLogger();
    const child = log.child({ svc: 'a' });
    withContext({ requestId: 'r1', user: 'u' }, () => {
      child.info('one', { user: 'call wins', n: 1 });
      log.error(new Error('boom'), { n: 2 });
    });
    log.info('outside');
    expect(memory.records.map(({ time: _t, pid: _p, hostname: _h, err: _e, ...r }) => r)).toEqual([
      { level: 'info', name: expect.any(String), svc: 'a', requestId: 'r1', user: 'call wins', n: 1, msg: 'one' },
      { level: 'error', name: expect.any(String), requestId: 'r1', user: 'u', n: 2, msg: 'boom' },
      { level: 'info', name: expect.any(String), msg: 'outside' },
    ]);
    // Key order in the line: bindings, then context, then the call's fields.
    expect(Object.keys(memory.records[0]!)).toEqual(['level', 'time', 'pid', 'hostname', 'name', 'svc', 'requestId', 'user', 'n', 'msg']);
  });

  it('follows await, timers, promise callbacks, event and stream callbacks registered inside', async () => {
    const { log, memory } = createTestLogger();
    const emitter = new EventEmitter();
    const done = withContext({ requestId: 'r2' }, async () => {
      await delay(1);
      log.info('after await');
      setTimeout(() => log.info('in a timer'), 1);
      setImmediate(() => log.info('in setImmediate'));
      void Promise.resolve().then(() => log.info('in then'));
      emitter.on('go', () => log.info('in an event callback'));
      const stream = Readable.from(['chunk']);
      stream.on('data', () => log.info('in a stream callback'));
      await once(stream, 'end');
      await delay(5);
    });
    // An EventEmitter calls its listeners synchronously, in the context of whoever emits.
    await done;
    withContext({ requestId: 'r3' }, () => emitter.emit('go'));
    const byMsg = Object.fromEntries(memory.records.map((r) => [r['msg'], r['requestId']]));
    expect(byMsg).toEqual({ 'after await': 'r2', 'in a timer': 'r2', 'in setImmediate': 'r2', 'in then': 'r2', 'in a stream callback': 'r2', 'in an event callback': 'r3' });
  });

  it('nests and merges, the inner fields winning; two concurrent contexts stay apart', async () => {
    const { log, memory } = createTestLogger();
    await Promise.all(
      ['a', 'b'].map((id) =>
        withContext({ requestId: id, step: 'outer' }, async () => {
          await tick();
          await withContext({ step: 'inner' }, async () => {
            await tick();
            log.info('inner', { id });
          });
          log.info('outer', { id });
        }),
      ),
    );
    for (const r of memory.records) expect(r['requestId']).toBe(r['id']);
    expect(memory.records.filter((r) => r['msg'] === 'inner').every((r) => r['step'] === 'inner')).toBe(true);
    expect(memory.records.filter((r) => r['msg'] === 'outer').every((r) => r['step'] === 'outer')).toBe(true);
  });

  it('fields are read once, when the context starts; bad fields never throw at the caller', () => {
    const { log, memory } = createTestLogger();
    const fields = { n: 1 };
    withContext(fields, () => {
      fields.n = 2;
      log.info('x');
    });
    withContext(null as unknown as object, () => log.info('null fields'));
    const throwing = { get bad(): string { throw new Error('getter'); } };
    expect(() => withContext(throwing, () => log.info('throwing getter'))).not.toThrow();
    withContext({ __proto__: 'p', constructor: 'c', msg: 'forged' } as object, () => log.info('reserved'));
    expect(memory.records.map((r) => r['n'])).toEqual([1, undefined, undefined, undefined]);
    expect(memory.records[3]).toMatchObject({ msg: 'reserved', msg_: 'forged', constructor: 'c' });
  });

  it('context fields are sanitised like the call\'s: secrets censored, own keys not forged', () => {
    const { log, memory } = createTestLogger();
    withContext({ apiToken: 'sk-live-123', level: 'fatal', url: 'postgres://app:pw@db/shop' }, () => log.info('x'));
    expect(memory.records[0]).toMatchObject({ level: 'info', level_: 'fatal', apiToken: '[Redacted]', url: 'postgres://app:[Redacted]@db/shop' });
    expect(memory.lines[0]).not.toMatch(/sk-live-123|:pw@/);
  });

  it('returns what fn returns, and log.task runs inside a context carrying task', async () => {
    const { log, memory } = createTestLogger();
    expect(withContext({}, () => 42)).toBe(42);
    await log.task('nightly', async () => {
      await tick();
      log.module('db').info('vacuum');
    });
    expect(memory.records.map((r) => [r['msg'], r['task']])).toEqual([
      ['task started', 'nightly'],
      ['vacuum', 'nightly'],
      ['task finished', 'nightly'],
    ]);
  });

  it('typed events carry the context too', () => {
    const { log, memory } = createTestLogger<{ 'order.placed': { orderId: string } }>();
    withContext({ requestId: 'r9' }, () => log.event('order.placed', { orderId: 'o' }));
    expect(memory.records[0]).toMatchObject({ event: 'order.placed', requestId: 'r9', orderId: 'o' });
  });
});
