/**
 * The trace context of a record, from the field names OpenTelemetry's log
 * correlation writes: read by the http formats (OTLP, Elasticsearch) and by
 * the console and file line formats (ecs, gcp).
 */
export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly flags: number | undefined;
  /** The field names the ids were read from, so they are not repeated as attributes. */
  readonly keys: readonly string[];
}

/**
 * `trace_id`/`span_id`/`trace_flags` are what OpenTelemetry's pino
 * instrumentation injects; `traceId`/`spanId`/`traceFlags` what services
 * writing their own correlation usually pick. Ids count only when they are
 * valid: lower-case hex of the right length and not all zeros.
 */
const NAMINGS = [
  ['trace_id', 'span_id', 'trace_flags'],
  ['traceId', 'spanId', 'traceFlags'],
] as const;

const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;
const SPAN_ID = /^(?!0{16})[0-9a-f]{16}$/;

export function readTraceContext(fields: Readonly<Record<string, unknown>>): TraceContext | undefined {
  for (const [traceKey, spanKey, flagsKey] of NAMINGS) {
    const traceId = fields[traceKey];
    const spanId = fields[spanKey];
    if (typeof traceId !== 'string' || typeof spanId !== 'string') continue;
    if (!TRACE_ID.test(traceId) || !SPAN_ID.test(spanId)) continue;
    const flags = parseFlags(fields[flagsKey]);
    const keys = flags === undefined ? [traceKey, spanKey] : [traceKey, spanKey, flagsKey];
    return { traceId, spanId, flags, keys };
  }
  return undefined;
}

/** W3C trace flags: a byte, written by OpenTelemetry as two hex digits ("01"). */
function parseFlags(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255) return v;
  if (typeof v === 'string' && /^[0-9a-f]{2}$/i.test(v)) return Number.parseInt(v, 16);
  return undefined;
}
