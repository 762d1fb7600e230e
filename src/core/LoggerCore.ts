import type { Logger as PinoLogger } from 'pino';
import type { Fanout } from './Fanout';
import { LEVELS, type LevelSetting } from './levels';
import { reportDropsAtExit } from './dropsAtExit';
import type { DeliveryReport, EventMap, Logger, LoggerHealth, NoEvents } from './Logger';
import { CoalescedRun } from './CoalescedRun';
import { formatDuration } from './config/parseDuration';
import { LevelState, type LevelChange } from './LevelState';
import { NO_FATAL_EXITS, readFatalMarker, recordFatalExit, type FatalExits } from './fatalMarker';
import { NestedFatalError } from './NestedFatalError';
import { Sampler, ZERO_BY_LEVEL, type SampledLevel, type SamplingSettings } from './Sampler';
import { register, unregister, type CrashKind, type ProcessBoundLogger } from './processHooks';
import { writeStderr } from './writeStderr';
import type { Limits } from './serialize/limits';
import { toError, type JsonFields, type Sanitizer } from './serialize/Sanitizer';
import { StructuredLogger, type LoggerBackend, type ReplaySettings, type ScheduleRunner, type TaskRunner } from './StructuredLogger';

export type ExitFunction = (code: number) => never;

/**
 * close() waits this much past closeTimeoutMs: shippers spend up to their own
 * closeTimeoutMs (the same 5 s by default) trying to deliver, and then need a
 * moment to save the delivery position and release the spool.
 */
export const CLOSE_GRACE_MS = 1_000;

/** The settings of the configuration that the core itself uses. */
export interface CoreSettings {
  /** Run the FATAL sequence on uncaught exceptions and unhandled rejections. */
  readonly capture: boolean;
  readonly fatal: { readonly exitCode: number; readonly timeoutMs: number };
  readonly closeTimeoutMs: number;
  readonly limits: Limits;
  /** replayOnError, or undefined when it is off. */
  readonly replay: ReplaySettings | undefined;
  readonly sampling: SamplingSettings;
}

/** What the composition root (createLogger) builds a core from. */
export interface CoreParts {
  readonly settings: CoreSettings;
  /** The record name, reported by health(). */
  readonly name: string;
  /** The root level. */
  readonly level: LevelSetting;
  /** Per-module levels (the `levels` table). */
  readonly modules: Readonly<Record<string, LevelSetting>>;
  /** The lowest level any transport takes: no logger's minimum goes below it. */
  readonly floor: number;
  readonly fanout: Fanout;
  readonly sanitizer: Sanitizer;
  /** The root pino logger, whose destination is `fanout`. */
  readonly pino: PinoLogger;
  readonly exit: ExitFunction;
  /** The body of `log.task()`. */
  readonly runTask: TaskRunner;
  /** The body of `log.schedule()`. */
  readonly runSchedule: ScheduleRunner;
  /** The file FATAL exits are counted in (`fatal.marker`), or undefined to count none. */
  readonly fatalMarker: string | undefined;
}

/**
 * What a root logger and all its children share: the pino instance's
 * destination, the transports, the sanitiser, counters and the lifecycle
 * (flush, close, FATAL, crash capture). It creates the root logger, and
 * registers with the process-wide hooks once it has one.
 */
export class LoggerCore<Events extends EventMap<Events> = NoEvents> implements ProcessBoundLogger, LoggerBackend {
  /** The root logger: process-wide features (health and metrics endpoints) report on it. */
  readonly log: Logger<Events>;
  readonly name: string;
  readonly sanitizer: Sanitizer;
  readonly runTask: TaskRunner;
  readonly runSchedule: ScheduleRunner;
  readonly levels: LevelState;
  private readonly fanout: Fanout;
  /**
   * Set by close() once everything logged so far is flushed, as it closes
   * the transports: from then on records are dropped, counted, and the count
   * is reported on stderr at exit. Records logged while close() flushes are
   * kept.
   */
  private closed = false;
  private dropped = 0;
  private internalErrors = 0;
  private replayDropped = 0;
  private readonly settings: CoreSettings;
  private readonly exitFn: ExitFunction;
  /** The root pino logger: crash records and the logger's own records are written through it, nested module loggers bound on it. */
  readonly rootPino: PinoLogger;
  readonly maxStringLength: number;
  /** replayOnError, or undefined when it is off. */
  readonly replay: ReplaySettings | undefined;
  /** Context fields, sanitised once per context by this core's sanitiser (a context's fields never change). */
  private readonly contextFields = new WeakMap<object, JsonFields>();
  private closing: Promise<void> | undefined;
  private exiting = false;
  /** FATAL sequences under way on the current stack: more than one means a fatal() inside another. */
  private fatalDepth = 0;
  private readonly flusher: CoalescedRun;
  private readonly detachListeners: Array<() => void> = [];
  private readonly fatalMarker: string | undefined;
  /** FATAL exits of earlier runs, read from the marker at creation (this run's own exit is the next start's to report). */
  private readonly fatalExits: FatalExits;
  /** Flood control (the `sampling` key); undefined when it is off. */
  private readonly sampler: Sampler | undefined;
  /** Whether a record of (level, msg) is written: always, unless sampling suppresses it. */
  /** Sampling's decision for an enabled record; undefined when sampling is off. */
  readonly sample: ((level: SampledLevel, msg: string) => boolean) | undefined;

  constructor(parts: CoreParts) {
    this.settings = parts.settings;
    this.name = parts.name;
    this.fanout = parts.fanout;
    this.sanitizer = parts.sanitizer;
    this.exitFn = parts.exit;
    this.rootPino = parts.pino;
    this.maxStringLength = parts.settings.limits.maxStringLength;
    this.replay = parts.settings.replay;
    this.runTask = parts.runTask;
    this.runSchedule = parts.runSchedule;
    this.fatalMarker = parts.fatalMarker;
    this.fatalExits = parts.fatalMarker === undefined ? NO_FATAL_EXITS : readFatalMarker(parts.fatalMarker);
    this.flusher = new CoalescedRun(() => this.fanout.flush());
    const sampler = parts.settings.sampling.enabled ? new Sampler(parts.settings.sampling, (level, msg, n) => this.logSuppressed(level, msg, n)) : undefined;
    this.sampler = sampler;
    this.sample = sampler === undefined ? undefined : (level, msg) => sampler.admits(level, msg);
    this.levels = new LevelState(parts.level, parts.modules, parts.floor, (change) => this.logLevelChange(change));
    this.log = new StructuredLogger<Events>(this, parts.pino, this.levels.cell(''), '');
    register(this, parts.settings.capture);
  }

  /**
   * `level changed` (or `level restored` when a ttl expires), at info whatever
   * the logger's level: the record explains why the volume of records changed.
   */
  private logLevelChange({ module, from, to, source, ttlMs }: LevelChange): void {
    if (this.closed) return;
    try {
      const fields = {
        ...(module === undefined ? {} : { module }),
        from,
        to,
        ...(source === 'ttl' ? {} : { source }),
        ...(ttlMs === undefined ? {} : { ttl: formatDuration(ttlMs) }),
      };
      this.rootPino.info(fields, source === 'ttl' ? 'level restored' : 'level changed');
    } catch {
      this.internalErrors++;
    }
  }

  /** The summary of a sampled key's interval, at the key's level, never itself sampled. */
  private logSuppressed(level: SampledLevel, msg: string, suppressed: number): void {
    if (this.closed) return;
    try {
      this.rootPino[level]({ suppressed, sample: { level, msg } }, 'suppressed repeated records');
    } catch {
      this.internalErrors++;
    }
  }

  get fatalTimeoutMs(): number {
    return this.settings.fatal.timeoutMs;
  }

  get fatalExitCode(): number {
    return this.settings.fatal.exitCode;
  }

  /** Whether close() has been called: the logger keeps no record logged after it has finished. */
  get closeCalled(): boolean {
    return this.closing !== undefined;
  }

  /** Records logged after close() and dropped. */
  get droppedAfterClose(): number {
    return this.dropped;
  }

  /**
   * Whether a record may still be logged: false once close() has closed the
   * transports, and then the record is counted as dropped (and the count
   * reported on stderr at exit).
   */
  accepting(): boolean {
    if (!this.closed) return true;
    if (this.dropped++ === 0) reportDropsAtExit(this);
    return false;
  }

  sanitizedContext(fields: object): JsonFields {
    let safe = this.contextFields.get(fields);
    if (safe === undefined) this.contextFields.set(fields, (safe = this.sanitizer.fields(fields)));
    return safe;
  }

  countReplayDropped(): void {
    this.replayDropped++;
  }

  /** A record that could not be serialised, or a listener that threw. */
  countInternalError(): void {
    this.internalErrors++;
  }

  flush(): Promise<void> {
    return this.flusher.cover(this.fanout.seq);
  }

  flushSync(): void {
    this.fanout.flushSync();
  }

  /** Flushes, then waits for every shipper's receivers to take what was logged before the call. */
  async flushDelivered(timeoutMs: number = this.settings.closeTimeoutMs): Promise<DeliveryReport> {
    const started = Date.now();
    await this.flush();
    const left = Math.max(0, timeoutMs - (Date.now() - started));
    const transports = await Promise.all(
      this.fanout.entries.flatMap(({ transport }) =>
        transport.waitDelivered ? [transport.waitDelivered(left).then(({ pending }) => ({ name: transport.name, pending }))] : [],
      ),
    );
    const pending = transports.reduce((n, t) => n + t.pending, 0);
    return { complete: pending === 0, pending, transports };
  }

  drainBeforeExit(deadline: number): void {
    this.fanout.drainBeforeExit(deadline);
  }

  exit(code: number): void {
    this.exitFn(code);
  }

  /**
   * The FATAL sequence: `writeRecord` writes the record (before or after
   * close(): transports still open take it), then everything is made
   * durable, shippers get a bounded time to deliver, and the process exits.
   *
   * A fatal() called while another runs on the same stack (a getter of its
   * fields, a transport's write of its record) writes its own record and
   * unwinds with NestedFatalError instead of exiting: the outer fatal()
   * then writes its record too and exits, once, with fatal.exitCode.
   */
  fatal(writeRecord: () => void): never {
    if (this.fatalDepth > 0) {
      writeRecord();
      throw new NestedFatalError();
    }
    this.fatalDepth++;
    try {
      // Counts of records suppressed so far go first: the FATAL record stays the last line.
      this.sampler?.end();
      writeRecord();
      if (!this.exiting) {
        this.exiting = true;
        this.flushSync();
        this.drainBeforeExit(Date.now() + this.settings.fatal.timeoutMs);
        this.countFatalExit('fatal()');
        this.detach();
      }
    } finally {
      this.fatalDepth--;
    }
    this.exitFn(this.settings.fatal.exitCode);
    // Only an exit function replaced by a test can return; `never` must still hold.
    throw new Error('prodlog: the exit function returned after fatal()');
  }

  recordCrash(err: unknown, what: CrashKind): void {
    this.sampler?.end();
    try {
      const fields = this.sanitizer.withError(toError(err), undefined);
      // The root level decides, as for fatal(): "silent" writes nothing.
      if (this.levels.cell('').min <= LEVELS.fatal) this.rootPino.fatal(fields, what); // pino's fatal() calls our flushSync
    } catch {
      this.internalErrors++;
    }
    this.flushSync();
    this.countFatalExit(what);
    this.detach();
  }

  /** Counts the exit in the marker once the record is durable; a marker that cannot be written costs a line on stderr, never the exit. */
  private countFatalExit(what: string): void {
    if (this.fatalMarker === undefined) return;
    const err = recordFatalExit(this.fatalMarker, new Date(), what);
    if (err !== undefined) writeStderr(`prodlog: could not count the FATAL exit in ${this.fatalMarker}: ${err.message}\n`);
  }

  /**
   * Runs `listener` once, when the logger closes or the process exits through
   * FATAL or a crash: process-wide features (signals, warnings, the watchdog)
   * let go of the logger there.
   */
  onDetach(listener: () => void): void {
    this.detachListeners.push(listener);
  }

  private detach(): void {
    unregister(this);
    this.levels.dispose();
    for (const listener of this.detachListeners.splice(0)) {
      try {
        listener();
      } catch {
        this.internalErrors++;
      }
    }
  }

  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  /**
   * Flushes, then closes the transports. Records are accepted until the
   * flush is done (or the deadline passes) and refused from the moment the
   * transports start closing, since a closing transport drops them. Until
   * then the logger stays registered, so an exit during the flush still
   * writes out what was logged.
   */
  private async closeOnce(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      // Not unref'd: whoever awaits close() must see it settle, even when
      // nothing else keeps the event loop alive (a hung receiver's socket is).
      timer = setTimeout(resolve, this.settings.closeTimeoutMs + CLOSE_GRACE_MS);
    });
    try {
      await Promise.race([this.fanout.flush(), deadline]);
      // Pending counts of suppressed records, written now: the transports still take them as they close.
      this.sampler?.end();
      this.closed = true;
      this.detach();
      await Promise.race([this.fanout.close(), deadline]);
    } finally {
      this.closed = true;
      clearTimeout(timer);
    }
  }

  health(): LoggerHealth {
    const transports = this.fanout.health();
    const records = this.fanout.recordsByLevel();
    const internalErrors = this.internalErrors + this.fanout.transportErrors;
    return {
      name: this.name,
      ok: internalErrors === 0 && transports.every((t) => t.ok),
      records,
      droppedAfterClose: this.dropped,
      internalErrors,
      fatalExits: this.fatalExits,
      levels: this.levels.snapshot(),
      replayDropped: this.replayDropped,
      suppressed: this.sampler?.suppressed() ?? ZERO_BY_LEVEL(),
      unsampled: this.sampler?.unsampled ?? 0,
      transports,
    };
  }
}
