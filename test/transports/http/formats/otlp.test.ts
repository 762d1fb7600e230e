import { ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { createOtlpFormat, OTLP_SEVERITY, readOtlpPartialSuccess } from '../../../../transports/http/formats/otlpFormat';
import { readRecord } from '../../../../transports/http/formats/readRecord';
import type { SpoolRecord } from '../../../../transports/shipping/Sink';
import { readTraceContext } from '../../../../transports/shared/traceContext';
import { createLogger } from '../../../../src';
import type { Transport } from '../../../../src/core/transport';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

/** Real records from the logger, covering every level, value type, errors, trace context and a second process. */
function sampleLines(): string[] {
  const written: string[] = [];
  const log = createLogger({ name: 'checkout', level: 'debug', capture: false, transports: [{ type: 'custom', transport: lineCollector(written) }], exit: (code) => {
    throw new Error(`exit ${code}`);
  } });
  const child = log.child({ requestId: 'r-1', region: 'eu' });
  child.debug('cache miss', { key: 'k1', hit: false });
  child.info('order placed', { orderId: 42, total: 19.99, tags: ['a', 'b'], customer: { id: 7, vip: true, address: { city: 'Zürich' } } });
  log.warn('slow query', { ms: 1200, nothing: null, mixed: [1, 'two', { three: 3 }], empty: {} });
  const cause = new RangeError('card expired');
  log.error('payment failed', { err: Object.assign(new Error('charge refused', { cause }), { code: 'E_CARD' }), orderId: 42 });
  log.error(new AggregateError([new Error('a'), new TypeError('b')], 'many failed'));
  log.info('traced', { trace_id: TRACE_ID, span_id: SPAN_ID, trace_flags: '01' });
  log.info('traced camel', { traceId: TRACE_ID, spanId: SPAN_ID });
  expect(() => log.fatal('config missing', { path: '/etc/app.json' })).toThrow('exit 1');
  const lines = [...written];
  // The same service after a restart: another pid, so another resource.
  const restarted = JSON.parse(lines[1]!) as Record<string, unknown>;
  restarted['pid'] = 99999;
  lines.push(`${JSON.stringify(restarted)}\n`);
  return lines;
}

function lineCollector(lines: string[]): Transport {
  const health = { type: 'lines', name: 'lines', ok: true, written: 0, failed: 0, dropped: 0, lastError: null, lastErrorAt: null };
  return { type: 'lines', name: 'lines', write: (line) => void lines.push(line), flush: async () => {}, flushSync: () => {}, close: async () => {}, health: () => health };
}

/** What the official OpenTelemetry JS SDK and encoder produce for the same records. */
function referenceRequest(lines: readonly string[]): unknown {
  const exporter = new InMemoryLogRecordExporter();
  const providers = new Map<string, LoggerProvider>();
  for (const line of lines) {
    const r = readRecord({ line });
    const key = `${r.name}|${r.hostname}|${r.pid}`;
    let provider = providers.get(key);
    if (!provider) {
      provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': r.name!, 'host.name': r.hostname!, 'process.pid': r.pid! }),
        processors: [new SimpleLogRecordProcessor({ exporter })],
        logRecordLimits: { attributeCountLimit: 10_000 },
      });
      providers.set(key, provider);
    }
    const traceContext = readTraceContext(r.fields);
    const attributes: Record<string, unknown> = { ...r.fields };
    let context: Context | undefined;
    if (traceContext) {
      for (const k of traceContext.keys) delete attributes[k];
      context = trace.setSpanContext(ROOT_CONTEXT, { traceId: traceContext.traceId, spanId: traceContext.spanId, traceFlags: traceContext.flags ?? 0 });
    }
    // The SDK's own exception mapping; it would take `code` as exception.type, so code is compared separately below.
    const exception = r.err ? { name: r.err.type, message: r.err.message, stack: r.err.stack } : undefined;
    provider.getLogger('prodlog').emit({
      timestamp: r.timeMs!,
      observedTimestamp: r.timeMs!,
      severityNumber: OTLP_SEVERITY[r.level!]!,
      severityText: r.level!,
      body: r.msg,
      attributes: attributes as never,
      ...(exception ? { exception } : {}),
      ...(context ? { context } : {}),
    });
  }
  return JSON.parse(Buffer.from(JsonLogsSerializer.serializeRequest(exporter.getFinishedLogRecords())!).toString('utf8'));
}

/**
 * Makes the two encodings comparable field by field: attribute order has no
 * meaning in OTLP; int64 may be a JSON number (the SDK) or a string (the
 * OTLP/JSON spec, us); unset optional fields are dropped; and the attributes
 * only prodlog writes (exception.code/cause/errors/fingerprint) are set aside.
 */
function normalise(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => normalise(v));
    if (key === 'attributes') {
      return (items as { key: string }[]).filter((kv) => !PRODLOG_ONLY.has(kv.key)).sort((a, b) => a.key.localeCompare(b.key));
    }
    return items;
  }
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || (k === 'droppedAttributesCount' && v === 0) || k === 'schemaUrl') continue;
    out[k] = k === 'intValue' ? String(v) : normalise(v, k);
  }
  return out;
}
const PRODLOG_ONLY = new Set(['exception.code', 'exception.cause', 'exception.errors', 'exception.fingerprint']);

function encode(lines: readonly string[], ids?: readonly string[]): Record<string, unknown> {
  const records: SpoolRecord[] = lines.map((line, i) => (ids ? { line, id: ids[i]! } : { line }));
  return JSON.parse(createOtlpFormat({ serviceName: 'fallback' }).encode(records).toString()) as Record<string, unknown>;
}

type Attr = { key: string; value: Record<string, unknown> };
type LogRecord = { severityNumber: number; severityText?: string; body: unknown; attributes: Attr[]; traceId?: string; spanId?: string; flags?: number; timeUnixNano: string };
function logRecords(request: Record<string, unknown>): LogRecord[] {
  const resourceLogs = request['resourceLogs'] as { scopeLogs: { logRecords: LogRecord[] }[] }[];
  return resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords));
}
function attr(record: LogRecord, key: string): Record<string, unknown> | undefined {
  return record.attributes.find((a) => a.key === key)?.value;
}

describe('otlp format', () => {
  it('matches what @opentelemetry/otlp-transformer encodes for the same records, field by field', () => {
    const lines = sampleLines();
    const ours = normalise(encode(lines));
    const reference = normalise(referenceRequest(lines));
    expect(ours).toEqual(reference);
    // The comparison must have had something to compare: two resources, every record, typed attributes.
    expect((ours as { resourceLogs: unknown[] }).resourceLogs).toHaveLength(2);
    expect(JSON.stringify(reference)).toContain('"kvlistValue"');
    expect(JSON.stringify(reference)).toContain('"exception.stacktrace"');
  });

  it('maps the five levels onto severity 5/9/13/17/21 and keeps the level name as severityText', () => {
    const records = logRecords(encode(sampleLines()));
    const byText = Object.fromEntries(records.map((r) => [r.severityText, r.severityNumber]));
    expect(byText).toEqual({ debug: 5, info: 9, warn: 13, error: 17, fatal: 21 });
  });

  it("reads pino's numeric levels as the five names, and leaves a number that is no level without one", () => {
    const lines = [20, 30, 40, 50, 60, 35].map((level) => `{"level":${level},"time":"2026-11-26T06:30:53.078Z","msg":"x"}`);
    expect(logRecords(encode(lines)).map((r) => [r.severityText, r.severityNumber])).toEqual([
      ['debug', 5],
      ['info', 9],
      ['warn', 13],
      ['error', 17],
      ['fatal', 21],
      [undefined, 0],
    ]);
  });

  it('writes timeUnixNano as an exact decimal string of nanoseconds', () => {
    const line = '{"level":"info","time":"2026-11-26T06:30:53.078Z","pid":1,"hostname":"h","name":"svc","msg":"hello"}\n';
    const [record] = logRecords(encode([line]));
    expect(record!.timeUnixNano).toBe('1795674653078000000');
    expect(BigInt(record!.timeUnixNano)).toBe(BigInt(Date.parse('2026-11-26T06:30:53.078Z')) * 1_000_000n);
  });

  it('puts service.name, host.name and process.pid on the resource and the message in body.stringValue', () => {
    const line = '{"level":"info","time":"2026-11-26T06:30:53.078Z","pid":12,"hostname":"vm","name":"svc","a":1,"msg":"hello"}';
    const request = encode([line]) as { resourceLogs: { resource: { attributes: Attr[] }; scopeLogs: { scope: { name: string }; logRecords: LogRecord[] }[] }[] };
    const [resourceLog] = request.resourceLogs;
    expect(resourceLog!.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'svc' } },
      { key: 'host.name', value: { stringValue: 'vm' } },
      { key: 'process.pid', value: { intValue: '12' } },
    ]);
    expect(resourceLog!.scopeLogs[0]!.scope.name).toBe('prodlog');
    expect(resourceLog!.scopeLogs[0]!.logRecords[0]!.body).toEqual({ stringValue: 'hello' });
    expect(resourceLog!.scopeLogs[0]!.logRecords[0]!.attributes).toEqual([{ key: 'a', value: { intValue: '1' } }]);
  });

  it('keeps the error code, cause and aggregated errors under exception.*', () => {
    const records = logRecords(encode(sampleLines()));
    const failed = records.find((r) => (r.body as { stringValue: string }).stringValue === 'payment failed')!;
    expect(attr(failed, 'exception.type')).toEqual({ stringValue: 'Error' });
    expect(attr(failed, 'exception.code')).toEqual({ stringValue: 'E_CARD' });
    expect(attr(failed, 'exception.fingerprint')).toEqual({ stringValue: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(JSON.stringify(attr(failed, 'exception.cause'))).toContain('card expired');
    const aggregate = records.find((r) => (r.body as { stringValue: string }).stringValue === 'many failed')!;
    expect(attr(aggregate, 'exception.type')).toEqual({ stringValue: 'AggregateError' });
    expect((attr(aggregate, 'exception.errors') as { arrayValue: { values: unknown[] } }).arrayValue.values).toHaveLength(2);
  });

  it('sets traceId, spanId and flags from either naming and drops them from the attributes', () => {
    const records = logRecords(encode(sampleLines()));
    const snake = records.find((r) => (r.body as { stringValue: string }).stringValue === 'traced')!;
    expect(snake).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, flags: 1 });
    expect(snake.attributes.map((a) => a.key)).not.toContain('trace_id');
    const camel = records.find((r) => (r.body as { stringValue: string }).stringValue === 'traced camel')!;
    expect(camel).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
    expect(camel.flags).toBe(0);
  });

  it('keeps every other field of a traced record as attributes, in their order', () => {
    const line = `{"level":"info","time":"2026-11-26T06:30:53.078Z","a":1,"trace_id":"${TRACE_ID}","b":2,"span_id":"${SPAN_ID}","trace_flags":"01","c":3,"traceId":"x","msg":"x"}`;
    const [record] = logRecords(encode([line]));
    expect(record).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, flags: 1 });
    expect(record!.attributes.map((a) => a.key)).toEqual(['a', 'b', 'c', 'traceId']);
  });

  it('leaves ids that are not valid trace context as ordinary attributes', () => {
    const line = '{"level":"info","time":"2026-11-26T06:30:53.078Z","trace_id":"nope","span_id":"0000000000000000","msg":"x"}';
    const [record] = logRecords(encode([line]));
    expect(record!.traceId).toBeUndefined();
    expect(attr(record!, 'trace_id')).toEqual({ stringValue: 'nope' });
  });

  it('adds the spool id as log.record.uid so a receiver can drop duplicates', () => {
    const line = '{"level":"info","time":"2026-11-26T06:30:53.078Z","msg":"x"}';
    const [record] = logRecords(encode([line], ['01J0000000000000000000000A']));
    expect(attr(record!, 'log.record.uid')).toEqual({ stringValue: '01J0000000000000000000000A' });
  });

  it('sends integers beyond 2^53 as doubles rather than as a wrong int64', () => {
    const line = '{"level":"info","time":"2026-11-26T06:30:53.078Z","big":1e21,"ok":9007199254740991,"msg":"x"}';
    const [record] = logRecords(encode([line]));
    expect(attr(record!, 'big')).toEqual({ doubleValue: 1e21 });
    expect(attr(record!, 'ok')).toEqual({ intValue: '9007199254740991' });
  });

  it('delivers a line that is not JSON with its raw text as the body and the logger name as service', () => {
    const request = encode(['{"level":"info","ti']) as { resourceLogs: { resource: { attributes: Attr[] } }[] };
    const [record] = logRecords(request);
    expect(record).toMatchObject({ severityNumber: 0, body: { stringValue: '{"level":"info","ti' } });
    expect(request.resourceLogs[0]!.resource.attributes[0]).toEqual({ key: 'service.name', value: { stringValue: 'fallback' } });
  });
});

describe('otlp partial success', () => {
  it('reads rejectedLogRecords given as a string or a number, with the error message', () => {
    expect(readOtlpPartialSuccess('{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"too old"}}')).toEqual({
      retry: [],
      rejected: [],
      rejectedUnidentified: 2,
      reason: 'receiver rejected 2 log records: too old',
    });
    expect(readOtlpPartialSuccess('{"partialSuccess":{"rejectedLogRecords":3}}')?.rejectedUnidentified).toBe(3);
  });

  it('treats an empty body, {} and a zero count as full success', () => {
    expect(readOtlpPartialSuccess('')).toBeUndefined();
    expect(readOtlpPartialSuccess('{}')).toBeUndefined();
    expect(readOtlpPartialSuccess('{"partialSuccess":{"rejectedLogRecords":"0","errorMessage":"just a warning"}}')).toBeUndefined();
  });
});
