import { ERROR_KEY, HOSTNAME_KEY, LEVEL_KEY, levelLabel, MESSAGE_KEY, NAME_KEY, OWN_KEYS, PID_KEY, TIME_KEY } from '../../../src/core/record';
import type { SpoolRecord } from '../../shipping/Sink';

/** A serialised error as the logger writes it under `err`. */
export interface ErrorView {
  readonly type?: string;
  readonly message?: string;
  readonly stack?: string;
  readonly code?: string | number;
  readonly cause?: unknown;
  readonly errors?: unknown;
}

/** A parsed record: the logger's own keys typed, the rest as `fields` in their written order. */
export interface RecordView {
  readonly level: string | undefined;
  /** Milliseconds since the epoch, or undefined when `time` is missing or unreadable. */
  readonly timeMs: number | undefined;
  /** The record's own `time` text, kept as written. */
  readonly time: string | undefined;
  readonly msg: string;
  readonly name: string | undefined;
  readonly hostname: string | undefined;
  readonly pid: number | undefined;
  readonly err: ErrorView | undefined;
  readonly fields: Readonly<Record<string, unknown>>;
  /** The line without its trailing newline. */
  readonly line: string;
  readonly id: string | undefined;
}

/**
 * Parses one spooled line. Never throws: a line that is not a JSON object
 * (a torn write, a foreign producer) becomes a record whose message is the
 * raw text, so it is still delivered and visible rather than lost.
 */
export function readRecord(record: SpoolRecord): RecordView {
  const line = stripNewline(record.line);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { level: undefined, timeMs: undefined, time: undefined, msg: line, name: undefined, hostname: undefined, pid: undefined, err: undefined, fields: {}, line, id: record.id };
  }
  const obj = parsed as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  const err = isObject(obj[ERROR_KEY]) ? (obj[ERROR_KEY] as ErrorView) : undefined;
  for (const key of Object.keys(obj)) {
    // A non-object `err` is a plain field the caller chose to call err, not a serialised error.
    if (!OWN_KEYS.has(key) || (key === ERROR_KEY && err === undefined)) setField(fields, key, obj[key]);
  }
  const rawTime = obj[TIME_KEY];
  const time = typeof rawTime === 'string' ? rawTime : undefined;
  const timeMs = time === undefined ? (typeof rawTime === 'number' ? rawTime : undefined) : Date.parse(time);
  const msg = obj[MESSAGE_KEY];
  const pid = obj[PID_KEY];
  return {
    level: levelLabel(obj[LEVEL_KEY]),
    timeMs: timeMs === undefined || Number.isNaN(timeMs) ? undefined : timeMs,
    time,
    msg: typeof msg === 'string' ? msg : msg === undefined ? '' : JSON.stringify(msg),
    name: stringOrUndefined(obj[NAME_KEY]),
    hostname: stringOrUndefined(obj[HOSTNAME_KEY]),
    pid: typeof pid === 'number' ? pid : undefined,
    err,
    fields,
    line,
    id: record.id,
  };
}

/**
 * Sets an own data property. A field named "__proto__" (JSON.parse makes it
 * an own key) stays data: assigned, it would set the prototype and lend the
 * record inherited keys such as trace_id. An ordinary object, not a
 * prototype-less one, which V8 keeps as a slow dictionary (docs/design.md,
 * "Records parsed once, into ordinary objects").
 */
export function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function stringOrUndefined(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function stripNewline(line: string): string {
  return line.endsWith('\n') ? line.slice(0, -1) : line;
}
