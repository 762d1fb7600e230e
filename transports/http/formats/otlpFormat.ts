import { toAnyValue, toKeyValues, type OtlpAnyValue, type OtlpKeyValue } from './otlpAnyValue';
import { readRecord, type ErrorView, type RecordView } from './readRecord';
import type { SpoolRecord } from '../../shipping/Sink';
import { readTraceContext } from '../../shared/traceContext';
import type { PartialResult, WireFormat } from './WireFormat';

/** OpenTelemetry severity numbers for the five levels: the first number of each OTel range. */
export const OTLP_SEVERITY: Readonly<Record<string, number>> = { debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

/** The instrumentation scope of every record: the library that produced it. */
export const OTLP_SCOPE_NAME = 'prodlog';

interface OtlpLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText?: string;
  body: OtlpAnyValue;
  attributes: OtlpKeyValue[];
  traceId?: string;
  spanId?: string;
  flags?: number;
}

export interface OtlpFormatSettings {
  /** service.name for records that carry no `name`. */
  readonly serviceName: string;
}

/**
 * OTLP/HTTP JSON for `POST /v1/logs`. Records are grouped into one
 * `resourceLogs` entry per producing process (service.name, host.name,
 * process.pid), because a spool replayed after a restart holds records of
 * several processes and each is a different resource. Fields become typed
 * attributes (see otlpAnyValue.ts); `err` becomes the semantic-convention
 * `exception.*` attributes.
 *
 * Hand-written rather than built on `@opentelemetry/otlp-transformer`
 * (docs/design.md, "Written here, not taken from a library"); the tests
 * compare this output with it, field by field.
 */
export function createOtlpFormat(settings: OtlpFormatSettings): WireFormat {
  return {
    name: 'otlp',
    contentType: 'application/json',
    encode: (records) => Buffer.from(JSON.stringify(buildRequest(records, settings.serviceName)), 'utf8'),
    readPartialResult: readOtlpPartialSuccess,
  };
}

function buildRequest(records: readonly SpoolRecord[], serviceName: string): object {
  const byResource = new Map<string, { resource: OtlpKeyValue[]; logRecords: OtlpLogRecord[] }>();
  for (const shipped of records) {
    const record = readRecord(shipped);
    const service = record.name ?? serviceName;
    const key = `${service}\u0000${record.hostname ?? ''}\u0000${record.pid ?? ''}`;
    let group = byResource.get(key);
    if (group === undefined) {
      group = { resource: resourceAttributes(service, record), logRecords: [] };
      byResource.set(key, group);
    }
    group.logRecords.push(toLogRecord(record));
  }
  return {
    resourceLogs: [...byResource.values()].map((g) => ({
      resource: { attributes: g.resource },
      scopeLogs: [{ scope: { name: OTLP_SCOPE_NAME }, logRecords: g.logRecords }],
    })),
  };
}

function resourceAttributes(service: string, record: RecordView): OtlpKeyValue[] {
  const attributes: OtlpKeyValue[] = [{ key: 'service.name', value: { stringValue: service } }];
  if (record.hostname !== undefined) attributes.push({ key: 'host.name', value: { stringValue: record.hostname } });
  if (record.pid !== undefined) attributes.push({ key: 'process.pid', value: toAnyValue(record.pid) });
  return attributes;
}

function toLogRecord(record: RecordView): OtlpLogRecord {
  // Milliseconds to nanoseconds by appending digits: exact, where a multiplication would pass 2^53.
  const nanos = record.timeMs === undefined ? '0' : `${record.timeMs}000000`;
  const trace = readTraceContext(record.fields);
  // The trace ids go into their own record fields, not into the attributes as well.
  const attributes = toKeyValues(record.fields, trace?.keys);
  if (record.err !== undefined) attributes.push(...exceptionAttributes(record.err));
  if (record.id !== undefined) attributes.push({ key: 'log.record.uid', value: { stringValue: record.id } });
  const out: OtlpLogRecord = {
    timeUnixNano: nanos,
    observedTimeUnixNano: nanos,
    severityNumber: (record.level !== undefined ? OTLP_SEVERITY[record.level] : undefined) ?? 0,
    body: { stringValue: record.msg },
    attributes,
  };
  if (record.level !== undefined) out.severityText = record.level;
  if (trace !== undefined) {
    out.traceId = trace.traceId;
    out.spanId = trace.spanId;
    // The SDK writes 0 (not sampled) when flags are unknown; so do we, for identical output.
    out.flags = trace.flags ?? 0;
  }
  return out;
}

/**
 * `exception.type`, `exception.message` and `exception.stacktrace` are the
 * OpenTelemetry semantic conventions. The rest of the error (`code`, `cause`,
 * `errors` of an AggregateError) has no convention; it goes under the same
 * prefix so one query finds everything about the exception.
 */
function exceptionAttributes(err: ErrorView): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const [key, value] of Object.entries(err)) {
    if (value === undefined) continue;
    const name = key === 'stack' ? 'exception.stacktrace' : `exception.${key}`;
    out.push({ key: name, value: toAnyValue(value) });
  }
  return out;
}

/** `{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"..."}}`; int64 may come as a string or a number. */
export function readOtlpPartialSuccess(body: string): PartialResult | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined; // an empty or non-JSON 2xx body means full success
  }
  const partial = (parsed as { partialSuccess?: { rejectedLogRecords?: unknown; errorMessage?: unknown } } | null)?.partialSuccess;
  const rejected = Number(partial?.rejectedLogRecords ?? 0);
  if (!Number.isFinite(rejected) || rejected <= 0) return undefined;
  const message = typeof partial?.errorMessage === 'string' && partial.errorMessage !== '' ? partial.errorMessage : 'no reason given';
  return { retry: [], rejected: [], rejectedUnidentified: rejected, reason: `receiver rejected ${rejected} log records: ${message}` };
}
