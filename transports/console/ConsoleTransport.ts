import type { Transport, TransportHealth } from '../../src/transport';
import { HealthCounters } from '../shared/HealthCounters';
import { fdSink, SyncChunkWriter } from '../shared/SyncChunkWriter';
import { createPrettyFormatter } from './createPrettyFormatter';

export interface ConsoleTransportSettings {
  readonly stream: 'stdout' | 'stderr';
  readonly pretty: boolean;
  readonly colorize: boolean;
}

/**
 * JSON lines (or pino-pretty output) to stdout or stderr, written with the
 * same synchronous chunked writer as the file transport, so FATAL output
 * reaches the terminal or pipe before exit. A closed pipe (EPIPE) is counted
 * and reported once; it never crashes the process.
 */
export class ConsoleTransport implements Transport {
  readonly type = 'console';
  readonly name: string;
  private readonly counters: HealthCounters;
  private readonly writer: SyncChunkWriter;
  private readonly format: ((line: string) => string) | undefined;
  private closed: Promise<void> | undefined;

  constructor(settings: ConsoleTransportSettings) {
    this.name = `console:${settings.stream}`;
    this.counters = new HealthCounters(this.type, this.name);
    this.writer = new SyncChunkWriter(fdSink(settings.stream === 'stdout' ? 1 : 2, this.counters));
    this.format = settings.pretty ? createPrettyFormatter({ colorize: settings.colorize }) : undefined;
  }

  write(line: string): void {
    if (this.closed) {
      this.counters.dropped++;
      return;
    }
    this.writer.write(this.format ? this.format(line) : line);
  }

  /** Writes are synchronous: once what is pending is written there is nothing left to wait for. */
  flush(): Promise<void> {
    this.flushSync();
    return Promise.resolve();
  }

  flushSync(): void {
    this.writer.writeOut();
  }

  close(): Promise<void> {
    // stdout and stderr belong to the process: flush them, never close them.
    this.closed ??= this.flush();
    return this.closed;
  }

  health(): TransportHealth {
    return this.counters.snapshot();
  }
}
