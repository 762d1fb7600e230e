import fc from 'fast-check';
import { hostname } from 'node:os';
import { z } from 'zod';
import { newSegmentBase } from '../../../../transports/shipping/SegmentFiles';
import { createOtlpFormat, OTLP_SEVERITY } from '../../../../transports/http/formats/otlpFormat';
import { memoryLogger } from '../../../support/memory-logger';

/**
 * Property tests of the OTLP/HTTP JSON encoder on records the logger really
 * wrote from arbitrary messages and fields: the request is a valid
 * ExportLogsServiceRequest in the OTLP/JSON encoding (a schema written here
 * from the OTLP protobuf definitions and the spec's JSON rules), and decoding
 * the attributes gives back the fields.
 */

type AnyValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number } | { arrayValue: { values: AnyValue[] } } | { kvlistValue: { values: KeyValue[] } } | Record<string, never>;
interface KeyValue {
  key: string;
  value: AnyValue;
}

const INT64 = /^-?(0|[1-9]\d{0,18})$/;
const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z.union([
    z.strictObject({ stringValue: z.string() }),
    z.strictObject({ boolValue: z.boolean() }),
    z.strictObject({ intValue: z.string().regex(INT64).refine((s) => BigInt(s) >= -(2n ** 63n) && BigInt(s) < 2n ** 63n) }),
    z.strictObject({ doubleValue: z.number() }),
    z.strictObject({ arrayValue: z.strictObject({ values: z.array(anyValue) }) }),
    z.strictObject({ kvlistValue: z.strictObject({ values: z.array(keyValue) }) }),
    z.strictObject({}),
  ]),
);
const keyValue: z.ZodType<KeyValue> = z.strictObject({ key: z.string(), value: anyValue });
const logRecord = z.strictObject({
  timeUnixNano: z.string().regex(/^\d{1,20}$/),
  observedTimeUnixNano: z.string().regex(/^\d{1,20}$/),
  severityNumber: z.int().min(0).max(24),
  severityText: z.string().optional(),
  body: anyValue,
  attributes: z.array(keyValue),
  traceId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  spanId: z.string().regex(/^[0-9a-f]{16}$/).optional(),
  flags: z.int().min(0).max(0xffffffff).optional(),
});
const exportLogsServiceRequest = z.strictObject({
  resourceLogs: z.array(
    z.strictObject({
      resource: z.strictObject({ attributes: z.array(keyValue) }),
      scopeLogs: z.array(z.strictObject({ scope: z.strictObject({ name: z.string() }), logRecords: z.array(logRecord) })),
    }),
  ),
});
type LogRecord = z.output<typeof logRecord>;

/** An AnyValue back as the JSON value it encodes ({} is a JSON null). */
function decode(value: AnyValue): unknown {
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('arrayValue' in value) return value.arrayValue.values.map(decode);
  if ('kvlistValue' in value) return decodeAll(value.kvlistValue.values);
  return null;
}

/** Key-values as an object; Object.fromEntries makes "__proto__" an own key, as JSON.parse does. */
const decodeAll = (kvs: readonly KeyValue[]): Record<string, unknown> => Object.fromEntries(kvs.map((kv) => [kv.key, decode(kv.value)]));

/** The fields of a line: every key but the logger's own, as a store would expect them back. */
function fieldsOf(line: string): Record<string, unknown> {
  const record = JSON.parse(line) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(record).filter(([k]) => !['level', 'time', 'pid', 'hostname', 'name', 'msg'].includes(k)));
}

const anyText = fc.string({ unit: 'grapheme', maxLength: 60 });
// Trace-context names and `err` have their own mappings (tested in otlp.test.ts); everything else is a plain field.
const MAPPED = new Set(['err', 'trace_id', 'span_id', 'trace_flags', 'traceId', 'spanId', 'traceFlags']);
const fieldKey = fc.oneof(anyText, fc.constantFrom('level', 'time', 'msg', 'name', 'constructor', 'toString', 'a.b', '')).filter((k) => !MAPPED.has(k) && k !== '__proto__');
const fields = fc.dictionary(fieldKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 });
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

describe('the OTLP encoder, for any records', () => {
  const { log, memory } = memoryLogger({ level: 'debug', name: 'props' });
  const format = createOtlpFormat({ serviceName: 'fallback' });

  it('gives a valid ExportLogsServiceRequest whose records carry the level, time, message, id and every field of the logged ones', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...LEVELS), anyText, fields), { minLength: 1, maxLength: 6 }), (batch) => {
        memory.clear();
        for (const [level, msg, f] of batch) log[level](msg, f);
        const ids = batch.map((_, k) => `${newSegmentBase()}.${k}`);
        const request = JSON.parse(format.encode(memory.lines.map((line, k) => ({ line, id: ids[k]! }))).toString('utf8')) as unknown;

        const parsed = exportLogsServiceRequest.parse(request);
        expect(parsed.resourceLogs).toHaveLength(1); // one process wrote them all
        expect(decodeAll(parsed.resourceLogs[0]!.resource.attributes)).toEqual({ 'service.name': 'props', 'host.name': hostname(), 'process.pid': process.pid });
        const records: LogRecord[] = parsed.resourceLogs[0]!.scopeLogs[0]!.logRecords;
        expect(records).toHaveLength(batch.length);
        records.forEach((r, k) => {
          const line = memory.lines[k]!;
          const written = JSON.parse(line) as { time: string };
          const [level, msg] = batch[k]!;
          expect(r).toMatchObject({ severityNumber: OTLP_SEVERITY[level], severityText: level, body: { stringValue: msg } });
          expect(BigInt(r.timeUnixNano)).toBe(BigInt(Date.parse(written.time)) * 1_000_000n);
          const attributes = r.attributes.filter((a) => a.key !== 'log.record.uid');
          expect(r.attributes.find((a) => a.key === 'log.record.uid')?.value).toEqual({ stringValue: ids[k] });
          expect(attributes.map((a) => a.key)).toEqual(Object.keys(fieldsOf(line))); // same keys, same order, none lost or added
          expect(decodeAll(attributes)).toEqual(fieldsOf(line));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('maps any error onto the exception.* attributes: type, message and stack round-trip', () => {
    fc.assert(
      fc.property(anyText, anyText, fc.option(anyText, { nil: undefined }), (msg, text, code) => {
        memory.clear();
        log.error(msg, { err: Object.assign(new TypeError(text), code === undefined ? {} : { code }) });
        const request = exportLogsServiceRequest.parse(JSON.parse(format.encode([{ line: memory.lines[0]! }]).toString('utf8')));
        const attributes = decodeAll(request.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.attributes);
        const err = (JSON.parse(memory.lines[0]!) as { err: { stack: string; fingerprint: string } }).err;
        expect(attributes).toEqual({
          'exception.type': 'TypeError',
          'exception.message': text,
          'exception.stacktrace': err.stack,
          'exception.fingerprint': err.fingerprint,
          ...(code === undefined ? {} : { 'exception.code': code }),
        });
      }),
      { numRuns: 200 },
    );
  });
});
