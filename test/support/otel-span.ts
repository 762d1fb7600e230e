import { context, trace, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
export const SPAN_ID = 'b7ad6b7169203331';

/** Registers OpenTelemetry's context manager for the test file (beforeAll), and removes it after. */
export function useOtelContext(): void {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(() => {
    context.disable();
  });
}

/** The active context with a span of TRACE_ID and SPAN_ID in it (sampled unless `traceFlags` is 0). */
export function inSpan(traceFlags = 1): Context {
  return trace.setSpan(context.active(), trace.wrapSpanContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags }));
}
