import type { LevelName, LevelSetting } from './levels';
import type { FatalExits } from './fatalMarker';
import type { TransportHealth } from './transport';
import type { LevelSnapshot, SetLevelOptions } from './LevelState';

export type { LevelSnapshot, SetLevelOptions };

/**
 * Fields of a record: an object whose own enumerable keys become keys of the
 * JSON line. Errors anywhere inside are serialised as
 * `{ type, message, stack, code?, cause?, errors? }`.
 */
export type Fields = object;

/**
 * The events a logger may emit, for `createLogger<Events>()`: each event name
 * maps to the type of its fields. An interface works as well as a type:
 *
 *     interface ShopEvents { 'order.placed': { orderId: string; total: number } }
 *
 * A field may not be called `event`: that key holds the event name.
 */
export type EventMap<Events> = { readonly [Name in keyof Events]: Fields & { readonly event?: never } };

/** The events of a logger created without an event map: `event()` accepts none. */
export type NoEvents = Record<never, never>;

/**
 * The levels an event may be logged at. Not fatal: an event records something
 * that happened, and FATAL exits the process (use `fatal()` for that).
 */
export type EventLevel = Exclude<LevelName, 'fatal'>;

/**
 * The arguments after the event name: its fields, then an optional level.
 * The fields may be left out only when every field of the event is optional.
 */
export type EventArgs<EventFields> = {} extends EventFields
  ? [fields?: EventFields, level?: EventLevel]
  : [fields: EventFields, level?: EventLevel];

/** The arguments of `event()`: one tuple per declared event, told apart by the name. */
export type EventCall<Events> = { [Name in keyof Events & string]: [name: Name, ...args: EventArgs<Events[Name]>] }[keyof Events & string];

export interface Logger<Events extends EventMap<Events> = NoEvents> {
  /**
   * The live effective minimum level of this logger: its module's level (the
   * longest matching entry of `levels`), else the root level; never below
   * the lowest level a transport takes.
   */
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
   * `fatal.timeout` to deliver, and exits with `fatal.exitCode`.
   */
  fatal(msg: string, fields?: Fields): never;
  fatal(err: Error, fields?: Fields): never;
  /**
   * Logs one of the events declared with `createLogger<Events>()`, checked at
   * compile time: an unknown name, a missing field or a field of the wrong
   * type is a type error. The record carries the name under `event` (and as
   * `msg`) and the fields beside it, at info unless `level` says otherwise.
   */
  // A property rather than a method, so its parameters are checked strictly:
  // a logger passes as Logger<E> only if it has every event of E.
  readonly event: (...call: EventCall<Events>) => void;
  /** A logger whose records all carry `bindings`; it keeps this logger's module and emits the same events. */
  child(bindings: Fields): Logger<Events>;
  /**
   * A logger for one module of the service: its records carry
   * `module: "<name>"`, nested modules join with a dot (`log.module('db').module('pool')`
   * is "db.pool"), and its level is the longest matching entry of the `levels`
   * table ("db.pool", then "db"), else the root level. `name` is dot-separated
   * names of letters, digits, `_` and `-`; anything else throws a RangeError.
   */
  module(name: string): Logger<Events>;
  /**
   * Changes the level of the whole tree (every logger made from the same
   * createLogger): the root level, or with `module` that module's entry. With
   * `ttl` ("10m", or milliseconds) the value before the change comes back when
   * it expires. The change is logged (`level changed`, and `level restored`
   * at expiry). Per-transport levels still apply. Throws a RangeError for a
   * level, module or ttl that is not one.
   */
  setLevel(level: LevelSetting, options?: SetLevelOptions): void;
  isLevelEnabled(level: LevelName): boolean;
  /** Resolves when every record logged before the call is written (file) or spooled (shippers). */
  flush(): Promise<void>;
  /**
   * With `delivered: true`, resolves once every record logged before the call
   * is also acknowledged by the shippers' receivers (or refused for good), or
   * at `timeoutMs` (default the configured `closeTimeout`), reporting what is still
   * pending: for serverless handlers and short jobs that must not end with
   * records in the spool.
   */
  flush(options: FlushOptions): Promise<DeliveryReport>;
  /** Flushes and closes every transport, once, within `closeTimeout`. Later records are dropped and counted. */
  close(): Promise<void>;
  health(): LoggerHealth;
  /**
   * Runs a scheduled task: logs `task started` and `task finished` (with
   * `durationMs`) at info, or `task failed` (with the error) at error and
   * rethrows. Resolves to what `fn` returns.
   */
  task<T>(name: string, fn: () => T | PromiseLike<T>): Promise<T>;
  /**
   * Runs `fn` as `task(name, fn)` every `every` ("60s", "5m"), for work
   * nobody awaits: a failure is logged at error (`task failed`) and never
   * rejects, so it cannot crash the service. A run still going when the next
   * is due is skipped and logged at warn (`task skipped`). The timer does not
   * keep the process alive on its own. Throws a RangeError on a malformed
   * `every`, where the schedule is set up.
   */
  schedule(name: string, every: ScheduleEvery, fn: () => unknown): ScheduledTask;
}

/** A duration as in the configuration: a whole number and a unit, "500ms", "60s", "5m", "1h", "1d", "1w". */
export type ScheduleEvery = `${number}${'ms' | 's' | 'm' | 'h' | 'd' | 'w'}`;

/** What `log.schedule()` returns. */
export interface ScheduledTask {
  /** Runs skipped so far because the previous run was still going. */
  readonly skipped: number;
  /** No further runs; a run under way finishes and is logged. */
  stop(): void;
}

export interface FlushOptions {
  readonly delivered: true;
  /** How long to wait for the receivers, in ms; default the logger's `closeTimeout`. */
  readonly timeoutMs?: number;
}

export interface DeliveryReport {
  /** Every record logged before the flush reached its receivers (or was refused for good). */
  readonly complete: boolean;
  /** Records logged before the flush still waiting for a receiver, over all shippers. */
  readonly pending: number;
  /** Per shipping transport. */
  readonly transports: readonly { readonly name: string; readonly pending: number }[];
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
  /** FATAL exits of earlier runs of the service, from the `fatal.marker` file read at startup. */
  readonly fatalExits: FatalExits;
  /** Records held for replayOnError that were dropped because their context held `maxRecords` already. */
  readonly replayDropped: number;
  /** The configured levels now: root, per module, and when temporary changes expire. */
  readonly levels: LevelSnapshot;
  /** Records not written because sampling suppressed them, per level (FATAL is never sampled); all 0 while `sampling` is off. */
  readonly suppressed: Readonly<Record<EventLevel, number>>;
  /** Records written without sampling because the interval already tracked as many keys as sampling keeps (10,000, or 1,000,000 characters of messages). */
  readonly unsampled: number;
  readonly transports: readonly TransportHealth[];
}
