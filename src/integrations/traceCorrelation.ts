/** The part of @opentelemetry/api this uses; declared here so the package's types never need it installed. */
interface SpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}
interface OtelApi {
  readonly trace: { getActiveSpan(): { spanContext(): SpanContext } | undefined };
  isSpanContextValid(context: SpanContext): boolean;
}

interface TraceFields {
  trace_id: string;
  span_id: string;
  trace_flags: string;
}

let api: OtelApi | null | undefined;

/**
 * @opentelemetry/api if the service has it installed, else undefined. It is
 * an optional peer dependency: the require is tried once per process and
 * its failure is the normal case for a service without tracing.
 */
function otelApi(): OtelApi | undefined {
  if (api === undefined) {
    try {
      api = require('@opentelemetry/api') as OtelApi;
    } catch {
      api = null;
    }
  }
  return api ?? undefined;
}

/** W3C trace flags as OpenTelemetry's log correlation writes them: two hex digits, "01" when sampled. */
const FLAGS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Returned when no span is active: the merge below recognises it and allocates nothing. */
const NO_SPAN = Object.freeze({}) as Record<string, never>;

/**
 * The pino options that add `trace_id`, `span_id` and `trace_flags` of the
 * active span to every record, or no options at all when tracing is off or
 * @opentelemetry/api is not installed, so those services pay nothing. With
 * the API present, a record costs one getActiveSpan() call; only a record
 * logged inside a span gets a new object.
 */
export function traceCorrelation(enabled: boolean): {
  mixin?: () => object;
  mixinMergeStrategy?: (mergeObject: object, mixinObject: object) => object;
} {
  const otel = enabled ? otelApi() : undefined;
  if (!otel) return {};
  // Records logged in one span share its context object: validating the ids
  // (two regular expressions) once per span, not once per record, is most of
  // the cost of correlation.
  let lastContext: SpanContext | undefined;
  let lastValid = false;
  return {
    mixin(): object {
      const span = otel.trace.getActiveSpan();
      if (span === undefined) return NO_SPAN;
      const ctx = span.spanContext();
      if (ctx !== lastContext) {
        lastContext = ctx;
        lastValid = otel.isSpanContextValid(ctx);
      }
      if (!lastValid) return NO_SPAN;
      const fields: TraceFields = { trace_id: ctx.traceId, span_id: ctx.spanId, trace_flags: FLAGS[ctx.traceFlags & 0xff] ?? '00' };
      return fields;
    },
    // pino's default merge assigns the record's fields into the mixin object;
    // the record's own object may be the caller's, so it is never the target.
    mixinMergeStrategy: (mergeObject, mixinObject) => (mixinObject === NO_SPAN ? mergeObject : Object.assign(mixinObject, mergeObject)),
  };
}
