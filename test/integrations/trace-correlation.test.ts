import { context, trace } from '@opentelemetry/api';
import type { Logger } from '../../src';
import type { MemoryTransport } from '../../src/testing';
import { memoryLogger } from '../support/memory-logger';
import { parseLines, runFixture } from '../support/run-fixture';
import { inSpan, SPAN_ID, TRACE_ID, useOtelContext } from '../support/otel-span';


useOtelContext();


const loggers: Logger[] = [];
function logger(trace?: boolean): MemoryTransport {
  const { log, memory } = memoryLogger({ shutdown: false, ...(trace === undefined ? {} : { trace }) });
  loggers.push(log);
  return memory;
}
afterEach(async () => {
  await Promise.all(loggers.splice(0).map((l) => l.close()));
});

describe('trace correlation with @opentelemetry/api installed', () => {
  it('adds trace_id, span_id and trace_flags of the active span, before the call\'s fields', () => {
    const memory = logger();
    const log = loggers[0]!;
    context.with(inSpan(), () => log.info('in a span', { orderId: 7 }));
    expect(memory.records[0]).toMatchObject({ trace_id: TRACE_ID, span_id: SPAN_ID, trace_flags: '01', orderId: 7 });
    expect(memory.lines[0]).toMatch(/"trace_id":.*"span_id":.*"trace_flags":"01","orderId":7/);
  });

  it('follows the span across awaits and into child loggers and error records', async () => {
    const memory = logger();
    const log = loggers[0]!;
    await context.with(inSpan(), async () => {
      await new Promise((resolve) => setImmediate(resolve));
      log.child({ requestId: 'r-1' }).error(new Error('payment failed'));
    });
    expect(memory.records[0]).toMatchObject({ requestId: 'r-1', trace_id: TRACE_ID, span_id: SPAN_ID, err: { message: 'payment failed' } });
  });

  it('adds nothing outside a span, or for a span with an invalid context', () => {
    const memory = logger();
    const log = loggers[0]!;
    log.info('no span');
    context.with(trace.setSpan(context.active(), trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 })), () => log.info('invalid'));
    for (const r of memory.records) expect(Object.keys(r)).not.toContain('trace_id');
  });

  it('never touches the caller\'s fields object', () => {
    const log = (logger(), loggers[0]!);
    const fields = Object.freeze({ orderId: 1 });
    expect(() => context.with(inSpan(), () => log.info('frozen fields', fields))).not.toThrow();
    expect(fields).toEqual({ orderId: 1 });
  });

  it('is off with trace: false', () => {
    const memory = logger(false);
    context.with(inSpan(), () => loggers[0]!.info('in a span'));
    expect(Object.keys(memory.records[0]!)).not.toContain('trace_id');
  });
});

describe('trace correlation without @opentelemetry/api', () => {
  it('changes nothing and breaks nothing: records as usual, and the API is never loaded', () => {
    const run = runFixture('readiness-no-otel.js', []);
    expect(run.status).toBe(0);
    const records = parseLines(run.stdout);
    expect(records).toEqual([
      expect.objectContaining({ level: 'info', msg: 'hello', orderId: 1 }),
      expect.objectContaining({ level: 'error', msg: 'boom', requestId: 'r-1' }),
    ]);
    for (const r of records) expect(Object.keys(r).filter((k) => k.startsWith('trace') || k.startsWith('span'))).toEqual([]);
    expect(JSON.parse(run.stderr)).toEqual({ loaded: false });
  });
});
