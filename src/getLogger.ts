import { createLogger } from './createLogger';
import type { DeliveryReport, EventMap, Fields, FlushOptions, Logger, LoggerHealth, NoEvents, ScheduledTask, ScheduleEvery, SetLevelOptions } from './core/Logger';
import type { LevelName, LevelSetting } from './core/levels';
import { isModuleName, MODULE_NAME_WORDS } from './core/moduleName';
import { STANDS_IN_FOR } from './core/StructuredLogger';
import { createRootForGetLogger, currentRoot } from './rootLogger';
import { bindMethods, LOGGER_METHODS } from './core/bindMethods';

/** One logger per name (and one for the root itself), so getLogger('db') === getLogger('db'). */
const byName = new Map<string, Logger<NoEvents>>();

/**
 * The process's root logger, or with a name its module logger,
 * `root.module(name)`: records carry `module: name`, and the `levels` table
 * sets its level. The root is the first logger created with
 * createLogger() from the config file (no `transports` in its options), or
 * the one created with `root: true`; when there is none yet, getLogger()
 * creates it, as createLogger() with no options would: from the config file
 * ($PRODLOG_CONFIG, else ./prodlog.config.json) and the environment.
 *
 * The logger returned finds the root at its first use, not at the call, so a
 * module may call getLogger('db') at import time, before the service's main
 * code creates its logger: its records go to that logger. Throws ConfigError
 * at that first use if it has to create the root and the file is wrong.
 *
 * `Events` types `event()` as in createLogger<Events>(). A name that is not
 * a module name throws a RangeError, as `module()` does.
 */
export function getLogger<Events extends EventMap<Events> = NoEvents>(name?: string): Logger<Events> {
  if (name !== undefined && !isModuleName(name)) throw new RangeError(`getLogger: ${JSON.stringify(name) ?? String(name)} is not a module name: ${MODULE_NAME_WORDS}`);
  const key = name ?? '';
  let log = byName.get(key);
  if (log === undefined) {
    log = new DeferredLogger(key === '' ? undefined : key) as unknown as Logger<NoEvents>;
    byName.set(key, log);
  }
  return log as unknown as Logger<Events>;
}

function rootLogger(): Logger<NoEvents> {
  let root = currentRoot();
  if (root === undefined) {
    createRootForGetLogger(() => createLogger());
    root = currentRoot();
    if (root === undefined) throw new Error('prodlog: getLogger() could not create the root logger');
  }
  return root;
}

/**
 * A logger that writes through the root logger of the moment, found at each
 * call (one comparison once found): the root may be created after this
 * logger (a module's getLogger() at import time, the service's createLogger()
 * in main), or replaced (`root: true`, a closed root's successor).
 */
class DeferredLogger implements Logger<NoEvents> {
  private resolvedFor: Logger<NoEvents> | undefined;
  private resolved: Logger<NoEvents> | undefined;
  readonly event: Logger<NoEvents>['event'];

  constructor(private readonly moduleName: string | undefined) {
    this.event = ((name: unknown, fields: unknown, level: unknown) => (this.target().event as unknown as (n: unknown, f: unknown, l: unknown) => void)(name, fields, level)) as Logger<NoEvents>['event'];
    bindMethods(this, ['debug', 'info', 'warn', 'error', ...LOGGER_METHODS]);
  }

  /** The logger this one writes through now (see STANDS_IN_FOR): levelHandler, asPino and requestLogger reach it. */
  [STANDS_IN_FOR](): Logger<NoEvents> {
    return this.target();
  }

  private target(): Logger<NoEvents> {
    const root = rootLogger();
    if (root !== this.resolvedFor || this.resolved === undefined) {
      this.resolved = this.moduleName === undefined ? root : root.module(this.moduleName);
      this.resolvedFor = root;
    }
    return this.resolved;
  }

  get level(): LevelSetting {
    return this.target().level;
  }

  debug(msg: string, fields?: Fields): void {
    this.target().debug(msg, fields);
  }

  info(msg: string, fields?: Fields): void {
    this.target().info(msg, fields);
  }

  warn(msg: string, fields?: Fields): void {
    this.target().warn(msg, fields);
  }

  error(msg: string, fields?: Fields): void;
  error(err: Error, fields?: Fields): void;
  error(msgOrErr: string | Error, fields?: Fields): void {
    this.target().error(msgOrErr as string, fields);
  }

  fatal(msg: string, fields?: Fields): never;
  fatal(err: Error, fields?: Fields): never;
  fatal(msgOrErr: string | Error, fields?: Fields): never {
    return this.target().fatal(msgOrErr as string, fields);
  }

  child(bindings: Fields): Logger<NoEvents> {
    return this.target().child(bindings) as unknown as Logger<NoEvents>;
  }

  /** Nested as `root.module('db').module('pool')` is ("db.pool"), and like this one, found at its first use. */
  module(name: string): Logger<NoEvents> {
    if (!isModuleName(name)) throw new RangeError(`module: ${JSON.stringify(name) ?? String(name)} is not a module name: ${MODULE_NAME_WORDS}`);
    return getLogger(this.moduleName === undefined ? name : `${this.moduleName}.${name}`);
  }

  setLevel(level: LevelSetting, options?: SetLevelOptions): void {
    this.target().setLevel(level, options);
  }

  isLevelEnabled(level: LevelName): boolean {
    return this.target().isLevelEnabled(level);
  }

  flush(): Promise<void>;
  flush(options: FlushOptions): Promise<DeliveryReport>;
  flush(options?: FlushOptions): Promise<void | DeliveryReport> {
    return options === undefined ? this.target().flush() : this.target().flush(options);
  }

  close(): Promise<void> {
    return this.target().close();
  }

  health(): LoggerHealth {
    return this.target().health();
  }

  task<T>(name: string, fn: () => T | PromiseLike<T>): Promise<T> {
    return this.target().task(name, fn);
  }

  schedule(name: string, every: ScheduleEvery, fn: () => unknown): ScheduledTask {
    return this.target().schedule(name, every, fn);
  }
}
