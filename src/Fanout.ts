import type { Transport, TransportHealth } from './transport';

export interface FanoutEntry {
  readonly transport: Transport;
  /** The transport's own minimum level value. */
  readonly minLevel: number;
}

/** pino sets `lastLevel` on a destination that carries this symbol, before each write. */
const PINO_METADATA = Symbol.for('pino.metadata');

/**
 * The pino destination: hands each finished line to every transport whose
 * level admits it. A transport that throws (it should not) is isolated: the
 * others still get the line, and the error is counted.
 */
export class Fanout {
  readonly [PINO_METADATA] = true;
  /** Written by pino before every `write`. */
  lastLevel = 0;
  /** Lines written so far: flushes use it to know what they must cover. */
  seq = 0;
  /** Records per level value / 10 (index 2 = debug ... 6 = fatal). */
  readonly countsByLevel = [0, 0, 0, 0, 0, 0, 0];
  transportErrors = 0;

  constructor(readonly entries: readonly FanoutEntry[]) {}

  write(line: string): void {
    const level = this.lastLevel;
    this.seq++;
    this.countsByLevel[level / 10]!++;
    for (const { transport, minLevel } of this.entries) {
      if (level < minLevel) continue;
      try {
        transport.write(line, level);
      } catch {
        this.transportErrors++;
      }
    }
  }

  /** Called by pino's own fatal() and by ours: every transport durable now. */
  flushSync(): void {
    for (const { transport } of this.entries) {
      try {
        transport.flushSync();
      } catch {
        this.transportErrors++;
      }
    }
  }

  drainBeforeExit(deadline: number): void {
    for (const { transport } of this.entries) {
      try {
        transport.drainBeforeExit?.(deadline);
      } catch {
        this.transportErrors++;
      }
    }
  }

  async flush(): Promise<void> {
    await Promise.all(this.entries.map(({ transport }) => transport.flush().catch(() => void this.transportErrors++)));
  }

  async close(): Promise<void> {
    await Promise.all(this.entries.map(({ transport }) => transport.close().catch(() => void this.transportErrors++)));
  }

  health(): TransportHealth[] {
    return this.entries.map(({ transport }) => transport.health());
  }
}
