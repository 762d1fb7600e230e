import { ChunkedTransport } from '../shared/ChunkedTransport';
import { HealthCounters } from '../shared/HealthCounters';
import type { LineFormat } from '../shared/lineFormats/LineFormat';
import { ConsoleSink, type WhenFull } from './ConsoleSink';
import { createPrettyFormatter } from './createPrettyFormatter';
import { makeNonBlocking } from './nonBlockingStdio';

export interface ConsoleTransportSettings {
  readonly stream: 'stdout' | 'stderr';
  readonly pretty: boolean;
  readonly colorize: boolean;
  /** When the reader of the stream does not keep up: wait for it, or drop records after a bounded wait (ConsoleSink). */
  readonly whenFull: WhenFull;
  /** JSON output in another shape than the logger's (pino, ecs, gcp); none writes the line as it is. Pretty output ignores it. */
  readonly lineFormat?: LineFormat | undefined;
}

/**
 * JSON lines (the logger's, or in a line format) or pino-pretty output to
 * stdout or stderr, written with the same synchronous chunked writer as the
 * file transport, so FATAL output reaches the terminal or pipe before exit.
 * A reader that does not keep up costs the service at most a bounded wait
 * per event-loop turn, then records are dropped and counted (whenFull:
 * "drop", see ConsoleSink). A closed pipe (EPIPE) is counted and reported
 * once; it never crashes the process.
 */
export class ConsoleTransport extends ChunkedTransport {
  readonly type = 'console';
  readonly name: string;
  protected readonly counters: HealthCounters;
  private readonly sink: ConsoleSink;

  constructor(settings: ConsoleTransportSettings) {
    super();
    this.name = `console:${settings.stream}`;
    this.counters = new HealthCounters(this.type, this.name);
    const fd = settings.stream === 'stdout' ? 1 : 2;
    // A blocking pipe cannot be waited on for a bounded time: the write itself would wait.
    if (settings.whenFull === 'drop') makeNonBlocking(fd);
    this.sink = new ConsoleSink(fd, settings.stream, this.counters, settings.whenFull);
    this.format = settings.pretty ? createPrettyFormatter({ colorize: settings.colorize }) : settings.lineFormat;
  }

  /** Writes are synchronous: once what is pending is written (or dropped) there is nothing left to wait for. */
  override flush(): Promise<void> {
    this.sink.finishOwed();
    this.writer.writeOut();
    return Promise.resolve();
  }

  /** The way out: the last records may wait longer for the reader (EXIT_BUDGET_MS), still bounded. */
  flushSync(): void {
    this.sink.last(() => this.writer.writeOut());
  }

  protected writeChunk(data: string, records: number): void {
    this.sink.write(data, records);
  }

  /** stdout and stderr belong to the process: flush them, never close them. */
  protected async shutdown(): Promise<void> {
    this.sink.last(() => this.writer.writeOut());
  }
}
