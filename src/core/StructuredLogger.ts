import type { Logger as PinoLogger, LogFn } from 'pino';
import { LEVELS, settingAtLeast, type LevelName, type LevelSetting } from './levels';
import { bindMethods, LOGGER_METHODS } from './bindMethods';
import { LevelState, type LevelCell, type SetLevelOptions } from './LevelState';
import { isModuleName, MODULE_NAME_WORDS } from './moduleName';
import { activeContext, type LogContext } from './context/logContext';
import { HeldRecords, type HeldRecord } from './context/HeldRecords';
import { atRecordTime } from './recordClock';
import type { DeliveryReport, EventLevel, EventMap, Fields, FlushOptions, Logger, LoggerHealth, NoEvents, ScheduledTask, ScheduleEvery } from './Logger';
import { ERROR_KEY, MODULE_KEY, NAME_KEY, REPLAYED_KEY, RESERVED_KEYS } from './record';
import { truncateString } from './serialize/limits';
import { isError, type JsonFields, type Sanitizer } from './serialize/Sanitizer';
import type { SampledLevel } from './Sampler';

type LevelMethod = (msg: string, fields?: Fields) => void;

/** The body of `log.task()`; the composition root supplies it. */
export type TaskRunner = <T>(log: Logger, name: string, fn: () => T | PromiseLike<T>) => Promise<T>;

/** The body of `log.schedule()`; the composition root supplies it. */
export type ScheduleRunner = (log: Logger, name: string, every: ScheduleEvery, fn: () => unknown) => ScheduledTask;

/** replayOnError, resolved: records from `minLevel` up that the level filters out are held per context. */
export interface ReplaySettings {
  readonly minLevel: number;
  readonly maxRecords: number;
}

/** What a logger and all its children share (LoggerCore): the sanitiser, the counters and the lifecycle. */
export interface LoggerBackend {
  readonly sanitizer: Sanitizer;
  readonly maxStringLength: number;
  readonly runTask: TaskRunner;
  readonly runSchedule: ScheduleRunner;
  /** The tree's levels: the root level, the per-module table and the cells loggers read. */
  readonly levels: LevelState;
  /** The root pino logger, which nested module loggers are bound on. */
  readonly rootPino: PinoLogger;
  /** replayOnError, or undefined when it is off. */
  readonly replay: ReplaySettings | undefined;
  /** A context's fields, sanitised once (per context and core). */
  sanitizedContext(fields: object): JsonFields;
  /** A held record dropped because its context held `maxRecords` already. */
  countReplayDropped(): void;
  /** False once the transports are closed: the record is then dropped, and counted. */
  accepting(): boolean;
  /** Whether a record of (level, msg) is written (sampling counts what it suppresses); undefined when sampling is off. */
  readonly sample: ((level: SampledLevel, msg: string) => boolean) | undefined;
  countInternalError(): void;
  fatal(writeRecord: () => void): never;
  flush(): Promise<void>;
  flushDelivered(timeoutMs?: number): Promise<DeliveryReport>;
  close(): Promise<void>;
  health(): LoggerHealth;
}

const NO_KEYS: ReadonlySet<string> = new Set();

/** The key of a record that holds the event name. */
const EVENT_KEY = 'event';
/**
 * An event's own keys: a field called `event` (only an untyped caller can
 * pass one) is kept as `event_`, as the logger does for its other own keys,
 * so it cannot forge the name.
 */
const EVENT_RESERVED_KEYS: ReadonlySet<string> = new Set([...RESERVED_KEYS, EVENT_KEY]);
const EVENT_LEVELS: Readonly<Record<EventLevel, true>> = { debug: true, info: true, warn: true, error: true };

/**
 * Set by a logger that stands in for another, getLogger()'s (which finds the
 * root at each call): a function giving the logger it writes through now,
 * so that the helpers below (the level endpoint, asPino's level setter, the
 * request logger's error count) reach that logger's tree.
 */
export const STANDS_IN_FOR: unique symbol = Symbol.for('prodlog.standsInFor');

/** The logger behind a stand-in, or the value itself. */
function behind(log: unknown): unknown {
  if (typeof log !== 'object' || log === null) return log;
  const resolve = (log as { [STANDS_IN_FOR]?: unknown })[STANDS_IN_FOR];
  return typeof resolve === 'function' ? (resolve as () => unknown).call(log) : log;
}

/**
 * The typed front end over a pino logger. Each call first reads the live
 * minimum of the logger's module from its level cell (recomputed when a level
 * changes, never looked up per call), so a disabled call does no other work.
 * Enabled calls sanitise the fields (see Sanitizer) and hand them to pino,
 * which serialises them after the precomputed level, time and bindings.
 * Nothing here throws at the caller.
 */
export class StructuredLogger<Events extends EventMap<Events> = NoEvents> implements Logger<Events> {
  readonly debug: LevelMethod;
  readonly info: LevelMethod;
  readonly warn: LevelMethod;
  readonly error: Logger['error'];
  readonly event: Logger<Events>['event'];

  /**
   * @param cell the live minimum of this logger's module, shared with every logger of that module
   * @param moduleName the module of this logger ("" for none)
   */
  constructor(
    private readonly core: LoggerBackend,
    private readonly pino: PinoLogger,
    private readonly cell: LevelCell,
    private readonly moduleName: string,
    private readonly boundKeys: ReadonlySet<string> = NO_KEYS,
  ) {
    // Closures made once per logger, so `const { info } = log` and `.catch(log.error)` keep this logger
    // and its bindings and follow level changes. Whether a level is held for replayOnError never
    // changes, so it is decided here: a disabled call is one property read and two comparisons.
    const replay = core.replay;
    const holdsDebug = replay !== undefined && LEVELS.debug >= replay.minLevel;
    const holdsInfo = replay !== undefined && LEVELS.info >= replay.minLevel;
    const holdsWarn = replay !== undefined && LEVELS.warn >= replay.minLevel;
    this.debug = (msg, fields) => {
      if (cell.min <= LEVELS.debug) this.emit('debug', msg, fields);
      else if (holdsDebug) this.hold('debug', msg, fields);
    };
    this.info = (msg, fields) => {
      if (cell.min <= LEVELS.info) this.emit('info', msg, fields);
      else if (holdsInfo) this.hold('info', msg, fields);
    };
    this.warn = (msg, fields) => {
      if (cell.min <= LEVELS.warn) this.emit('warn', msg, fields);
      else if (holdsWarn) this.hold('warn', msg, fields);
    };
    this.error = ((msgOrErr: string | Error, fields?: Fields) => {
      if (cell.min <= LEVELS.error) this.logError(msgOrErr, fields);
    }) as Logger['error'];
    // The implementation takes any call; the type (resolved only per Events) is checked at the caller's site.
    this.event = this.logEvent.bind(this) as unknown as Logger<Events>['event'];
    bindMethods(this, LOGGER_METHODS);
  }

  /** The live effective level of this logger: its module's (or the root's), never below what a transport takes. */
  get level(): LevelSetting {
    return settingAtLeast(this.cell.min);
  }

  /**
   * Counts an internal error on the logger behind `log`: for an integration
   * whose application hook threw (a request logger's `fields`, say). A
   * Logger prodlog did not make, such as a test double, has no such count.
   */
  static countInternalError(log: unknown): void {
    const real = behind(log);
    if (real instanceof StructuredLogger) real.core.countInternalError();
  }

  private logError(msgOrErr: string | Error, fields?: Fields): void {
    if (typeof msgOrErr !== 'string' && isError(msgOrErr)) this.emitError(msgOrErr, fields);
    else this.emit('error', msgOrErr, fields);
  }

  fatal(msgOrErr: string | Error, fields?: Fields): never {
    // FATAL exits even when its record is filtered out (level "silent"), and writes it even
    // after close(): every transport still open takes it, and stderr gets it if one cannot.
    return this.core.fatal(() => {
      if (this.cell.min > LEVELS.fatal) return;
      if (this.core.replay !== undefined) this.replayHeld();
      if (typeof msgOrErr !== 'string' && isError(msgOrErr)) this.writeError(this.pino.fatal, msgOrErr, fields);
      else this.write(this.pino.fatal, msgOrErr, fields);
    });
  }

  private logEvent(name: string, fields?: unknown, level?: EventLevel): void {
    const levelName = level !== undefined && Object.hasOwn(EVENT_LEVELS, level) ? level : 'info';
    if (LEVELS[levelName] < this.cell.min) return; // checked before any work, as for a disabled level method
    const method = this.pino[levelName];
    const core = this.core;
    if (!this.admits(levelName, name)) return;
    if (levelName === 'error' && core.replay !== undefined) this.replayHeld();
    try {
      const text = truncateString(String(name), core.maxStringLength);
      // The event name first, then the fields, built as one object.
      const head = { [EVENT_KEY]: text };
      let record: JsonFields;
      if (fields === undefined || fields === null) record = head;
      else if (typeof fields === 'object') record = core.sanitizer.fields(fields, EVENT_RESERVED_KEYS, head);
      else record = { [EVENT_KEY]: text, fields: core.sanitizer.value(fields) }; // untyped callers
      method.call(this.pino, this.inContext(record, EVENT_KEY), text);
    } catch (err) {
      this.emitInternalError(method, err);
    }
  }

  child(bindings: Fields): Logger<Events> {
    try {
      const safe = bindings !== null && typeof bindings === 'object' ? withObjectPrototype(this.core.sanitizer.fields(bindings)) : {};
      return new StructuredLogger<Events>(this.core, this.pino.child(safe), this.cell, this.moduleName, new Set([...this.boundKeys, ...Object.keys(safe)]));
    } catch {
      this.core.countInternalError();
      return this;
    }
  }

  module(name: string): Logger<Events> {
    if (!isModuleName(name)) throw new RangeError(`module: ${JSON.stringify(name)} is not a module name: ${MODULE_NAME_WORDS}`);
    const full = this.moduleName === '' ? name : `${this.moduleName}.${name}`;
    return new StructuredLogger<Events>(this.core, this.moduleChild(full), this.core.levels.cell(full), full, this.boundKeys);
  }

  /**
   * pino appends a child's bindings to its parent's, so a nested module is
   * bound on a child of the root with this logger's other bindings: its line
   * has one `module` key, first among the bindings.
   */
  private moduleChild(full: string): PinoLogger {
    if (this.moduleName === '') return this.pino.child({ [MODULE_KEY]: full });
    const { [MODULE_KEY]: _parent, [NAME_KEY]: _name, ...others } = this.pino.bindings();
    return this.core.rootPino.child({ [MODULE_KEY]: full, ...others });
  }

  /** The level state of a logger's tree, for the level endpoint and signal (which name another source than "api"). */
  static levelStateOf(log: Logger): LevelState | undefined {
    const real = behind(log);
    return real instanceof StructuredLogger ? real.core.levels : undefined;
  }

  /** The module of a logger ("" for none), for asPino's level setter, which changes the level of the logger it wraps. */
  static moduleOf(log: Logger): string | undefined {
    const real = behind(log);
    return real instanceof StructuredLogger ? real.moduleName : undefined;
  }

  setLevel(level: LevelSetting, options?: SetLevelOptions): void {
    this.core.levels.set(level, options, 'api');
  }

  isLevelEnabled(level: LevelName): boolean {
    return this.cell.min <= LEVELS[level];
  }

  flush(): Promise<void>;
  flush(options: FlushOptions): Promise<DeliveryReport>;
  flush(options?: FlushOptions): Promise<void | DeliveryReport> {
    return options?.delivered ? this.core.flushDelivered(options.timeoutMs) : this.core.flush();
  }

  close(): Promise<void> {
    return this.core.close();
  }

  health(): LoggerHealth {
    return this.core.health();
  }

  task<T>(name: string, fn: () => T | PromiseLike<T>): Promise<T> {
    return this.core.runTask(this, name, fn);
  }

  schedule(name: string, every: ScheduleEvery, fn: () => unknown): ScheduledTask {
    return this.core.runSchedule(this, name, every, fn);
  }

  private emit(level: SampledLevel, msg: unknown, fields: unknown): void {
    if (!this.admits(level, msg)) return;
    if (level === 'error' && this.core.replay !== undefined) this.replayHeld();
    this.write(this.pino[level], msg, fields);
  }

  private emitError(err: Error, fields: Fields | undefined): void {
    if (!this.admits('error', err)) return;
    if (this.core.replay !== undefined) this.replayHeld();
    this.writeError(this.pino.error, err, fields);
  }

  /**
   * Whether an enabled record is written: the logger is still open, and
   * sampling (when on) lets its (level, msg) through. Reached only after the
   * level check, so a disabled call pays nothing for it. A record without a
   * key (a message that is not a string, from an untyped caller) is never sampled.
   * The key is made only when sampling is on.
   */
  private admits(level: SampledLevel, message: unknown): boolean {
    const core = this.core;
    if (!core.accepting()) return false;
    if (core.sample === undefined) return true;
    const key = typeof message === 'string' ? truncateString(message, core.maxStringLength) : isError(message) ? plainMessage(message, core.maxStringLength) : undefined;
    return key === undefined || core.sample(level, key);
  }

  private write(method: LogFn, msg: unknown, fields: unknown): void {
    const core = this.core;
    try {
      const text = typeof msg === 'string' ? truncateString(msg, core.maxStringLength) : this.messageOf(msg);
      const safe = this.inContext(this.safeFields(fields));
      if (safe === undefined) method.call(this.pino, text);
      else method.call(this.pino, safe, text);
    } catch (err) {
      this.emitInternalError(method, err);
    }
  }

  private writeError(method: LogFn, err: Error, fields: Fields | undefined): void {
    const core = this.core;
    try {
      const safeFields = core.sanitizer.withError(err, fields !== null && typeof fields === 'object' ? fields : undefined);
      const message = safeFields[ERROR_KEY] as { message?: unknown } | undefined;
      method.call(this.pino, this.inContext(safeFields), typeof message?.message === 'string' ? message.message : 'error');
    } catch (e) {
      this.emitInternalError(method, e);
    }
  }

  /**
   * replayOnError: a record below the level, logged inside a context, is
   * kept there (sanitised now, with its time) in case the context logs an
   * error later; outside a context it is gone, as any filtered record.
   */
  private hold(level: HeldRecord['level'], msg: unknown, fields: unknown): void {
    const replay = this.core.replay;
    const context = activeContext();
    if (replay === undefined || context === undefined) return;
    const core = this.core;
    try {
      const text = typeof msg === 'string' ? truncateString(msg, core.maxStringLength) : this.messageOf(msg);
      const safe = this.inContext(this.safeFields(fields), undefined, context);
      const held = (context.replay.held ??= new HeldRecords(replay.maxRecords));
      if (held.hold({ writer: this, level, msg: text, fields: safe, timeMs: Date.now() })) core.countReplayDropped();
    } catch {
      core.countInternalError();
    }
  }

  /** The call's fields made JSON-safe by the sanitiser (errors, node:http objects, secrets), as without a context. */
  private safeFields(fields: unknown): JsonFields | undefined {
    if (fields === undefined || fields === null) return undefined;
    if (typeof fields === 'object') return this.core.sanitizer.fields(fields);
    return { fields: this.core.sanitizer.value(fields) }; // untyped callers
  }

  /**
   * The record's fields with the active context's before them: the context's
   * fields sanitised like a call's, without the keys the call sets (the call
   * wins) or the logger binds (the binding stands, so no key is written
   * twice). `first` (the event name) stays first. Outside a context, `safe`
   * as it is: one lookup.
   */
  private inContext(safe: JsonFields | undefined, first?: string, context: LogContext | undefined = activeContext()): JsonFields | undefined {
    if (context === undefined) return safe;
    const fromContext = this.core.sanitizedContext(context.fields);
    const out = Object.create(null) as JsonFields;
    if (first !== undefined && safe !== undefined && Object.hasOwn(safe, first)) out[first] = safe[first];
    for (const key of Object.keys(fromContext)) {
      if (!this.boundKeys.has(key) && (safe === undefined || !Object.hasOwn(safe, key))) out[key] = fromContext[key];
    }
    if (safe !== undefined) for (const key of Object.keys(safe)) if (key !== first) out[key] = safe[key];
    return out;
  }

  /** Writes, before an error record, the records its context held, in order, each with its own time and `replayed: true`. */
  private replayHeld(): void {
    const held = activeContext()?.replay.held;
    if (held === undefined) return;
    for (const record of held.take()) record.writer.writeReplayed(record);
  }

  writeReplayed(record: HeldRecord): void {
    try {
      atRecordTime(record.timeMs, () => this.pino[record.level]({ ...record.fields, [REPLAYED_KEY]: true }, record.msg));
    } catch {
      this.core.countInternalError();
    }
  }

  /** A message that is not a string (untyped callers) is logged as its JSON-safe form. */
  private messageOf(msg: unknown): string {
    const value = this.core.sanitizer.value(msg);
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  }

  /** Last resort: the record could not be built, so log that fact in its place. */
  private emitInternalError(method: LogFn, err: unknown): void {
    this.core.countInternalError();
    try {
      method.call(this.pino, { prodlogError: String(err) }, 'prodlog could not serialise this record');
    } catch {
      // nothing more can be done without throwing at the caller
    }
  }
}

/**
 * The message `log.error(err)` writes, as its sampling key, when the error
 * holds it as a plain own property: read without running a getter, which the
 * sanitiser must run only once. Otherwise undefined, and the record is not sampled.
 */
function plainMessage(err: Error, max: number): string | undefined {
  try {
    const value: unknown = Object.getOwnPropertyDescriptor(err, 'message')?.value;
    return typeof value === 'string' ? truncateString(value, max) : undefined;
  } catch {
    return undefined; // a Proxy's trap threw; the sanitiser says so in the record
  }
}

/**
 * pino reads child bindings with `bindings.hasOwnProperty(key)`, which a
 * prototype-less object (the sanitiser's copy) lacks. Own properties are
 * defined one by one, so a key named "__proto__" stays data.
 */
function withObjectPrototype(fields: Record<string, unknown>): Record<string, unknown> {
  if (Object.getPrototypeOf(fields) === Object.prototype) return fields;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    Object.defineProperty(out, key, { value: fields[key], enumerable: true, writable: true, configurable: true });
  }
  return out;
}
