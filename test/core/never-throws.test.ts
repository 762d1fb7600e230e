import { join } from 'node:path';
import { ConfigError, createLogger, DEFAULT_LIMITS } from '../../src';
import { MemoryTransport } from '../../src/testing';
import { ExitCalled, memoryLogger } from '../support/memory-logger';
import { readRecords, runFixture, tempDir } from '../support/run-fixture';

function circular(): object {
  const a: Record<string, unknown> = { name: 'a' };
  a['self'] = a;
  a['list'] = [a, { back: a }];
  return a;
}

function nested(depth: number): object {
  const root: Record<string, unknown> = {};
  let cur = root;
  for (let i = 0; i < depth; i++) {
    const next: Record<string, unknown> = {};
    cur['d'] = next;
    cur = next;
  }
  return root;
}

/** Each case: a hostile logging call, and what must hold of the one line it writes. */
const cases: ReadonlyArray<[string, (log: ReturnType<typeof memoryLogger>['log']) => void, (r: Record<string, unknown>) => void]> = [
  ['a circular reference becomes "[Circular]"', (log) => log.info('m', { c: circular() }), (r) => expect(r['c']).toMatchObject({ self: '[Circular]', list: ['[Circular]', { back: '[Circular]' }] })],
  ['a BigInt becomes a string with every digit', (log) => log.info('m', { n: 12345678901234567890n }), (r) => expect(r['n']).toBe('12345678901234567890')],
  ['a throwing getter becomes a marker', (log) => log.info('m', { get bad(): never { throw new Error('nope'); } }), (r) => expect(r['bad']).toBe('[getter threw: nope]')],
  ['a throwing toJSON becomes a marker', (log) => log.info('m', { x: { toJSON: () => { throw new Error('tj'); } } }), (r) => expect(r['x']).toBe('[toJSON threw: tj]')],
  ['a 5 MB string is truncated with a marker', (log) => log.info('m', { s: 'x'.repeat(5 * 1024 * 1024) }), (r) => {
    const s = r['s'] as string;
    expect(s.startsWith('x'.repeat(DEFAULT_LIMITS.maxStringLength))).toBe(true);
    expect(s.endsWith(`…[truncated ${5 * 1024 * 1024 - DEFAULT_LIMITS.maxStringLength} chars]`)).toBe(true);
  }],
  ['a 5 MB message is truncated with a marker', (log) => log.info('y'.repeat(5 * 1024 * 1024)), (r) => expect(r['msg']).toMatch(/^y+…\[truncated \d+ chars\]$/)],
  ['an object nested 5,000 deep is cut at maxDepth', (log) => log.info('m', { deep: nested(5000) }), (r) => {
    let cur: unknown = r['deep'];
    let depth = 2; // fields are depth 1, `deep` is depth 2
    while (typeof cur === 'object' && cur !== null) {
      cur = (cur as Record<string, unknown>)['d'];
      depth++;
    }
    expect(cur).toBe('[Object]');
    expect(depth).toBe(DEFAULT_LIMITS.maxDepth + 1);
  }],
  ['an array over maxArrayLength keeps its head and says how many were cut', (log) => log.info('m', { a: Array.from({ length: 1500 }, (_, i) => i) }), (r) => {
    const a = r['a'] as unknown[];
    expect(a).toHaveLength(DEFAULT_LIMITS.maxArrayLength + 1);
    expect(a.at(-1)).toBe('…[truncated 500 items]');
  }],
  ['Symbol values become strings and Symbol keys are left out', (log) => log.info('m', { s: Symbol('q'), [Symbol('k')]: 1 }), (r) => expect(r).toMatchObject({ s: 'Symbol(q)' })],
  ['undefined values are left out', (log) => log.info('m', { u: undefined, k: 1 }), (r) => {
    expect(r).not.toHaveProperty('u');
    expect(r['k']).toBe(1);
  }],
  ['a message with newlines and embedded JSON stays inside msg', (log) => log.info('line1\n{"level":"fatal","msg":"forged"}\nline3'), (r) => expect(r['msg']).toBe('line1\n{"level":"fatal","msg":"forged"}\nline3')],
  ['a non-string message is logged as text', (log) => (log.info as (m: unknown) => void)({ not: 'a string' }), (r) => expect(r['msg']).toBe('{"not":"a string"}')],
  ['a number as message is logged as text', (log) => (log.info as (m: unknown) => void)(42), (r) => expect(r['msg']).toBe('42')],
  ['null fields are treated as no fields', (log) => (log.info as (m: string, f: unknown) => void)('m', null), (r) => expect(Object.keys(r)).toEqual(['level', 'time', 'pid', 'hostname', 'name', 'msg'])],
  ['primitive fields from untyped callers go under "fields"', (log) => (log.info as (m: string, f: unknown) => void)('m', 42), (r) => expect(r['fields']).toBe(42)],
  ['a field named __proto__ is data', (log) => log.info('m', JSON.parse('{"__proto__":{"polluted":true},"password":"p"}') as object), (r) => {
    expect(r['__proto__']).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  }],
  ['Map, Set and typed arrays are readable', (log) => log.info('m', { m: new Map([['k', 1]]), s: new Set([1, 2]), b: Buffer.alloc(3) }), (r) => expect(r).toMatchObject({ m: { k: 1 }, s: [1, 2], b: '[Buffer 3 bytes]' })],
  ['a proxy that throws on every trap still gives a line', (log) => log.info('m', { p: new Proxy({}, { ownKeys: () => { throw new Error('trap'); }, get: () => { throw new Error('trap'); }, getPrototypeOf: () => { throw new Error('trap'); } }) }), (r) => expect(r).toMatchObject({ msg: 'm', p: '[unserialisable: trap]' })],
  ['an Error passed as fields becomes err', (log) => log.info('m', new Error('as fields')), (r) => expect(r['err']).toMatchObject({ message: 'as fields' })],
  ['a thrown non-Error cause is kept', (log) => log.error(new Error('outer', { cause: 'just a string' })), (r) => expect(r['err']).toMatchObject({ cause: 'just a string' })],
];

describe('logging never throws at the caller', () => {
  it.each(cases)('%s, in exactly one valid JSON line', (_name, call, check) => {
    const { log, memory } = memoryLogger();
    expect(() => call(log)).not.toThrow();
    expect(memory.lines).toHaveLength(1);
    expect(memory.lines[0]!.endsWith('\n')).toBe(true);
    expect(memory.lines[0]!.slice(0, -1)).not.toContain('\n');
    const record = JSON.parse(memory.lines[0]!) as Record<string, unknown>;
    check(record);
  });

  it('limits are configurable', () => {
    const { log, memory } = memoryLogger({ limits: { maxStringLength: 16, maxDepth: 2, maxArrayLength: 1 } });
    log.info('m', { s: 'abcdefghijklmnopqrstuvwxyz', o: { p: { q: 1 } }, a: [1, 2] });
    expect(memory.records[0]).toMatchObject({ s: 'abcdefghijklmnop…[truncated 10 chars]', o: { p: '[Object]' }, a: [1, '…[truncated 1 items]'] });
  });

  it('a transport that throws does not stop the others, and is counted', () => {
    const memory = new MemoryTransport();
    const broken = Object.assign(new MemoryTransport('broken'), { write: (): void => { throw new Error('broken transport'); } });
    const log = createLogger({ capture: false, transports: [{ type: 'custom', transport: broken }, { type: 'custom', transport: memory }] });
    expect(() => log.info('still fine')).not.toThrow();
    expect(memory.records.map((r) => r.msg)).toEqual(['still fine']);
    expect(log.health()).toMatchObject({ ok: false, internalErrors: 1 });
  });
});

const TRAPS = ['getPrototypeOf', 'get', 'has', 'ownKeys', 'getOwnPropertyDescriptor'] as const;
/** A Proxy whose `trap` throws: an object from code the service does not control. */
function hostile(trap: (typeof TRAPS)[number]): object {
  return new Proxy({}, { [trap]: () => { throw new Error(`${trap} trap`); } });
}

describe('Proxies whose traps throw', () => {
  it.each(TRAPS)('log.error() with one whose %s trap throws writes one line and returns', (trap) => {
    const { log, memory } = memoryLogger();
    expect(() => (log.error as (m: unknown, f?: unknown) => void)(hostile(trap))).not.toThrow();
    expect(() => log.error('as fields', hostile(trap))).not.toThrow();
    expect(() => log.error(new Error('with fields'), hostile(trap))).not.toThrow();
    expect(() => log.info('nested', { p: hostile(trap), list: [hostile(trap)] })).not.toThrow();
    expect(memory.lines).toHaveLength(4);
    expect(memory.records.map((r) => r.level)).toEqual(['error', 'error', 'error', 'info']);
    // The caller's message is kept; only the hostile value is replaced by a marker.
    expect(memory.records.slice(1).map((r) => r.msg)).toEqual(['as fields', 'with fields', 'nested']);
  });

  it.each(TRAPS)('log.fatal() with one whose %s trap throws writes its record and exits', (trap) => {
    const { log, memory } = memoryLogger();
    expect(() => (log.fatal as (m: unknown) => never)(hostile(trap))).toThrow(ExitCalled);
    expect(() => log.fatal('as fields', hostile(trap))).toThrow(ExitCalled);
    expect(memory.records.map((r) => r.level)).toEqual(['fatal', 'fatal']);
    expect(memory.records[1]).toMatchObject({ msg: 'as fields' });
  });

  it.each(TRAPS)('in a real process, fatal() with one whose %s trap throws exits 1 with the record on disk', (trap) => {
    for (const first of ['fatal', 'error']) {
      const file = join(tempDir('fatal-proxy'), 'app.log');
      const run = runFixture('fatal-proxy.js', [trap, file, first]);
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 1, stderr: '' });
      const records = readRecords(file);
      expect(records.at(-1)).toMatchObject({ level: 'fatal', step: 'fatal' });
      expect(records).toHaveLength(first === 'error' ? 2 : 1);
    }
  });
});

describe('objects with many keys', () => {
  const many = (n: number): Record<string, number> => {
    const o: Record<string, number> = {};
    for (let i = 0; i < n; i++) o[`k${i}`] = i;
    return o;
  };

  it('an object over limits.maxKeys keeps its first keys and says how many were cut', () => {
    const { log, memory } = memoryLogger();
    const started = performance.now();
    log.info('m', { big: many(200_000), map: new Map(Object.entries(many(1_500))) });
    const ms = performance.now() - started;
    const r = memory.records[0] as unknown as { big: Record<string, unknown>; map: Record<string, unknown> };
    expect(Object.keys(r.big)).toHaveLength(DEFAULT_LIMITS.maxKeys + 1);
    expect(r.big['k999']).toBe(999);
    expect(r.big['k1000']).toBeUndefined();
    expect(r.big['…']).toBe('[truncated 199000 keys]');
    expect(r.map['…']).toBe('[truncated 500 keys]');
    expect(Object.keys(r.map)).toHaveLength(DEFAULT_LIMITS.maxKeys + 1);
    expect(ms).toBeLessThan(2_000); // a bound against pathologies only; the measured figure is in the report
  });

  it('the fields object itself is cut the same way', () => {
    const { log, memory } = memoryLogger({ limits: { maxKeys: 3 } });
    log.info('m', { a: 1, b: 2, c: 3, d: 4, e: 5 });
    expect(memory.records[0]).toMatchObject({ a: 1, b: 2, c: 3, '…': '[truncated 2 keys]' });
    expect(memory.records[0]).not.toHaveProperty('d');
  });

  it('limits.maxKeys is validated like the other limits', () => {
    expect(() => createLogger({ limits: { maxKeys: 0 } })).toThrow(ConfigError);
    expect(() => createLogger({ limits: { maxKeys: 0 } })).toThrow('limits.maxKeys: 0 is too small: the minimum is 1');
    expect(() => createLogger({ limits: { maxKeys: 1.5 } })).toThrow('limits.maxKeys: 1.5 is not a whole number; expected an integer');
  });
});

describe('every property is read once per call', () => {
  it('a getter (top level, nested, in an array, in an error cause, in bindings) runs once, and a Proxy get trap once per key', () => {
    const { log, memory } = memoryLogger();
    const reads: string[] = [];
    const getter = (name: string) => ({ enumerable: true, get: () => { reads.push(name); return name; } });
    const fields = Object.defineProperty({ nested: Object.defineProperty({}, 'inner', getter('nested')) }, 'top', getter('top'));
    const list = Object.defineProperty([0], 1, getter('array'));
    const cause = Object.defineProperty({}, 'why', getter('cause'));
    const proxy = new Proxy({ a: 1, b: 2 }, { get: (t, k) => { reads.push(`proxy.${String(k)}`); return Reflect.get(t, k); } });
    log.child(Object.defineProperty({}, 'bound', getter('binding'))).info('m', { ...{ fields }, list, err: new Error('e', { cause }), proxy });
    expect(reads.sort()).toEqual(['array', 'binding', 'cause', 'nested', 'proxy.a', 'proxy.b', 'top']);
    expect(memory.records[0]).toMatchObject({ bound: 'binding', fields: { top: 'top', nested: { inner: 'nested' } }, list: [0, 'array'], proxy: { a: 1, b: 2 } });
  });

  it('a getter that logs makes one record, not two', () => {
    const { log, memory } = memoryLogger();
    const order = { id: 7, get total(): number { log.debug('total read'); log.info('total read'); return 12; } };
    log.info('order placed', order);
    log.info('order placed', { order });
    expect(memory.records.map((r) => r.msg)).toEqual(['total read', 'order placed', 'total read', 'order placed']);
  });
});
