import type { EventMap, Fields, Logger } from '../../core/Logger';
import type { LevelName } from '../../core/levels';
import { isError } from '../../core/serialize/Sanitizer';
import { define, isPlainObject } from '../../core/plainValues';
import { describe } from '../../core/serialize/Sanitizer';
import { bindMethods } from '../../core/bindMethods';

/** NestJS's log levels (`LogLevel` in @nestjs/common), in its order. */
export type NestLogLevel = 'verbose' | 'debug' | 'log' | 'warn' | 'error' | 'fatal';

/**
 * NestJS's `LoggerService`, declared here so that prodlog's types need no
 * @nestjs package: what `nestLogger()` returns is assignable to the
 * `LoggerService` of @nestjs/common (checked by the type tests).
 */
export interface NestLoggerService {
  log(message: unknown, ...optionalParams: unknown[]): void;
  error(message: unknown, ...optionalParams: unknown[]): void;
  warn(message: unknown, ...optionalParams: unknown[]): void;
  debug(message: unknown, ...optionalParams: unknown[]): void;
  verbose(message: unknown, ...optionalParams: unknown[]): void;
  fatal(message: unknown, ...optionalParams: unknown[]): void;
  setLogLevels(levels: NestLogLevel[]): void;
}

/** Nest's order of its levels, for its rule in `setLogLevels`. */
const NEST_ORDER: Readonly<Record<NestLogLevel, number>> = { verbose: 0, debug: 1, log: 2, warn: 3, error: 4, fatal: 5 };
const NEST_LEVELS = Object.keys(NEST_ORDER) as NestLogLevel[];

type WriteLevel = Exclude<LevelName, 'fatal'>;
const WRITE_LEVEL: Readonly<Record<NestLogLevel, WriteLevel>> = { verbose: 'debug', debug: 'debug', log: 'info', warn: 'warn', error: 'error', fatal: 'error' };

/** What Nest's ConsoleLogger takes for a stack trace (its `isStackFormat`). */
const STACK = /\n[ \t]+at .+:\d+:\d+/;

interface Parsed {
  readonly context: string | undefined;
  readonly stack: unknown;
  /** The message, then the other parameters. */
  readonly rest: readonly unknown[];
}

/**
 * A NestJS `LoggerService` that writes through a prodlog logger:
 * `app.useLogger(nestLogger(log))`, or `NestFactory.create(AppModule, {
 * logger: nestLogger(log) })`. prodlog does not load @nestjs: this is plain
 * code shaped like Nest's interface.
 *
 * - Levels: `log` writes info, `verbose` and `debug` debug, `warn` warn,
 *   `error` error. `fatal` writes at error with `nestLevel: "fatal"` and
 *   never exits: Nest calls it for a message it rates fatal and goes on (its
 *   ConsoleLogger prints and returns, and shutdown hooks still have to run);
 *   exiting inside a logging call would skip them. To end the process, call
 *   prodlog's `log.fatal()`.
 * - Parameters as Nest's ConsoleLogger reads them: a string last among two or
 *   more arguments is the context (the class name Nest's `new
 *   Logger('Name')` adds), written as `context`; plain objects among the
 *   parameters become fields; any other parameters go under `params`.
 * - `error(message, stack?, context?)`: an Error (as message or parameter)
 *   is serialised under `err` as prodlog serialises errors; a stack trace
 *   given as a string becomes `err` too (type and message from its first
 *   line, the stack as given), so the record carries a fingerprint.
 * - `setLogLevels(levels)` (Nest's `logger: ['error', 'warn']`, or
 *   `app.useLogger(levels)`) filters what Nest logs through this service,
 *   with Nest's own rule; prodlog's level still applies, and the rest of the
 *   service is not affected.
 * - Nothing throws at the caller.
 */
export function nestLogger<Events extends EventMap<Events>>(log: Logger<Events>): NestLoggerService {
  return new NestLogger(log as unknown as Logger);
}

class NestLogger implements NestLoggerService {
  /** The Nest levels written; undefined: all of them, until setLogLevels. */
  private enabled: ReadonlySet<NestLogLevel> | undefined;

  constructor(private readonly target: Logger) {
    bindMethods(this, ['log', 'error', 'warn', 'debug', 'verbose', 'fatal', 'setLogLevels']);
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('log', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('verbose', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  /**
   * The levels Nest writes through this service, with Nest's rule: a level
   * listed, or one at or above the highest listed; an empty list writes
   * nothing.
   */
  setLogLevels(levels: NestLogLevel[]): void {
    try {
      const listed = Array.isArray(levels) ? levels.filter((l): l is NestLogLevel => typeof l === 'string' && Object.hasOwn(NEST_ORDER, l)) : [];
      const highest = listed.reduce((max, l) => Math.max(max, NEST_ORDER[l]), -Infinity);
      this.enabled = new Set(NEST_LEVELS.filter((l) => listed.includes(l) || (listed.length > 0 && NEST_ORDER[l] >= highest)));
    } catch {
      // never throw at the caller
    }
  }

  private write(nestLevel: NestLogLevel, message: unknown, params: readonly unknown[]): void {
    const level = WRITE_LEVEL[nestLevel];
    if ((this.enabled !== undefined && !this.enabled.has(nestLevel)) || !this.target.isLevelEnabled(level)) return;
    let msg: string;
    let fields: Fields;
    try {
      const args = [message, ...params];
      const parsed = nestLevel === 'error' || nestLevel === 'fatal' ? withStack(args) : withContext(args);
      [msg, fields] = recordOf(parsed, nestLevel);
    } catch (err) {
      msg = 'nestLogger could not read the arguments of this call';
      fields = { prodlogError: describe(err) };
    }
    this.target[level](msg, fields);
  }
}

/** Nest's ConsoleLogger: with two arguments or more, a string last is the context. */
function withContext(args: readonly unknown[]): Parsed {
  if (args.length <= 1) return { context: undefined, stack: undefined, rest: args };
  const last = args[args.length - 1];
  return typeof last === 'string' ? { context: last, stack: undefined, rest: args.slice(0, -1) } : { context: undefined, stack: undefined, rest: args };
}

/** Nest's ConsoleLogger for error and fatal: `(message, stack?, context?)`, a stack told by its form. */
function withStack(args: readonly unknown[]): Parsed {
  if (args.length === 1) return withContext(args);
  if (args.length === 2) {
    const second = args[1];
    if (isStack(second) || second === undefined) return { context: undefined, stack: second, rest: [args[0]] };
    return withContext(args);
  }
  const trailing = args[args.length - 1];
  if (isStack(trailing)) return { ...withContext(args.slice(0, -1)), stack: trailing };
  const parsed = withContext(args);
  if (parsed.rest.length <= 1) return parsed;
  const last = parsed.rest[parsed.rest.length - 1];
  if (typeof last !== 'string' && last !== undefined) return parsed;
  return { context: parsed.context, stack: last, rest: parsed.rest.slice(0, -1) };
}

function isStack(value: unknown): value is string {
  return typeof value === 'string' && STACK.test(value);
}

/** The message and fields of a record: context first, then the message's and the parameters' fields. */
function recordOf(parsed: Parsed, nestLevel: NestLogLevel): [string, Fields] {
  const fields: Record<string, unknown> = {};
  if (parsed.context !== undefined) fields['context'] = parsed.context;
  if (nestLevel === 'fatal') fields['nestLevel'] = 'fatal';
  const [message, ...extra] = parsed.rest;
  let msg = '';
  let err: Error | undefined;
  const resolved = resolveMessage(message);
  if (typeof resolved === 'string') {
    msg = resolved;
  } else if (isError(resolved)) {
    err = resolved;
    msg = String(resolved.message);
  } else if (isPlainObject(resolved)) {
    // An object for a message: its keys are fields, its `message` (or `msg`) the message.
    const text = typeof resolved['message'] === 'string' ? 'message' : typeof resolved['msg'] === 'string' ? 'msg' : undefined;
    if (text !== undefined) msg = resolved[text] as string;
    for (const key of Object.keys(resolved)) if (key !== text) define(fields, key, resolved[key]);
  } else if (resolved !== undefined) {
    msg = typeof resolved === 'object' && resolved !== null ? JSON.stringify(resolved) ?? '' : String(resolved);
  }
  const others: unknown[] = [];
  for (const param of extra) {
    if (isPlainObject(param)) for (const key of Object.keys(param)) define(fields, key, param[key]);
    else if (err === undefined && isError(param)) err = param;
    else if (param !== undefined) others.push(param);
  }
  if (others.length > 0) fields['params'] = others;
  const stack = parsed.stack;
  if (typeof stack === 'string' && stack !== '') {
    if (err === undefined) err = errorFromStack(stack);
    else if (stack !== err.stack) fields['stack'] = stack;
  }
  if (err !== undefined) fields['err'] = err;
  return [msg, fields];
}

/** As Nest's ConsoleLogger: a class stands for its name, another function is a lazy message, called once. */
function resolveMessage(message: unknown): unknown {
  if (typeof message !== 'function') return message;
  if (Function.prototype.toString.call(message).startsWith('class ')) return (message as { name: string }).name;
  const value: unknown = (message as () => unknown)();
  return typeof value === 'function' ? String((value as { name?: unknown }).name ?? '') : value;
}

/**
 * An Error standing for a stack trace Nest passed as a string (`error(msg,
 * err.stack)`): its first line gives the type and message ("TypeError:
 * boom"), and the stack is kept as given, so that prodlog fingerprints it.
 */
function errorFromStack(stack: string): Error {
  const at = stack.search(/\n[ \t]+at /);
  const head = at < 0 ? stack : stack.slice(0, at);
  const match = /^([A-Za-z_$][\w$]*): ([\s\S]*)$/.exec(head);
  const err = new Error(match ? match[2] : head);
  if (match) Object.defineProperty(err, 'name', { value: match[1], enumerable: false, writable: true, configurable: true });
  Object.defineProperty(err, 'stack', { value: stack, enumerable: false, writable: true, configurable: true });
  return err;
}

