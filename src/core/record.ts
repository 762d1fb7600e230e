import { levelName, type LevelName } from './levels';

/*
 * The record contract: the keys of a line the logger writes, their order and
 * how the level is written, for everything that writes or reads a record
 * (the logger's pino options, the sanitiser, the encoders, the syslog
 * header, the shipping transport's own warning, the memory transport).
 *
 *   {"level":"info","time":"2026-11-26T06:30:53.120Z","pid":41,"hostname":"web-1","name":"shop",<bindings, fields>,"msg":"order placed"}
 */

export const LEVEL_KEY = 'level';
export const TIME_KEY = 'time';
export const PID_KEY = 'pid';
export const HOSTNAME_KEY = 'hostname';
export const NAME_KEY = 'name';
/** The message: the last key of every record. */
export const MESSAGE_KEY = 'msg';
/** A serialised error, among the fields: `{ type, message, stack, fingerprint, code?, cause?, errors? }`; a field `err` that is not an Error is written as `err_`. */
export const ERROR_KEY = 'err';

/** The keys every record opens with, in the order they are written (pino: level, time, then its base bindings). */
export const HEAD_KEYS = Object.freeze([LEVEL_KEY, TIME_KEY, PID_KEY, HOSTNAME_KEY, NAME_KEY] as const);

/** The module of a module logger (`log.module("db")`): written by the logger, read by stores as a field like any other. */
export const MODULE_KEY = 'module';

/** Keys the logger writes itself: a field with one of these names is renamed `<key>_`, so it cannot forge them. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([...HEAD_KEYS, MESSAGE_KEY, MODULE_KEY]);

/** The logger's own keys, the serialised error included: every other key of a record (`module` too) is a field. */
export const OWN_KEYS: ReadonlySet<string> = new Set([...HEAD_KEYS, MESSAGE_KEY, ERROR_KEY]);

/** The head of a record: the level as its label, the time in ISO 8601, the process and the logger. */
export interface RecordHead {
  readonly [LEVEL_KEY]: LevelName;
  readonly [TIME_KEY]: string;
  readonly [PID_KEY]: number;
  readonly [HOSTNAME_KEY]: string;
  readonly [NAME_KEY]: string;
}

/** A record parsed back from its line. */
export type ParsedRecord = Readonly<Record<string, unknown>> & {
  readonly [LEVEL_KEY]: string;
  readonly [TIME_KEY]: string;
  readonly [MESSAGE_KEY]: string;
};

/** pino's `formatters.level`: the level is written as its label ("info"), not pino's number. */
export function levelField(label: string): Record<string, string> {
  return { [LEVEL_KEY]: label };
}

/** The level of a parsed record as a label: prodlog writes labels, pino's defaults (a foreign producer) numbers. */
export function levelLabel(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return levelName(value);
  return undefined;
}

/**
 * A record written by prodlog itself rather than through pino (the shipping
 * transport's warning about dropped records): the head, the fields, the
 * message last, one line. A field named like a key of the head or the
 * message is renamed `<key>_`, as the sanitiser does.
 */
export function formatRecord(head: RecordHead, fields: Readonly<Record<string, unknown>>, msg: string): string {
  const record: Record<string, unknown> = {};
  for (const key of HEAD_KEYS) record[key] = head[key];
  for (const key of Object.keys(fields)) {
    // Defined, not assigned: a field named "__proto__" stays a field.
    Object.defineProperty(record, RESERVED_KEYS.has(key) ? `${key}_` : key, { value: fields[key], enumerable: true, writable: true, configurable: true });
  }
  record[MESSAGE_KEY] = msg;
  return `${JSON.stringify(record)}\n`;
}
