import type { Transport, TransportHealth } from '../../src/core/transport';
import type { HealthCounters } from './HealthCounters';
import { SyncChunkWriter } from './SyncChunkWriter';

/**
 * The lifecycle the console and file transports share: lines are buffered
 * and written in chunks, synchronously (SyncChunkWriter), so a flush has
 * nothing to wait for once they are written; a line written after close()
 * is dropped and counted; close() runs once.
 */
export abstract class ChunkedTransport implements Transport {
  abstract readonly type: string;
  abstract readonly name: string;
  protected abstract readonly counters: HealthCounters;
  protected readonly writer = new SyncChunkWriter((data, records) => this.writeChunk(data, records));
  /** Turns each line into what is written (the console's pretty printer, a line format); none writes the line as it is. */
  protected format: ((line: string) => string) | undefined;
  private closing: Promise<void> | undefined;

  /** SyncChunkWriter's sink: writes a chunk of whole lines, `records` of them. Never throws. */
  protected abstract writeChunk(data: string, records: number): void;
  /** Writes what is pending and lets go of the output; run once, by close(). */
  protected abstract shutdown(): Promise<void>;
  abstract flushSync(): void;

  write(line: string): void {
    if (this.closing) {
      this.counters.dropped++;
      return;
    }
    this.writer.write(this.format ? this.format(line) : line);
  }

  flush(): Promise<void> {
    this.flushSync();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  health(): TransportHealth {
    return this.counters.snapshot();
  }

  protected get closed(): boolean {
    return this.closing !== undefined;
  }
}
