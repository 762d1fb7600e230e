import { ERROR_KEY, HOSTNAME_KEY, LEVEL_KEY, MESSAGE_KEY, NAME_KEY, PID_KEY, TIME_KEY } from '../../../src/core/record';
import { readTraceContext } from '../traceContext';
import type { LineFormat } from './LineFormat';
import { errorObject, parseRecord, setField, splitLine, toLine } from './recordLine';

/**
 * The ECS version @elastic/ecs-pino-format writes (its @elastic/ecs-helpers
 * `version`); test/transports/shared/line-formats.test.ts compares the
 * records with that package's own.
 */
export const ECS_VERSION = '8.10.0';

/**
 * Names the ecs format writes itself, and the roots of the ECS field sets
 * they belong to: a field with one of these names is written as `<name>_`,
 * so it can neither forge them nor clash with their mapping (a string
 * `event` beside `event.dataset` is refused by an ECS index template).
 */
const RESERVED: ReadonlySet<string> = new Set([
  '@timestamp',
  'message',
  'log',
  'log.level',
  'log.logger',
  'process',
  'process.pid',
  'host',
  'host.hostname',
  'ecs',
  'ecs.version',
  'service',
  'service.name',
  'event',
  'event.dataset',
  'error',
  'trace',
  'trace.id',
  'span',
  'span.id',
]);

/**
 * Fields that need more than a copy: an error, trace ids, or a name of
 * RESERVED or under one of its roots. A nested key of the same name is a
 * false alarm, which only costs the record a parse.
 */
const NEEDS_PARSE = /"(?:err|trace_id|traceId|(?:@timestamp|message|log|process|host|ecs|service|event|error|trace|span)(?:\.[^"\\]*)?)":/;

const OWN: ReadonlySet<string> = new Set([LEVEL_KEY, TIME_KEY, PID_KEY, HOSTNAME_KEY, NAME_KEY, MESSAGE_KEY]);

/**
 * Elastic Common Schema as @elastic/ecs-pino-format writes it for
 * `pino({ name })` with `ecsFormat({ serviceName: name })`: `log.level`,
 * `@timestamp`, `process.pid`, `host.hostname`, `log.logger`,
 * `ecs.version`, `service.name`, `event.dataset` (dotted keys at the top,
 * as that package writes them), the fields, `message` last. An error is
 * `error: { type, message, stack_trace, ... }`; OpenTelemetry's ids are
 * `trace.id` and `span.id`. What differs from that package, and why, is in
 * the README ("Record formats").
 *
 * A record whose fields need no change (no error, no trace ids, no
 * reserved name) is rewritten as text: a new head, the fields' text as it
 * is, the message renamed. Any other is parsed and written anew.
 */
export function createEcsLine(): LineFormat {
  return (line) => {
    const parts = splitLine(line);
    if (parts === undefined || NEEDS_PARSE.test(parts.fields)) return ecsRecord(line);
    const { level, time, pid, hostname, name, fields, msg } = parts;
    return (
      `{"log.level":"${level}","@timestamp":${time},"process.pid":${pid},"host.hostname":${hostname},"log.logger":${name},` +
      `"ecs.version":"${ECS_VERSION}","service.name":${name},"event.dataset":${name}${fields === '' ? '' : `,${fields}`},"message":${msg}}\n`
    );
  };
}

/** The same record, parsed and built key by key; a line that is not a JSON object is written as it is. Exported for the tests, which hold the text path to it. */
export function ecsRecord(line: string): string {
  const record = parseRecord(line);
  if (record === undefined) return line;
  const out: Record<string, unknown> = {};
  const copy = (from: string, to: string): void => {
    if (Object.hasOwn(record, from)) out[to] = record[from];
  };
  copy(LEVEL_KEY, 'log.level');
  copy(TIME_KEY, '@timestamp');
  copy(PID_KEY, 'process.pid');
  copy(HOSTNAME_KEY, 'host.hostname');
  copy(NAME_KEY, 'log.logger');
  out['ecs.version'] = ECS_VERSION;
  copy(NAME_KEY, 'service.name');
  copy(NAME_KEY, 'event.dataset');
  const trace = readTraceContext(record);
  const err = errorObject(record[ERROR_KEY]);
  for (const key of Object.keys(record)) {
    if (OWN.has(key) || trace?.keys.includes(key) || (key === ERROR_KEY && err !== undefined)) continue;
    setField(out, RESERVED.has(key) ? `${key}_` : key, record[key]);
  }
  if (trace !== undefined) {
    out['trace.id'] = trace.traceId;
    out['span.id'] = trace.spanId;
  }
  if (err !== undefined) out['error'] = ecsError(err);
  copy(MESSAGE_KEY, 'message');
  return toLine(out);
}

/** `{ type, message, stack_trace }` as ecs-pino-format writes them, then what prodlog adds: `code` (a string, as ECS's `error.code` is a keyword), `fingerprint`, `cause`, `errors`. */
function ecsError(err: Record<string, unknown>): Record<string, unknown> {
  const { type, message, stack, code, ...rest } = err;
  return { type, message, stack_trace: stack, ...(code === undefined ? {} : { code: String(code) }), ...rest };
}
