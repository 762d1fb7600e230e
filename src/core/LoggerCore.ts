import type { Logger as PinoLogger } from 'pino';
import type { ResolvedConfig } from '../config/schema';
import type { Fanout } from './Fanout';
import { LEVEL_NAMES, type LevelName } from './levels';
import { reportDropsAtExit } from './dropsAtExit';
import type { DeliveryReport, Logger, LoggerHealth } from './Logger';
import { NestedFatalError } from './NestedFatalError';
import { register, unregister, type CrashKind, type ProcessBoundLogger } from './processHooks';
import { isError, type Sanitizer } from './serialize/Sanitizer';
import { SharedFlush } from './SharedFlush';

export type ExitFunction = (code: number) => never;

/**
 * close() waits this much past closeTimeoutMs: shippers spend up to their own
 * closeTimeoutMs (the same 5 s by default) trying to deliver, and then need a
 * moment to save the delivery position and release the spool.
 */
export const CLOSE_GRACE_MS = 1_000;

/**
 * What a root logger and all its children share: the pino instance's
 * destination, the transports, the sanitiser, counters and the lifecycle
 * (flush, close, FATAL, crash capture).
 */
export class LoggerCore implements ProcessBoundLogger {
  /**
   * Set by close() once everything logged so far is flushed, as it closes
   * the transports: from then on records are dropped, counted, and the count
   * is reported on stderr at exit. Records logged while close() flushes are
   * kept.
   */
  closed = false;
  droppedAfterClose = 0;
  internalErrors = 0;
  /** The root logger, set by createLogger once it exists: process-wide features log through it. */
  log: Logger | undefined;
  private closing: Promise<void> | undefined;
  private exiting = false;
  /** FATAL sequences under way on the current stack: more than one means a fatal() inside another. */
  private fatalDepth = 0;
  private readonly flusher: SharedFlush;
  private readonly detachListeners: Array<() => void> = [];

  constructor(
    readonly config: ResolvedConfig,
    readonly fanout: Fanout,
    readonly sanitizer: Sanitizer,
    private readonly exitFn: ExitFunction,
    /** The root pino logger, used to write crash records. */
    private readonly root: PinoLogger,
    /** The record name, reported by health(). */
    readonly name: string,
  ) {
    this.flusher = new SharedFlush(() => this.fanout.flush());
    register(this, config.capture);
  }

  get fatalTimeoutMs(): number {
    return this.config.fatal.timeoutMs;
  }

  get fatalExitCode(): number {
    return this.config.fatal.exitCode;
  }

  flush(): Promise<void> {
    return this.flusher.flush(this.fanout.seq);
  }

  flushSync(): void {
    this.fanout.flushSync();
  }

  /** Flushes, then waits for every shipper's receivers to take what was logged before the call. */
  async flushDelivered(timeoutMs: number = this.config.closeTimeoutMs): Promise<DeliveryReport> {
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
      writeRecord();
      if (!this.exiting) {
        this.exiting = true;
        this.flushSync();
        this.drainBeforeExit(Date.now() + this.config.fatal.timeoutMs);
        this.detach();
      }
    } finally {
      this.fatalDepth--;
    }
    this.exitFn(this.config.fatal.exitCode);
    // Only an exit function replaced by a test can return; `never` must still hold.
    throw new Error('prodlog: the exit function returned after fatal()');
  }

  /** A record logged after the transports closed: counted, and reported on stderr at exit. */
  dropAfterClose(): void {
    if (this.droppedAfterClose++ === 0) reportDropsAtExit(this);
  }

  recordCrash(err: unknown, what: CrashKind): void {
    try {
      const fields = this.sanitizer.withError(toError(err), undefined);
      this.root.fatal(fields, what); // pino's fatal() calls our flushSync
    } catch {
      this.internalErrors++;
    }
    this.flushSync();
    this.detach();
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
      timer = setTimeout(resolve, this.config.closeTimeoutMs + CLOSE_GRACE_MS);
    });
    try {
      await Promise.race([this.fanout.flush(), deadline]);
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
    const counts = this.fanout.countsByLevel;
    const records = Object.fromEntries(LEVEL_NAMES.map((name, i) => [name, counts[i + 2] ?? 0])) as Record<LevelName, number>;
    const internalErrors = this.internalErrors + this.fanout.transportErrors;
    return {
      name: this.name,
      ok: internalErrors === 0 && transports.every((t) => t.ok),
      records,
      droppedAfterClose: this.droppedAfterClose,
      internalErrors,
      transports,
    };
  }
}

/** Anything can be thrown; a non-Error is kept as the cause of an Error that says so. */
function toError(value: unknown): Error {
  if (isError(value)) return value;
  return new Error(`a non-Error value was thrown: ${typeof value}`, { cause: value });
}
