import { createLogger, DEFAULT_LIMITS } from '../src';
import { MemoryTransport } from '../src/testing';
import { memoryLogger } from './support/memoryLogger';

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
