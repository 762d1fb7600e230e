import { createLogger, type Logger, type LoggerOptions } from '../../src';
import { MemoryTransport } from '../../src/testing';

/** A logger writing to a memory transport, with an exit function that throws instead of exiting. */
export function memoryLogger(options: Omit<LoggerOptions, 'transports'> = {}): { log: Logger; memory: MemoryTransport } {
  const memory = new MemoryTransport();
  const log = createLogger({
    capture: false,
    exit: (code) => {
      throw new ExitCalled(code);
    },
    ...options,
    transports: [{ type: 'custom', transport: memory }],
  });
  return { log, memory };
}

export class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`exit(${code})`);
  }
}
