import { hostname } from 'node:os';
import { runInNewContext } from 'node:vm';
import { formatRecord, HEAD_KEYS, MESSAGE_KEY, RESERVED_KEYS } from '../../src/core/record';
import { readRecordPrefix } from '../../transports/syslog/recordPrefix';
import { memoryLogger } from '../support/memory-logger';

describe('record shape', () => {
  it('writes level name, ISO time, pid, hostname, name, bindings, fields and msg in that order', () => {
    const { log, memory } = memoryLogger({ name: 'checkout' });
    log.child({ requestId: 'r-1' }).info('order placed', { orderId: 42 });
    const [line] = memory.lines;
    expect(Object.keys(JSON.parse(line!))).toEqual(['level', 'time', 'pid', 'hostname', 'name', 'requestId', 'orderId', 'msg']);
    const record = memory.records[0]!;
    expect(record).toMatchObject({ level: 'info', pid: process.pid, hostname: hostname(), name: 'checkout', requestId: 'r-1', orderId: 42, msg: 'order placed' });
    expect(record.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(record.time) - Date.now())).toBeLessThan(5_000);
  });

  it('ends every record with exactly one newline', () => {
    const { log, memory } = memoryLogger();
    log.info('a');
    log.warn('b', { x: 1 });
    for (const line of memory.lines) expect(line).toMatch(/^\{.*\}\n$/s);
    expect(memory.lines.join('').split('\n')).toHaveLength(3);
  });

  it('renames fields that would shadow the keys the logger writes', () => {
    const { log, memory } = memoryLogger({ name: 'real' });
    log.info('real message', { level: 'fatal', msg: 'forged', name: 'forged', time: 0, pid: 1, hostname: 'x' });
    const r = memory.records[0]!;
    expect(r).toMatchObject({ level: 'info', msg: 'real message', name: 'real', pid: process.pid });
    expect(r).toMatchObject({ level_: 'fatal', msg_: 'forged', name_: 'forged', time_: 0, pid_: 1, hostname_: 'x' });
  });

  it('child loggers nest bindings and do not change the parent', () => {
    const { log, memory } = memoryLogger();
    const child = log.child({ a: 1 }).child({ b: 2 });
    child.info('c');
    log.info('p');
    expect(memory.records[0]).toMatchObject({ a: 1, b: 2 });
    expect(memory.records[1]).not.toHaveProperty('a');
  });

  it('never mutates the caller\'s fields', () => {
    const { log } = memoryLogger();
    const fields = { password: 'p', err: new Error('e'), big: 1n, nested: { token: 't' } };
    const before = { ...fields, nested: { ...fields.nested } };
    log.info('x', fields);
    expect(fields).toEqual(before);
  });
});

describe('errors', () => {
  it('serialises a bare Error as err with type, message and stack, and uses its message as msg', () => {
    const { log, memory } = memoryLogger();
    const err = Object.assign(new TypeError('bad input'), { code: 'E_BAD' });
    log.error(err, { orderId: 7 });
    const r = memory.records[0]!;
    expect(r.msg).toBe('bad input');
    expect(r['orderId']).toBe(7);
    expect(r['err']).toEqual({ type: 'TypeError', message: 'bad input', stack: err.stack, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/), code: 'E_BAD' });
    expect(Object.keys(r['err'] as object)).toEqual(['type', 'message', 'stack', 'fingerprint', 'code']);
  });

  it('serialises errors anywhere in the fields', () => {
    const { log, memory } = memoryLogger();
    log.warn('retrying', { attempts: [new RangeError('one')], upstream: { err: new Error('two') } });
    const r = memory.records[0] as unknown as { attempts: [{ type: string }]; upstream: { err: { message: string } } };
    expect(r.attempts[0].type).toBe('RangeError');
    expect(r.upstream.err.message).toBe('two');
  });

  it('follows cause chains and AggregateError members', () => {
    const { log, memory } = memoryLogger();
    const root = new Error('disk gone');
    const agg = new AggregateError([new Error('a'), new SyntaxError('b')], 'both failed', { cause: root });
    log.error(new Error('request failed', { cause: agg }));
    const err = memory.records[0]!['err'] as { cause: { type: string; errors: { type: string }[]; cause: { message: string } } };
    expect(err.cause.type).toBe('AggregateError');
    expect(err.cause.errors.map((e) => e.type)).toEqual(['Error', 'SyntaxError']);
    expect(err.cause.cause.message).toBe('disk gone');
  });

  it('stops at a cause cycle instead of looping forever', () => {
    const { log, memory } = memoryLogger();
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as Error & { cause: unknown }).cause = b;
    log.error(a);
    expect(memory.records[0]!['err']).toMatchObject({ message: 'a', cause: { message: 'b', cause: '[Circular]' } });
  });

  it('recognises an Error given as the fields whatever its prototype: from another realm, or moved onto Object.prototype', () => {
    const { log, memory } = memoryLogger();
    log.info('x', runInNewContext('new TypeError("from a vm context")') as Error);
    // An error object all the same (a test for a plain-object prototype alone would log it as `{}`).
    log.info('x', Reflect.construct(Error, ['prototype replaced'], Object) as Error);
    expect(memory.records.map((r) => r['err'])).toEqual([
      expect.objectContaining({ type: 'TypeError', message: 'from a vm context' }),
      expect.objectContaining({ message: 'prototype replaced' }),
    ]);
  });

  it('uses the class name of a custom error as its type', () => {
    class PaymentDeclined extends Error {}
    const { log, memory } = memoryLogger();
    log.error(new PaymentDeclined('card declined'));
    expect(memory.records[0]!['err']).toMatchObject({ type: 'PaymentDeclined' });
  });
});

describe('the record contract (src/core/record.ts)', () => {
  it('is what the logger writes: the head keys first and in order, the message last', () => {
    const { log, memory } = memoryLogger({ name: 'svc' });
    log.child({ a: 1 }).warn('m', { b: 2 });
    const keys = Object.keys(JSON.parse(memory.lines[0]!));
    expect(keys.slice(0, HEAD_KEYS.length)).toEqual([...HEAD_KEYS]);
    expect(keys.at(-1)).toBe(MESSAGE_KEY);
    expect([...RESERVED_KEYS]).toEqual(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'module']);
  });

  it('writes a record of prodlog\'s own with the same bytes as the logger would, a forged key renamed', () => {
    const head = { level: 'warn', time: '2026-11-26T06:30:53.120Z', pid: 41, hostname: 'web "1"', name: 'shop' } as const;
    expect(formatRecord(head, { transport: 'http:ndjson:http://h/x', dropped: 3 }, 'spool at its cap: records were dropped')).toBe(
      '{"level":"warn","time":"2026-11-26T06:30:53.120Z","pid":41,"hostname":"web \\"1\\"","name":"shop","transport":"http:ndjson:http://h/x","dropped":3,"msg":"spool at its cap: records were dropped"}\n',
    );
    expect(JSON.parse(formatRecord(head, { msg: 'forged', level: 'fatal' }, 'real'))).toMatchObject({ level: 'warn', msg: 'real', msg_: 'forged', level_: 'fatal' });
  });

  it('is what the syslog header reads from the start of a line', () => {
    const { log, memory } = memoryLogger({ name: 'svc' });
    log.error('boom', { x: 1 });
    const record = memory.records[0]!;
    expect(readRecordPrefix(memory.lines[0]!)).toEqual({ level: 'error', time: record.time, pid: String(process.pid), hostname: hostname() });
  });
});
