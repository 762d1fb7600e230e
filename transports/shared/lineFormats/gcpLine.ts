import type { LevelName } from '../../../src/core/levels';
import { ERROR_KEY, HOSTNAME_KEY, LEVEL_KEY, MESSAGE_KEY, NAME_KEY, PID_KEY, TIME_KEY } from '../../../src/core/record';
import { readTraceContext } from '../traceContext';
import type { LineFormat, LineFormatSettings } from './LineFormat';
import { errorObject, levelOfLabel, parseRecord, setField, splitLine, toLine } from './recordLine';

/**
 * Cloud Logging's LogSeverity for each level. `fatal` is CRITICAL, as the
 * syslog transport's severity 2 (Critical): ALERT means a person must act
 * at once and EMERGENCY that the system is unusable, which one process
 * exiting does not say.
 */
export const GCP_SEVERITY: Readonly<Record<LevelName, string>> = Object.freeze({
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
});

export const TRACE_KEY = 'logging.googleapis.com/trace';
export const SPAN_KEY = 'logging.googleapis.com/spanId';
export const SAMPLED_KEY = 'logging.googleapis.com/trace_sampled';
/** The field Error Reporting reads a stack from first, before `exception` and `message`. */
export const STACK_KEY = 'stack_trace';
const SERVICE_CONTEXT_KEY = 'serviceContext';

/**
 * Names the logging agent reads as the entry's own (severity, message,
 * time, trace) or that Error Reporting reads a stack from: a field with one
 * of these names is written as `<name>_`, so it cannot forge them (a field
 * `time` is already `time_`, as the logger writes it). Other special fields
 * (`logging.googleapis.com/labels`, `httpRequest`, ...) are left to the
 * service to set.
 */
const RESERVED: ReadonlySet<string> = new Set(['severity', 'message', 'timestamp', 'timestampSeconds', 'timestampNanos', STACK_KEY, TRACE_KEY, SPAN_KEY, SAMPLED_KEY]);

/** Fields that need more than a copy: trace ids or a name of RESERVED (and, at error and fatal, an error). */
const NEEDS_PARSE = /"(?:trace_id|traceId|severity|message|timestamp(?:Seconds|Nanos)?|stack_trace|logging\.googleapis\.com\/(?:trace|spanId|trace_sampled))":/;
const ERROR_FIELD = `"${ERROR_KEY}":`;

const OWN_HEAD: readonly string[] = [TIME_KEY, PID_KEY, HOSTNAME_KEY, NAME_KEY];
const OWN: ReadonlySet<string> = new Set([LEVEL_KEY, ...OWN_HEAD, MESSAGE_KEY]);

/**
 * Cloud Logging's structured record, as its agents read one from stdout or
 * a file (Cloud Run, GKE, the Ops Agent): `severity`, `time` (RFC 3339),
 * `pid`, `hostname`, `name`, the fields, `message` last. OpenTelemetry's
 * ids become `logging.googleapis.com/trace` (`projects/<id>/traces/<trace
 * id>` with a project id, the bare trace id without), `.../spanId` and
 * `.../trace_sampled`. An error or fatal record with an error carries its
 * stack in `stack_trace`, where Error Reporting reads it, and
 * `serviceContext: { service: <name> }` unless a field sets its own.
 *
 * A record whose fields need no change is rewritten as text, as in the ecs
 * format; any other is parsed and written anew.
 */
export function createGcpLine(settings: LineFormatSettings): LineFormat {
  const projectId = settings.gcpProjectId;
  return (line) => {
    const parts = splitLine(line);
    if (parts === undefined || NEEDS_PARSE.test(parts.fields) || (reportsStack(parts.level) && parts.fields.includes(ERROR_FIELD))) return gcpRecord(line, projectId);
    const { level, time, pid, hostname, name, fields, msg } = parts;
    return `{"severity":"${GCP_SEVERITY[level]}","time":${time},"pid":${pid},"hostname":${hostname},"name":${name}${fields === '' ? '' : `,${fields}`},"message":${msg}}\n`;
  };
}

/**
 * Only error and fatal records report their stack to Error Reporting: at
 * warn an error is one that was handled (a retry), and stays in `err`.
 */
function reportsStack(level: LevelName | undefined): boolean {
  return level === 'error' || level === 'fatal';
}

/** The same record, parsed and built key by key; a line that is not a JSON object is written as it is. Exported for the tests, which hold the text path to it. */
export function gcpRecord(line: string, projectId: string | undefined): string {
  const record = parseRecord(line);
  if (record === undefined) return line;
  const out: Record<string, unknown> = {};
  const level = levelOfLabel(record[LEVEL_KEY]);
  if (level !== undefined) out['severity'] = GCP_SEVERITY[level];
  for (const key of OWN_HEAD) if (Object.hasOwn(record, key)) out[key] = record[key];
  const trace = readTraceContext(record);
  const err = errorObject(record[ERROR_KEY]);
  const stack = reportsStack(level) && typeof err?.['stack'] === 'string' ? err['stack'] : undefined;
  for (const key of Object.keys(record)) {
    if (OWN.has(key) || trace?.keys.includes(key)) continue;
    if (key === ERROR_KEY && stack !== undefined) {
      // The stack moves to stack_trace rather than being written twice.
      const { stack: _moved, ...rest } = err!;
      out[key] = rest;
    } else {
      setField(out, RESERVED.has(key) ? `${key}_` : key, record[key]);
    }
  }
  if (trace !== undefined) {
    out[TRACE_KEY] = projectId === undefined ? trace.traceId : `projects/${projectId}/traces/${trace.traceId}`;
    out[SPAN_KEY] = trace.spanId;
    if (trace.flags !== undefined) out[SAMPLED_KEY] = (trace.flags & 1) === 1;
  }
  if (stack !== undefined) {
    out[STACK_KEY] = stack;
    const name = record[NAME_KEY];
    if (!Object.hasOwn(record, SERVICE_CONTEXT_KEY) && typeof name === 'string') out[SERVICE_CONTEXT_KEY] = { service: name };
  }
  if (Object.hasOwn(record, MESSAGE_KEY)) out['message'] = record[MESSAGE_KEY];
  return toLine(out);
}
