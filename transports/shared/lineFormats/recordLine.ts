import { LEVELS, type LevelName } from '../../../src/core/levels';
import { HOSTNAME_KEY, LEVEL_KEY, MESSAGE_KEY, NAME_KEY, PID_KEY, TIME_KEY } from '../../../src/core/record';

/*
 * A record line as the logger writes it (src/core/record.ts), taken apart
 * without parsing it, for the line formats: its head values as JSON text,
 * the text of its fields, and its message.
 *
 *   {"level":"info","time":"2026-11-26T06:30:53.120Z","pid":41,"hostname":"web-1","name":"shop",<fields>,"msg":"order placed"}
 *
 * A format rewrites the head and the message and copies the fields' text as
 * it is, when no field needs a change; anything else is parsed whole
 * (parseRecord) and written anew.
 */

/** The parts of a record line, each as JSON text (a string with its quotes and escapes). */
export interface LineParts {
  readonly level: LevelName;
  readonly time: string;
  readonly pid: string;
  readonly hostname: string;
  readonly name: string;
  /** The fields between the head and the message, without the commas around them; "" when there are none. */
  readonly fields: string;
  readonly msg: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;

const LEVEL_OPEN = `{"${LEVEL_KEY}":"`;
const TIME_OPEN = `,"${TIME_KEY}":`;
const PID_OPEN = `,"${PID_KEY}":`;
const HOSTNAME_OPEN = `,"${HOSTNAME_KEY}":`;
const NAME_OPEN = `,"${NAME_KEY}":`;
/** The message: the last key, its value a string. A string's text never holds an unescaped quote, so the last match is the record's own. */
const MESSAGE_OPEN = `,"${MESSAGE_KEY}":"`;

const LEVEL_BY_LABEL: ReadonlyMap<string, LevelName> = new Map(Object.keys(LEVELS).map((name) => [name, name as LevelName]));

/** The level of a label, or undefined for anything else ("toString" included). */
export function levelOfLabel(label: unknown): LevelName | undefined {
  return typeof label === 'string' ? LEVEL_BY_LABEL.get(label) : undefined;
}

/**
 * The parts of a line the logger wrote, or undefined when the line is not
 * in that shape (a format then parses it whole). Reads the line once, from
 * both ends; never throws.
 */
export function splitLine(line: string): LineParts | undefined {
  const end = line.charCodeAt(line.length - 1) === NEWLINE ? line.length - 1 : line.length;
  if (!line.startsWith(LEVEL_OPEN) || line.charCodeAt(end - 1) !== CLOSE_BRACE) return undefined;
  const labelEnd = line.indexOf('"', LEVEL_OPEN.length);
  const level = levelOfLabel(line.slice(LEVEL_OPEN.length, labelEnd));
  if (level === undefined) return undefined;
  const timeAt = labelEnd + 1 + TIME_OPEN.length;
  if (!line.startsWith(TIME_OPEN, labelEnd + 1)) return undefined;
  const timeEnd = stringEnd(line, timeAt);
  if (timeEnd < 0 || !line.startsWith(PID_OPEN, timeEnd)) return undefined;
  const pidAt = timeEnd + PID_OPEN.length;
  const pidEnd = digitsEnd(line, pidAt);
  if (pidEnd === pidAt || !line.startsWith(HOSTNAME_OPEN, pidEnd)) return undefined;
  const hostnameAt = pidEnd + HOSTNAME_OPEN.length;
  const hostnameEnd = stringEnd(line, hostnameAt);
  if (hostnameEnd < 0 || !line.startsWith(NAME_OPEN, hostnameEnd)) return undefined;
  const nameAt = hostnameEnd + NAME_OPEN.length;
  const nameEnd = stringEnd(line, nameAt);
  if (nameEnd < 0) return undefined;
  const messageAt = line.lastIndexOf(MESSAGE_OPEN, end);
  if (messageAt < nameEnd) return undefined;
  if (messageAt > nameEnd && line.charCodeAt(nameEnd) !== COMMA) return undefined;
  const msgAt = messageAt + MESSAGE_OPEN.length - 1;
  // The message must close right before the record does: a non-string message would end otherwise.
  if (stringEnd(line, msgAt) !== end - 1) return undefined;
  return {
    level,
    time: line.slice(timeAt, timeEnd),
    pid: line.slice(pidAt, pidEnd),
    hostname: line.slice(hostnameAt, hostnameEnd),
    name: line.slice(nameAt, nameEnd),
    fields: messageAt === nameEnd ? '' : line.slice(nameEnd + 1, messageAt),
    msg: line.slice(msgAt, end - 1),
  };
}

/** Where the JSON string opening at `at` ends (just past its closing quote), or -1. */
function stringEnd(line: string, at: number): number {
  if (line.charCodeAt(at) !== QUOTE) return -1;
  let from = at;
  for (;;) {
    const quote = line.indexOf('"', from + 1);
    if (quote < 0) return -1;
    let backslashes = 0;
    while (line.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote;
  }
}

function digitsEnd(line: string, at: number): number {
  let i = at;
  for (let c = line.charCodeAt(i); c >= 0x30 && c <= 0x39; c = line.charCodeAt(++i));
  return i;
}

/** A line parsed whole, or undefined when it is not a JSON object: a format then writes the line as it is. */
export function parseRecord(line: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

/** Sets an own data property: a field named "__proto__" (JSON.parse makes it an own key) stays a field. */
export function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** A serialised error under `err` (an object); a non-object `err` is a plain field. */
export function errorObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** One JSON line from an object built by a format. */
export function toLine(record: Record<string, unknown>): string {
  return `${JSON.stringify(record)}\n`;
}
