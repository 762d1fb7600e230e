import { createLoggerWithEnv, type LoggerOptions } from '../createLogger';
import type { EventMap, Logger, NoEvents } from '../core/Logger';
import { MemoryTransport, type LoggedRecord } from './MemoryTransport';

/** Thrown in place of exiting the process; `runUntilExit` catches it. */
export class ProcessExit extends Error {
  override readonly name = 'ProcessExit';
  constructor(readonly code: number) {
    super(`the process would have exited with code ${code}`);
  }
}

export interface ExitResult<T> {
  /** The exit code fatal() (or a captured crash) asked for, or undefined if the code ran to its end. */
  readonly exitCode: number | undefined;
  /** The value the code returned, when it did not exit. */
  readonly value: T | undefined;
}

export interface TestLogger<Events extends EventMap<Events> = NoEvents> {
  readonly log: Logger<Events>;
  readonly memory: MemoryTransport;
  /** Every record so far, parsed. */
  records(): LoggedRecord[];
  /**
   * Runs code that may call `fatal()`, without exiting the test process: the
   * exit is recorded instead. The exit code is kept even if the code under
   * test catches and swallows the exception that stands in for the exit.
   */
  runUntilExit<T>(fn: () => T): T extends PromiseLike<infer U> ? Promise<ExitResult<U>> : ExitResult<T>;
}

export type TestLoggerOptions = Omit<LoggerOptions, 'transports' | 'exit'> & {
  /**
   * Apply LOG_LEVEL as a service does; default false, so a developer's
   * environment cannot empty a test's records.
   */
  readonly readLogLevel?: boolean;
};

/**
 * A logger for a service's own tests: records in memory, exits recorded
 * instead of performed, and no process-wide listeners (crash capture and
 * signal handling off) so the test runner keeps control of the process.
 * The service's config file is not read (`configFile: false`), so a test
 * logs the same on every machine; pass `configFile` to read one. Not the
 * root logger unless `root: true`: then the service's getLogger() loggers
 * write to it.
 */
export function createTestLogger<Events extends EventMap<Events> = NoEvents>(options: TestLoggerOptions = {}): TestLogger<Events> {
  const memory = new MemoryTransport();
  let exitCode: number | undefined;
  const { readLogLevel = false, ...loggerOptions } = options;
  const { LOG_LEVEL, ...withoutLogLevel } = process.env;
  const log = createLoggerWithEnv<Events>(
    {
      capture: false,
      shutdown: false,
      configFile: false,
      ...loggerOptions,
      transports: [{ type: 'custom', transport: memory }],
      exit: (code) => {
        exitCode ??= code;
        throw new ProcessExit(code);
      },
    },
    readLogLevel ? process.env : withoutLogLevel,
  );

  function settle<T>(value: T | undefined, err: unknown): ExitResult<T> {
    if (err !== undefined && !(err instanceof ProcessExit)) throw err;
    return { exitCode, value };
  }

  function runUntilExit<T>(fn: () => T): unknown {
    exitCode = undefined;
    let result: T;
    try {
      result = fn();
    } catch (err) {
      return settle<T>(undefined, err);
    }
    if (isPromiseLike(result)) {
      return Promise.resolve(result).then(
        (v) => settle(v, undefined),
        (err: unknown) => settle(undefined, err),
      );
    }
    return settle(result, undefined);
  }

  return { log, memory, records: () => memory.records, runUntilExit: runUntilExit as TestLogger<Events>['runUntilExit'] };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
