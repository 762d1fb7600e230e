import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Transport, TransportHealth } from '../../src/transport';
import { HealthCounters } from '../shared/HealthCounters';
import { SyncChunkWriter } from '../shared/SyncChunkWriter';
import { flushAfterSync } from '../shared/flushAfterSync';

/** Log files are readable by the owner and group only: logs often hold personal data. */
export const FILE_MODE = 0o640;

export interface FileTransportSettings {
  readonly path: string;
}

/**
 * Appends JSON lines to one file. The file is opened once with O_APPEND, so
 * lines from several writers never overwrite each other, and written in
 * chunks by SyncChunkWriter: a line handed to `write` is in the kernel no
 * later than the end of the current tick, and at once on flush or FATAL.
 */
export class FileTransport implements Transport {
  readonly type = 'file';
  readonly name: string;
  private readonly counters: HealthCounters;
  private readonly writer: SyncChunkWriter;
  private closed: Promise<void> | undefined;

  constructor(settings: FileTransportSettings) {
    this.name = `file:${settings.path}`;
    this.counters = new HealthCounters(this.type, this.name);
    mkdirSync(dirname(settings.path), { recursive: true });
    this.writer = new SyncChunkWriter(openSync(settings.path, 'a', FILE_MODE), this.counters);
  }

  write(line: string): void {
    if (this.closed) {
      this.counters.dropped++;
      return;
    }
    this.writer.write(line);
  }

  flush(): Promise<void> {
    return flushAfterSync(() => this.writer.writeOut());
  }

  flushSync(): void {
    this.writer.writeOut();
  }

  close(): Promise<void> {
    this.closed ??= flushAfterSync(() => {
      this.writer.writeOut();
      try {
        closeSync(this.writer.fd);
      } catch (err) {
        this.counters.recordFailure(err, 0);
      }
    });
    return this.closed;
  }

  health(): TransportHealth {
    return this.counters.snapshot();
  }
}
