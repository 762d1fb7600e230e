import type { ParsedRecord } from '../core/record';
import type { Transport, TransportHealth } from '../core/transport';

/** A record as a memory transport keeps it: the parsed JSON line. */
export type LoggedRecord = ParsedRecord;

/**
 * Keeps every line in memory, for assertions in a service's own tests:
 * `createLogger({ transports: [{ type: 'custom', transport: memory }] })`.
 */
export class MemoryTransport implements Transport {
  readonly type = 'memory';
  readonly lines: string[] = [];
  private closed = false;
  private dropped = 0;

  constructor(readonly name: string = 'memory') {}

  /** Every line parsed; a line that is not valid JSON makes this throw, which a test wants. */
  get records(): LoggedRecord[] {
    return this.lines.map((line) => JSON.parse(line) as LoggedRecord);
  }

  write(line: string): void {
    if (this.closed) this.dropped++;
    else this.lines.push(line);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  flushSync(): void {}

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  clear(): void {
    this.lines.length = 0;
  }

  health(): TransportHealth {
    return {
      type: this.type,
      name: this.name,
      ok: true,
      written: this.lines.length,
      failed: 0,
      dropped: this.dropped,
      lastError: null,
      lastErrorAt: null,
    };
  }
}
