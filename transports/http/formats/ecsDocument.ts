import { setField, type RecordView } from './readRecord';
import { readTraceContext } from '../../shared/traceContext';

/** The ECS version the documents follow. */
export const ECS_VERSION = '8.11.0';

/** Top-level names this mapping writes; a field of the same name is renamed `<name>_` so it cannot clash with the ECS mapping. */
const ECS_ROOTS: ReadonlySet<string> = new Set(['@timestamp', 'message', 'log', 'service', 'host', 'process', 'error', 'trace', 'span', 'transaction', 'ecs', 'event']);

/**
 * A record as an Elastic Common Schema document: `@timestamp`, `log.level`,
 * `message`, `service.name`, `host.hostname`, `process.pid`,
 * `error.{type,message,stack_trace,code}`, `trace.id`, `span.id`. Fields
 * with no ECS counterpart stay at the top level under their own names, as
 * Elastic's own ecs-logging libraries do.
 */
export function ecsDocument(record: RecordView, serviceName: string, timestamp: string): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    '@timestamp': timestamp,
    'log.level': record.level,
    message: record.msg,
    ecs: { version: ECS_VERSION },
    service: { name: record.name ?? serviceName },
  };
  if (record.hostname !== undefined) doc['host'] = { hostname: record.hostname };
  if (record.pid !== undefined) doc['process'] = { pid: record.pid };
  if (record.err !== undefined) {
    const { type, message, stack, code, ...rest } = record.err;
    doc['error'] = { type, message, stack_trace: stack, ...(code === undefined ? {} : { code: String(code) }), ...rest };
  }
  const trace = readTraceContext(record.fields);
  if (trace !== undefined) {
    doc['trace'] = { id: trace.traceId };
    doc['span'] = { id: trace.spanId };
  }
  for (const [key, value] of Object.entries(record.fields)) {
    if (trace?.keys.includes(key)) continue;
    // setField: a field named "__proto__" is written as a field, not a prototype change.
    setField(doc, ECS_ROOTS.has(key) ? `${key}_` : key, value);
  }
  return doc;
}
