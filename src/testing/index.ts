export { MemoryTransport, type LoggedRecord } from './MemoryTransport';
export { createTestLogger, ProcessExit, type ExitResult, type TestLogger, type TestLoggerOptions } from './createTestLogger';
