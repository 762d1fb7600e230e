/**
 * The process-wide side of the loggers: one `exit` listener that makes every
 * open logger durable whatever path the process exits by, and one pair of
 * crash listeners (uncaught exception, unhandled rejection) that run the FATAL
 * sequence. Listeners are installed once per process, even if several copies
 * of prodlog are loaded, and removed when no logger needs them, so a process
 * without open loggers crashes exactly as Node would by default.
 */
import type { Logger } from './Logger';

export interface ProcessBoundLogger {
  /** The root logger, for process-wide endpoints (health, metrics); absent in loggers of older copies. */
  readonly log?: Logger | undefined;
  /** Make everything written so far durable, synchronously. */
  flushSync(): void;
  /** Write a FATAL record for the crash and make it durable; does not exit. */
  recordCrash(err: unknown, what: CrashKind): void;
  /** Give shippers until `deadline` (ms since epoch) to deliver; synchronous. */
  drainBeforeExit(deadline: number): void;
  readonly fatalTimeoutMs: number;
  readonly fatalExitCode: number;
  exit(code: number): void;
}

export type CrashKind = 'uncaught exception' | 'unhandled rejection';

interface Registry {
  readonly open: Set<ProcessBoundLogger>;
  readonly capturing: Set<ProcessBoundLogger>;
  exitListener: (() => void) | undefined;
  crashListeners: { uncaught: (err: unknown, origin: string) => void; rejection: (reason: unknown) => void } | undefined;
  /** While the loggers write their crash records: the crash's number (1, 2, ... in the process), else 0. */
  recordingCrash?: number;
  crashes?: number;
}

const REGISTRY_KEY = Symbol.for('prodlog.processHooks');

function registry(): Registry {
  const holder = process as unknown as Record<symbol, Registry | undefined>;
  holder[REGISTRY_KEY] ??= { open: new Set(), capturing: new Set(), exitListener: undefined, crashListeners: undefined };
  return holder[REGISTRY_KEY];
}

export function register(logger: ProcessBoundLogger, captureCrashes: boolean): void {
  const r = registry();
  r.open.add(logger);
  if (!r.exitListener) {
    r.exitListener = () => {
      for (const l of r.open) l.flushSync();
    };
    process.on('exit', r.exitListener);
  }
  if (captureCrashes) {
    r.capturing.add(logger);
    installCrashListeners(r);
  }
}

/** Every logger open in this process, oldest first, whichever copy of prodlog created it. */
export function openLoggers(): readonly ProcessBoundLogger[] {
  return [...registry().open];
}

export function unregister(logger: ProcessBoundLogger): void {
  const r = registry();
  r.open.delete(logger);
  r.capturing.delete(logger);
  if (r.open.size === 0 && r.exitListener) {
    process.off('exit', r.exitListener);
    r.exitListener = undefined;
  }
  if (r.capturing.size === 0 && r.crashListeners) {
    process.off('uncaughtException', r.crashListeners.uncaught);
    process.off('unhandledRejection', r.crashListeners.rejection);
    r.crashListeners = undefined;
  }
}

function installCrashListeners(r: Registry): void {
  if (r.crashListeners) return;
  r.crashListeners = {
    uncaught: (err, origin) => onCrash(r, 'uncaughtException', err, origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception'),
    rejection: (reason) => onCrash(r, 'unhandledRejection', reason, 'unhandled rejection'),
  };
  process.on('uncaughtException', r.crashListeners.uncaught);
  process.on('unhandledRejection', r.crashListeners.rejection);
}

/**
 * The number of the crash whose records the loggers are writing now, else 0:
 * a transport shared by several loggers (one file, one spool) takes one
 * crash record, the first logger's, not one per logger.
 */
export function crashBeingRecorded(): number {
  return registry().recordingCrash ?? 0;
}

let crashing = false;

function onCrash(r: Registry, event: 'uncaughtException' | 'unhandledRejection', err: unknown, what: CrashKind): void {
  if (crashing) return; // a second crash while exiting: the first one's exit stands
  crashing = true;
  // Counted before recordCrash, which unregisters the loggers and with the
  // last one removes our own listener: counted after, an application
  // listener added after createLogger would look like the only one and the
  // process would exit before it ran.
  const applicationListens = process.listenerCount(event) > 1;
  const loggers = [...r.capturing];
  r.crashes = (r.crashes ?? 0) + 1;
  r.recordingCrash = r.crashes;
  try {
    for (const l of loggers) l.recordCrash(err, what);
  } finally {
    r.recordingCrash = 0;
  }
  const first = loggers[0];
  if (!first) return;
  const deadline = Date.now() + Math.max(...loggers.map((l) => l.fatalTimeoutMs));
  const finish = (): void => {
    try {
      for (const l of loggers) l.drainBeforeExit(deadline);
      first.exit(first.fatalExitCode);
    } finally {
      crashing = false; // reached only when a test replaced exit
    }
  };
  // The application's own listeners for this event run after ours in the same
  // emit; exiting on the next tick lets them run (their output is flushed by
  // the exit listener) without letting the crashed program go on for long.
  if (applicationListens) process.nextTick(finish);
  else finish();
}
