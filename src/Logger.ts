import type { LevelName, LevelSetting } from './levels';
import type { TransportHealth } from './transport';

/**
 * Fields of a record: an object whose own enumerable keys become keys of the
 * JSON line. Errors anywhere inside are serialised as
 * `{ type, message, stack, code?, cause?, errors? }`.
 */
export type Fields = object;

export interface Logger {
  /** The effective minimum level of this logger. */
  readonly level: LevelSetting;
  /** Anything a programmer wants while debugging: "cache miss for key k". */
  debug(msg: string, fields?: Fields): void;
  /** User-initiated actions and system operations: startup, "order placed". */
  info(msg: string, fields?: Fields): void;
  /** A condition that could become an error: deprecated API, low disk, slow response. */
  warn(msg: string, fields?: Fields): void;
  /** Any and every error condition: "request failed", "upstream returned 500". */
  error(msg: string, fields?: Fields): void;
  error(err: Error, fields?: Fields): void;
  /**
   * An error that shuts the process down: writes the record, makes it and
   * every earlier record durable in every transport, gives shippers up to
   * `fatal.timeoutMs` to deliver, and exits with `fatal.exitCode`.
   */
  fatal(msg: string, fields?: Fields): never;
  fatal(err: Error, fields?: Fields): never;
  /** A logger whose records all carry `bindings`. */
  child(bindings: Fields): Logger;
  isLevelEnabled(level: LevelName): boolean;
  /** Resolves when every record logged before the call is written (file) or spooled (shippers). */
  flush(): Promise<void>;
  /** Flushes and closes every transport, once, within `closeTimeoutMs`. Later records are dropped and counted. */
  close(): Promise<void>;
  health(): LoggerHealth;
  /**
   * Runs a scheduled task: logs `task started` and `task finished` (with
   * `durationMs`) at info, or `task failed` (with the error) at error and
   * rethrows. Resolves to what `fn` returns.
   */
  task<T>(name: string, fn: () => T | PromiseLike<T>): Promise<T>;
}

export interface LoggerHealth {
  /** The logger's name, as in its records. */
  readonly name: string;
  /** True when every transport is ok and nothing has failed inside the logger. */
  readonly ok: boolean;
  readonly records: Readonly<Record<LevelName, number>>;
  /** Records logged after close(). */
  readonly droppedAfterClose: number;
  /** Records the logger could not serialise or a transport threw on (both should stay 0). */
  readonly internalErrors: number;
  readonly transports: readonly TransportHealth[];
}
