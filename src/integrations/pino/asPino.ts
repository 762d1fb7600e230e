import { EventEmitter } from 'node:events';
import pino from 'pino';
import type { Bindings, ChildLoggerOptions, LevelMapping, Logger as PinoLogger, SerializerFn } from 'pino';
import type { EventMap, Fields, Logger } from '../../core/Logger';
import { LEVELS, levelValue, type LevelName, type LevelSetting } from '../../core/levels';
import { StructuredLogger } from '../../core/StructuredLogger';
import { isError } from '../../core/serialize/Sanitizer';
import { interpolate, safeStringify } from './formatMessage';
import { describe, read } from '../../core/serialize/Sanitizer';
import { define } from '../../core/plainValues';
import { bindMethods } from '../../core/bindMethods';

/** The prodlog levels a pino call can write at; `fatal` has its own path (it exits). */
type WriteLevel = Exclude<LevelName, 'fatal'>;

/** pino's level values: `trace` (10) is written at debug, the others at the level of the same name. */
const PINO_LEVELS: Readonly<Record<string, number>> = Object.freeze({ trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 });
const FATAL_VALUE = 60;
const LEVEL_VALUES: Readonly<Record<LevelSetting, number>> = { ...LEVELS, silent: Infinity };

/** The level table of a facade: pino's, plus the custom levels of `child(_, { customLevels })`. */
interface LevelTable {
  readonly mapping: LevelMapping;
  /** The custom level names, which get a method each. */
  readonly custom: readonly string[];
}

/** What every facade made from one `asPino(log)` shares. */
interface Tree {
  /** The logger given to asPino, where the warning about `redact` is written. */
  readonly root: Logger;
  /** Whether the record saying that a child's `redact` option is not applied was written. */
  redactWarned: boolean;
}

/** The record of a pino call, as prodlog takes it. */
interface Call {
  readonly msg: string;
  readonly fields: Fields | undefined;
}

/** Keys pino leaves out of child bindings (its options were once passed there). */
const NOT_BINDINGS: ReadonlySet<string> = new Set(['level', 'serializers', 'formatters', 'customLevels']);

const { chindingsSym, stringifySym } = pino.symbols;

function noop(): void {}

/**
 * A prodlog logger with pino's interface, for libraries that take "a pino
 * logger" (Fastify's `loggerInstance`, pino-http's `logger`, ...). See
 * `asPino`.
 */
class PinoFacade extends EventEmitter implements PinoLogger {
  /** Calls on a new child, as pino does; replaceable. */
  onChild: (child: PinoLogger) => void = noop;
  readonly version: string = pino.version;
  readonly levels: LevelMapping;
  readonly useLevelLabels = false;
  readonly customLevels: Record<string, number>;
  readonly useOnlyCustomLevels = false;
  /** pino's no-op method. */
  readonly silent: (...args: unknown[]) => void = noop;

  constructor(
    private readonly tree: Tree,
    private target: Logger,
    /** This facade's own minimum (pino values), from `child(_, { level })`; -Infinity: none, the level state alone decides. */
    private ownMin: number,
    private readonly table: LevelTable,
    private readonly serializers: ReadonlyMap<string, SerializerFn> | undefined,
    private readonly prefix: string | undefined,
    private bound: Readonly<Record<string, unknown>>,
  ) {
    super();
    // Bound, as prodlog's methods are: `.catch(request.log.error)` keeps this logger (pino's would lose it).
    bindMethods(this, ['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
    this.levels = table.mapping;
    const custom: Record<string, number> = {};
    for (const name of table.custom) {
      const value = table.mapping.values[name]!;
      custom[name] = value;
      const level = writeLevelOf(value);
      Object.defineProperty(this, name, { value: (...args: unknown[]) => this.write(value, level, args), enumerable: false, writable: true, configurable: true });
    }
    this.customLevels = custom;
  }

  trace(...args: unknown[]): void {
    this.write(10, 'debug', args);
  }

  debug(...args: unknown[]): void {
    this.write(20, 'debug', args);
  }

  info(...args: unknown[]): void {
    this.write(30, 'info', args);
  }

  warn(...args: unknown[]): void {
    this.write(40, 'warn', args);
  }

  error(...args: unknown[]): void {
    this.write(50, 'error', args);
  }

  /**
   * prodlog's FATAL: writes the record, makes everything durable and exits
   * the process (pino's fatal writes and returns). Runs whatever the levels:
   * a FATAL exits even when its record is filtered out.
   */
  fatal(...args: unknown[]): void {
    const call = this.callOf(args);
    this.target.fatal(call.msg, call.fields);
  }

  /**
   * The effective level: this facade's own level from `child(_, { level })`
   * or the level of the prodlog logger, whichever is higher (a record below
   * either is not written).
   */
  get level(): string {
    const value = this.levelVal;
    return value === Infinity ? 'silent' : (this.table.mapping.labels[value] ?? 'silent');
  }

  /**
   * Changes the level in the prodlog logger's level state, as
   * `log.setLevel()` does (logged as `level changed`): the root level, or the
   * module's entry when the wrapped logger is a module logger. Every logger
   * of the tree follows (pino: this logger and its later children). This
   * facade drops its own level from `child(_, { level })`. `trace` sets
   * debug; a custom level sets the prodlog level below it and stays this
   * facade's own minimum; an unknown name changes nothing.
   */
  set level(level: string) {
    this.changeLevel(level);
  }

  get levelVal(): number {
    return Math.max(this.ownMin, levelValue(this.target.level));
  }

  get msgPrefix(): string | undefined {
    return this.prefix;
  }

  isLevelEnabled(level: string): boolean {
    if (typeof level !== 'string' || !Object.hasOwn(this.table.mapping.values, level)) return false; // 'silent' and unknown names, as pino
    const value = this.table.mapping.values[level]!;
    if (value < this.ownMin) return false;
    return this.target.isLevelEnabled(value >= FATAL_VALUE ? 'fatal' : writeLevelOf(value));
  }

  /**
   * A facade over `log.child(bindings)`. Of pino's options it honours
   * `level` (this child's own minimum, which can raise the prodlog
   * logger's level for this child but not lower it), `serializers`,
   * `msgPrefix` and `customLevels`; `formatters` is ignored (prodlog owns the
   * record's shape) and `redact` is not applied (see asPino).
   */
  child<ChildCustomLevels extends string = never>(bindings: Bindings, options?: ChildLoggerOptions<ChildCustomLevels>): PinoLogger<ChildCustomLevels> {
    let child: PinoFacade;
    try {
      child = this.makeChild(bindings, options);
    } catch {
      return this as unknown as PinoLogger<ChildCustomLevels>; // a Proxy that throws on every read: never throw at the caller
    }
    if (this.onChild !== noop) {
      try {
        this.onChild(child as unknown as PinoLogger);
      } catch {
        // the callback's failure is not the caller's
      }
    }
    return child as unknown as PinoLogger<ChildCustomLevels>;
  }

  /** A copy of the bindings given through this facade and its parents (those of the prodlog logger it was made from are not included). */
  bindings(): Bindings {
    return { ...this.bound };
  }

  /** Adds bindings to this facade's records from now on. */
  setBindings(bindings: Bindings): void {
    try {
      const safe = this.bindingsOf(bindings, this.serializers);
      if (Object.keys(safe).length === 0) return;
      this.target = this.target.child(safe);
      this.bound = { ...this.bound, ...safe };
    } catch {
      // never throw at the caller
    }
  }

  /** Flushes the prodlog logger (every transport); `cb` is called when that is done. */
  flush(cb?: (err?: Error) => void): void {
    const done = typeof cb === 'function' ? cb : undefined;
    this.target.flush().then(
      () => {
        if (done) process.nextTick(done);
      },
      (err: unknown) => {
        if (done) process.nextTick(done, err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  /** What pino-http's `customProps` reads: the bindings as pino would have serialised them. */
  get [chindingsSym](): string {
    const json = safeStringify(this.bound);
    return json.length > 2 ? `,${json.slice(1, -1)}` : '';
  }

  /** What pino-http's `customProps` calls: pino's safe JSON. */
  [stringifySym](value: unknown): string {
    return safeStringify(value);
  }

  private changeLevel(level: unknown): void {
    try {
      const value = this.valueOfLevel(level);
      if (value === undefined) return;
      const before = this.level;
      const beforeVal = this.levelVal;
      const setting: LevelSetting = value === Infinity ? 'silent' : value === FATAL_VALUE ? 'fatal' : writeLevelOf(value);
      const module = StructuredLogger.moduleOf(this.target);
      this.target.setLevel(setting, module ? { module } : undefined);
      // A custom level between prodlog's stays this facade's own minimum; a standard one leaves the level state alone to decide.
      this.ownMin = value > LEVEL_VALUES[setting] ? value : -Infinity;
      this.emit('level-change', this.level, this.levelVal, before, beforeVal, this);
    } catch {
      // never throw at the caller (a listener that throws included)
    }
  }

  /** The pino value of a level name (`silent`: Infinity), or undefined for a name this facade does not know. */
  private valueOfLevel(level: unknown): number | undefined {
    if (level === 'silent') return Infinity;
    if (typeof level !== 'string' || !Object.hasOwn(this.table.mapping.values, level)) return undefined;
    return this.table.mapping.values[level];
  }

  private makeChild(bindings: unknown, options: unknown): PinoFacade {
    const opts = isObject(options) ? (options as Record<string, unknown>) : undefined;
    let serializers = this.serializers;
    let table = this.table;
    let ownMin = this.ownMin;
    let prefix = this.prefix;
    if (opts !== undefined) {
      const given = Object.hasOwn(opts, 'serializers') ? opts['serializers'] : undefined;
      if (isObject(given)) serializers = withSerializers(serializers, given);
      const custom = Object.hasOwn(opts, 'customLevels') ? opts['customLevels'] : undefined;
      if (isObject(custom)) table = withCustomLevels(table, custom);
      const level = opts['level'];
      if (typeof level === 'string' && level !== '') {
        const value = level === 'silent' ? Infinity : Object.hasOwn(table.mapping.values, level) ? table.mapping.values[level] : undefined;
        if (value !== undefined) ownMin = value;
      }
      const msgPrefix = opts['msgPrefix'];
      if (typeof msgPrefix === 'string') prefix = (prefix ?? '') + msgPrefix;
      if (opts['redact'] !== undefined && opts['redact'] !== null) this.warnRedact();
    }
    const safe = isObject(bindings) ? this.bindingsOf(bindings, serializers) : {};
    const hasBindings = Object.keys(safe).length > 0;
    const target = hasBindings ? this.target.child(safe) : this.target;
    return new PinoFacade(this.tree, target, ownMin, table, serializers, prefix, hasBindings ? { ...this.bound, ...safe } : this.bound);
  }

  private warnRedact(): void {
    if (this.tree.redactWarned) return;
    this.tree.redactWarned = true;
    this.tree.root.warn('asPino: the child option "redact" is not applied; list the paths in the prodlog configuration (redact.paths)', {
      category: 'prodlog',
    });
  }

  /** The bindings with the serializers applied, as pino does when it makes a child. */
  private bindingsOf(bindings: object, serializers: ReadonlyMap<string, SerializerFn> | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(bindings)) {
      if (NOT_BINDINGS.has(key)) continue;
      const value = read(bindings, key);
      if (value !== undefined) define(out, key, serialise(serializers, key, value));
    }
    return out;
  }

  private write(value: number, level: WriteLevel, args: readonly unknown[]): void {
    // Checked before any work: a disabled call costs two comparisons.
    if (value < this.ownMin || !this.target.isLevelEnabled(level)) return;
    const call = this.callOf(args);
    this.target[level](call.msg, call.fields);
  }

  /**
   * pino's argument orders, as prodlog's `(msg, fields)`: `(obj, msg?,
   * ...args)`, `(msg, ...args)` and `(err, msg?)`. Never throws: a call whose
   * arguments cannot be read is logged with the reason.
   */
  private callOf(args: readonly unknown[]): Call {
    try {
      return this.parse(args);
    } catch (err) {
      return { msg: 'asPino could not read the arguments of this call', fields: { prodlogError: describe(err) } };
    }
  }

  private parse(args: readonly unknown[]): Call {
    const first = args[0];
    let obj: object | undefined;
    let message: unknown;
    let from: number;
    if (typeof first === 'object' && first !== null) {
      // prodlog's own (err, fields), as code typed with prodlog's Logger writes it: pino would make the object the message.
      if (args.length === 2 && isError(first) && isObject(args[1])) return { msg: textOf(read(first, 'message') ?? ''), fields: { ...this.fieldsOf(args[1], false), err: first } };
      obj = httpWrapped(first);
      message = args[1];
      from = 2;
    } else if (first === undefined || first === null) {
      message = args[1];
      from = 2;
    } else {
      message = first;
      from = 1;
    }
    if (message !== undefined && message !== null) {
      const text = this.prefix === undefined ? message : this.prefix + textOf(message);
      const rest = args.slice(from);
      if (typeof text !== 'string') return { msg: nonStringMessage(text, rest), fields: obj === undefined ? undefined : this.fieldsOf(obj, false) };
      const { text: msg, used } = interpolate(text, rest);
      // prodlog's own (msg, fields): an object no placeholder took, which pino would drop, is the record's fields.
      if (obj === undefined && rest.length === 1 && used === 0 && isObject(rest[0])) return { msg, fields: this.fieldsOf(rest[0], false) };
      return { msg, fields: obj === undefined ? undefined : this.fieldsOf(obj, false) };
    }
    if (obj === undefined) return { msg: '', fields: undefined };
    if (isError(obj)) return { msg: textOf(read(obj, 'message') ?? ''), fields: { err: obj } };
    // No message: the object's own `msg`, or its error's message, as pino writes it.
    const own = read(obj, 'msg');
    if (own !== undefined) return { msg: textOf(own), fields: this.fieldsOf(obj, true) };
    const err = read(obj, 'err');
    const errMessage = isObject(err) ? read(err, 'message') : undefined;
    return { msg: errMessage === undefined ? '' : textOf(errMessage), fields: this.fieldsOf(obj, false) };
  }

  /** The object's own keys with the serializers applied (an Error is left to prodlog), without `msg` when it became the message. */
  private fieldsOf(obj: object, withoutMsg: boolean): Fields {
    if (isError(obj)) return { err: obj };
    const serializers = this.serializers;
    if (serializers === undefined && !withoutMsg) return obj; // prodlog copies it, reading each property once
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
      if (withoutMsg && key === 'msg') continue;
      const value = read(obj, key);
      if (value !== undefined) define(out, key, serialise(serializers, key, value));
    }
    return out;
  }
}

/**
 * Wraps a prodlog logger so that it passes for a pino logger where a library
 * expects one: `Fastify({ loggerInstance: asPino(log) })`,
 * `pinoHttp({ logger: asPino(log) })`. Records are written by `log` (its
 * transports, redaction, sanitiser and level), so they look like every other
 * prodlog record.
 *
 * - `trace` writes at debug; `debug` to `error` at their level; `fatal` runs
 *   prodlog's FATAL sequence and exits (pino's only writes); `silent` does
 *   nothing.
 * - Arguments as pino takes them: `(obj, msg?, ...args)`, `(msg, ...args)`
 *   with `%s %d %i %f %j %o %O %%`, `(err, msg?)`. An Error first, or under
 *   `err`, gets prodlog's error serialisation (`err`, with fingerprint); with
 *   no message, the message is the object's `msg` or its error's message.
 *   prodlog's own orders `(msg, fields)` and `(err, fields)` are taken too
 *   (pino would drop the object, or make it the message): code typed with
 *   prodlog's `Logger` (`req.log` where prodlog's request types win) writes
 *   the record it means. Nothing throws at the caller.
 * - `child(bindings, { level, serializers, msgPrefix, customLevels })`;
 *   serializers apply to the top-level keys of bindings and records, except
 *   to an Error, which prodlog serialises.
 * - `level` reads the effective level (live); setting it changes the level
 *   state of the prodlog logger's tree through `log.setLevel()` (the root
 *   level, or the module's entry for a module logger): `trace` sets debug.
 *   A child's own `level` option can raise the level for that child, not
 *   lower it below the tree's.
 * - `isLevelEnabled`, `levels`, `levelVal`, `version`, `bindings()`,
 *   `setBindings()`, `flush(cb?)`, `msgPrefix`, `onChild`, and the
 *   'level-change' event for changes made through this facade's `level`.
 */
export function asPino<Events extends EventMap<Events>>(log: Logger<Events>): PinoLogger {
  const root = log as unknown as Logger;
  // A level table per asPino(): a library that writes to `levels` changes its own loggers only.
  const facade = new PinoFacade({ root, redactWarned: false }, root, -Infinity, tableOf(PINO_LEVELS, []), undefined, undefined, {});
  return facade as unknown as PinoLogger;
}

/** The prodlog level a pino level value writes at: below info is debug, and a custom level above error is error (only `fatal` exits). */
function writeLevelOf(value: number): WriteLevel {
  if (value < 30) return 'debug';
  if (value < 40) return 'info';
  if (value < 50) return 'warn';
  return 'error';
}

function tableOf(values: Readonly<Record<string, number>>, custom: readonly string[]): LevelTable {
  const labels: Record<number, string> = {};
  for (const [name, value] of Object.entries(values)) labels[value] = name;
  return { mapping: { values: { ...values }, labels }, custom };
}

/** The table with the custom levels added; a name pino already has, or a value that is not a finite number, is left out. */
function withCustomLevels(table: LevelTable, given: object): LevelTable {
  const values: Record<string, number> = { ...table.mapping.values };
  const custom = [...table.custom];
  for (const name of Object.keys(given)) {
    const value = read(given, name);
    if (typeof value !== 'number' || !Number.isFinite(value) || Object.hasOwn(values, name) || name in PinoFacade.prototype || RESERVED_METHOD_NAMES.has(name)) continue;
    values[name] = value;
    custom.push(name);
  }
  return custom.length === table.custom.length ? table : tableOf(values, custom);
}

/** Names a custom level may not take: the facade's own members and EventEmitter's. */
const RESERVED_METHOD_NAMES: ReadonlySet<string> = new Set(['onChild', 'version', 'levels', 'useLevelLabels', 'customLevels', 'useOnlyCustomLevels', 'silent', 'tree', 'target', 'ownMin', 'table', 'serializers', 'prefix', 'bound', '__proto__', 'constructor']);

/** The parent's serializers with the given ones over them; like pino, inherited keys count (Fastify chains route serializers by prototype). */
function withSerializers(parent: ReadonlyMap<string, SerializerFn> | undefined, given: object): ReadonlyMap<string, SerializerFn> {
  const out = new Map(parent);
  for (const key in given) {
    const fn = read(given, key);
    if (typeof fn === 'function') out.set(key, fn as SerializerFn);
  }
  return out;
}

function serialise(serializers: ReadonlyMap<string, SerializerFn> | undefined, key: string, value: unknown): unknown {
  const fn = serializers?.get(key);
  if (fn === undefined || isError(value)) return value;
  try {
    return fn(value);
  } catch (err) {
    return `[serializer threw: ${describe(err)}]`;
  }
}

/** pino logs a node:http request or response given as the object under `req` or `res`. */
function httpWrapped(obj: object): object {
  const o = obj as { method?: unknown; headers?: unknown; socket?: unknown; setHeader?: unknown };
  if (o.method && o.headers && o.socket) return { req: obj };
  if (typeof o.setHeader === 'function') return { res: obj };
  return obj;
}

/** A message that is not a string, as text: pino would write it as a JSON value; prodlog's message is a string. */
function nonStringMessage(message: unknown, args: readonly unknown[]): string {
  if (typeof message === 'object' && message !== null) return [message, ...args].map(safeStringify).join(' ');
  return typeof message === 'function' ? '' : textOf(message);
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return safeStringify(value);
  try {
    return String(value);
  } catch (err) {
    return `[unprintable: ${describe(err)}]`;
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

