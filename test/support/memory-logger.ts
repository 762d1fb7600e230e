import type { Logger } from '../../src';
import { createTestLogger, ProcessExit, type TestLoggerOptions } from '../../src/testing';
import type { MemoryTransport } from '../../src/testing';

/** A logger writing to a memory transport, whose exit throws ExitCalled instead of exiting. */
export function memoryLogger(options: TestLoggerOptions = {}): { log: Logger; memory: MemoryTransport } {
  const { log, memory } = createTestLogger(options);
  return { log, memory };
}

export { ProcessExit as ExitCalled };
