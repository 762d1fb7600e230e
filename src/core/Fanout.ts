import { LEVEL_NAMES, LEVELS, type LevelName } from './levels';
import { reportRefusedFatal, writeFatal } from './fatalDelivery';
import type { Transport, TransportHealth } from './transport';

export interface FanoutEntry {
  readonly transport: Transport;
  /** The transport's own minimum level value. */
  readonly minLevel: number;
}

/** pino sets `lastLevel` on a destination that carries this symbol, before each write. */
const PINO_METADATA = Symbol.for('pino.metadata');

/** Where a level's records are counted: level values are multiples of ten (debug 20 ... fatal 60). */
function countSlot(level: number): number {
  return level / 10;
}

/**
 * Records logged by transports from inside their own write, per record logged
 * from outside: past this, a transport that logs on every write would loop
 * for ever, so further ones are dropped and counted.
 */
export const MAX_NESTED_RECORDS = 1_000;

/**
 * The pino destination: hands each finished line to every transport whose
 * level admits it. A transport that throws (it should not) is isolated: the
 * others still get the line, and the error is counted.
 *
 * A record logged while a line is being handed out (a transport's write
 * logs, or calls fatal()) waits until that line has reached every transport,
 * so every transport gets the records in the same order and none is skipped.
 * The line in hand and the next transport due are fields, not locals, so
 * that FATAL's flushSync, reached from inside a transport's write, can finish
 * the hand-out before the process exits.
 */
export class Fanout {
  readonly [PINO_METADATA] = true;
  /** Written by pino before every `write`. */
  lastLevel = 0;
  /** Lines written so far: flushes use it to know what they must cover. */
  seq = 0;
  /** Records per level, at countSlot(level). */
  private readonly counts = [0, 0, 0, 0, 0, 0, 0];
  transportErrors = 0;
  private delivering = false;
  private line = '';
  private level = 0;
  private next = 0;
  private readonly waiting: Array<{ readonly line: string; readonly level: number }> = [];
  private nested = 0;

  constructor(readonly entries: readonly FanoutEntry[]) {}

  write(line: string): void {
    const level = this.lastLevel;
    this.seq++;
    this.counts[countSlot(level)]!++;
    if (this.delivering) {
      this.wait(line, level);
      return;
    }
    this.delivering = true;
    this.line = line;
    this.level = level;
    this.next = 0;
    try {
      this.deliverPending();
    } finally {
      this.delivering = false;
      this.nested = 0;
    }
  }

  /** Called by pino's own fatal() and by ours: every transport durable now, after every record logged so far reached it. */
  flushSync(): void {
    if (this.delivering) this.deliverPending();
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

  /** Records written so far, by level. */
  recordsByLevel(): Record<LevelName, number> {
    const out = {} as Record<LevelName, number>;
    for (const name of LEVEL_NAMES) out[name] = this.counts[countSlot(LEVELS[name])] ?? 0;
    return out;
  }

  health(): TransportHealth[] {
    return this.entries.map(({ transport }) => transport.health());
  }

  private wait(line: string, level: number): void {
    if (this.nested >= MAX_NESTED_RECORDS) {
      this.transportErrors++;
      return;
    }
    this.nested++;
    this.waiting.push({ line, level });
  }

  /** Hands the line in hand to the transports still due, then each waiting line to all. Re-entrant: the cursor is shared. */
  private deliverPending(): void {
    const entries = this.entries;
    for (;;) {
      while (this.next < entries.length) {
        const { transport, minLevel } = entries[this.next++]!;
        if (this.level < minLevel) continue;
        try {
          if (this.level < LEVELS.fatal) transport.write(this.line, this.level);
          else if (!writeFatal(transport, this.line, this.level)) reportRefusedFatal(transport, this.line);
        } catch {
          this.transportErrors++;
        }
      }
      const waiting = this.waiting.shift();
      if (waiting === undefined) return;
      this.line = waiting.line;
      this.level = waiting.level;
      this.next = 0;
    }
  }
}
