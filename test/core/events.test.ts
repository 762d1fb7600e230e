import { createLogger, type Logger, type LoggerOptions } from '../../src';
import { MemoryTransport } from '../../src/testing';

interface ShopEvents {
  'order.placed': { orderId: string; total: number };
  'cache.cleared': { keys?: number };
  'stock.low': { sku: string; left: number };
  'login.failed': { user: string; password: string };
}

function shopLogger(options: Omit<LoggerOptions, 'transports'> = {}): { log: Logger<ShopEvents>; memory: MemoryTransport } {
  const memory = new MemoryTransport();
  const log = createLogger<ShopEvents>({ name: 'shop', capture: false, shutdown: false, warnings: false, ...options, transports: [{ type: 'custom', transport: memory }] });
  return { log, memory };
}

/** An event as an untyped (JavaScript) caller may call it. */
function untyped(log: Logger<ShopEvents>): (...args: unknown[]) => void {
  const loose = log as unknown as { event(...args: unknown[]): void };
  return (...args) => loose.event(...args);
}

describe('typed events: log.event(name, fields)', () => {
  it('writes one info record with the name under `event` and as `msg`, the fields beside it', () => {
    const { log, memory } = shopLogger();
    log.event('order.placed', { orderId: 'o-1', total: 12.5 });
    expect(memory.lines).toHaveLength(1);
    const line = memory.lines[0] as string;
    expect(Object.keys(JSON.parse(line) as object)).toEqual(['level', 'time', 'pid', 'hostname', 'name', 'event', 'orderId', 'total', 'msg']);
    expect(JSON.parse(line)).toMatchObject({ level: 'info', name: 'shop', event: 'order.placed', orderId: 'o-1', total: 12.5, msg: 'order.placed' });
  });

  it('takes no fields when every field of the event is optional', () => {
    const { log, memory } = shopLogger();
    log.event('cache.cleared');
    expect(memory.records).toEqual([expect.objectContaining({ level: 'info', event: 'cache.cleared', msg: 'cache.cleared' })]);
    expect(Object.keys(memory.records[0] as object)).toEqual(['level', 'time', 'pid', 'hostname', 'name', 'event', 'msg']);
  });

  it('is logged at the level the call names', () => {
    const { log, memory } = shopLogger({ level: 'debug' });
    log.event('stock.low', { sku: 'A-1', left: 2 }, 'warn');
    log.event('stock.low', { sku: 'A-1', left: 0 }, 'error');
    log.event('cache.cleared', {}, 'debug');
    expect(memory.records.map((r) => [r.level, r['event']])).toEqual([
      ['warn', 'stock.low'],
      ['error', 'stock.low'],
      ['debug', 'cache.cleared'],
    ]);
    expect(log.health().records).toMatchObject({ debug: 1, warn: 1, error: 1 });
  });

  it('carries the bindings of a child logger', () => {
    const { log, memory } = shopLogger();
    log.child({ requestId: 'r-1' }).event('order.placed', { orderId: 'o-2', total: 1 });
    expect(memory.records[0]).toMatchObject({ requestId: 'r-1', event: 'order.placed', orderId: 'o-2' });
  });

  it('censors secrets in event fields like in any other record', () => {
    const { log, memory } = shopLogger();
    log.event('login.failed', { user: 'ann', password: 'hunter2' });
    expect(memory.lines[0]).not.toContain('hunter2');
    expect(memory.records[0]).toMatchObject({ user: 'ann', password: '[Redacted]' });
  });
});

describe('typed events below the level', () => {
  /** Fields whose every read is counted: a disabled call must not read them. */
  function countingFields(): { fields: { orderId: string; total: number }; reads: () => number } {
    let reads = 0;
    const fields = {
      get orderId(): string {
        reads++;
        return 'o-1';
      },
      total: 1,
    };
    return { fields, reads: () => reads };
  }

  it('do no work: no record, and the fields are never read', () => {
    const { log, memory } = shopLogger({ level: 'warn' });
    const { fields, reads } = countingFields();
    log.event('order.placed', fields);
    log.event('order.placed', fields, 'debug');
    expect(reads()).toBe(0);
    expect(memory.lines).toHaveLength(0);
    log.event('order.placed', fields, 'warn');
    expect(reads()).toBeGreaterThan(0);
    expect(memory.records.map((r) => r.level)).toEqual(['warn']);
  });

  it('do no work when the logger admits no event level (fatal or silent)', () => {
    for (const level of ['fatal', 'silent'] as const) {
      const { log, memory } = shopLogger({ level });
      const { fields, reads } = countingFields();
      log.event('order.placed', fields, 'error');
      expect(reads()).toBe(0);
      expect(memory.lines).toHaveLength(0);
    }
  });

  it('after close() are dropped and counted, like other records', async () => {
    const { log, memory } = shopLogger();
    await log.close();
    log.event('order.placed', { orderId: 'o-1', total: 1 });
    expect(memory.lines).toHaveLength(0);
    expect(log.health().droppedAfterClose).toBe(1);
  });
});

describe('typed events from untyped callers never throw', () => {
  it('keep a field called `event` as `event_`, so it cannot forge the name', () => {
    const { log, memory } = shopLogger();
    untyped(log)('order.placed', { event: 'forged', orderId: 'o-1' });
    expect(memory.records[0]).toMatchObject({ event: 'order.placed', event_: 'forged', orderId: 'o-1' });
  });

  it('log an unknown level at info, and fatal as info without exiting', () => {
    const { log, memory } = shopLogger({ exit: () => { throw new Error('must not exit'); } });
    untyped(log)('stock.low', { sku: 'A' }, 'notice');
    untyped(log)('stock.low', { sku: 'A' }, 'fatal');
    expect(memory.records.map((r) => r.level)).toEqual(['info', 'info']);
  });

  it('keep the name first when the fields are copied (a secret censored, a field called `event` renamed)', () => {
    const { log, memory } = shopLogger();
    untyped(log)('login.failed', { user: 'ann', event: 'forged', password: 'hunter2' });
    expect(Object.keys(memory.records[0] as object)).toEqual(['level', 'time', 'pid', 'hostname', 'name', 'event', 'user', 'event_', 'password', 'msg']);
    expect(memory.records[0]).toMatchObject({ event: 'login.failed', event_: 'forged', password: '[Redacted]', msg: 'login.failed' });
  });

  it('put an Error given as the fields under `err`, after the name', () => {
    const { log, memory } = shopLogger();
    untyped(log)('stock.low', new Error('sensor offline'));
    expect(Object.keys(memory.records[0] as object)).toEqual(['level', 'time', 'pid', 'hostname', 'name', 'event', 'err', 'msg']);
    expect(memory.records[0]).toMatchObject({ event: 'stock.low', err: { type: 'Error', message: 'sensor offline' } });
  });

  it('put fields that are not an object under `fields`', () => {
    const { log, memory } = shopLogger();
    untyped(log)('cache.cleared', 42);
    expect(memory.records[0]).toMatchObject({ event: 'cache.cleared', fields: 42 });
  });

  it('give a valid line for circular and throwing fields, and a name that is not a string', () => {
    const { log, memory } = shopLogger();
    const circular: Record<string, unknown> = { orderId: 'o-1' };
    circular['self'] = circular;
    const throwing = {
      get total(): number {
        throw new Error('getter failed');
      },
    };
    expect(() => {
      untyped(log)('order.placed', circular);
      untyped(log)('order.placed', throwing);
      untyped(log)(123n, {});
    }).not.toThrow();
    const records = memory.records;
    expect(records.map((r) => r['event'])).toEqual(['order.placed', 'order.placed', '123']);
    expect(records[0]).toMatchObject({ orderId: 'o-1', self: { self: '[Circular]' } });
    expect(log.health().internalErrors).toBe(0);
  });
});
