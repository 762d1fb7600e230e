import { writeSync } from 'node:fs';
import type { HealthCounters } from './HealthCounters';
import { encodeUtf8Scratch } from './utf8Scratch';

/** Lines are joined into chunks of about this many characters before a write. */
export const DEFAULT_CHUNK_CHARS = 64 * 1024;
/** How long a write to a non-blocking fd (a full pipe) is retried before it counts as failed. */
const EAGAIN_BUDGET_MS = 1000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Buffers lines and writes them to a file descriptor with synchronous writes
 * of about 64 KiB.
 *
 * Why synchronous: a synchronous write of a large chunk costs a few
 * microseconds per kilobyte and, unlike an asynchronous write, it is finished
 * when it returns. So memory stays bounded in a tight logging loop that never
 * yields (at most one chunk is pending), FATAL needs nothing but one more
 * write, and ordering never depends on a thread pool. Buffering, not
 * asynchrony, is what makes it fast: one syscall carries hundreds of records.
 * Whatever is pending when the current tick ends is written by a
 * `setImmediate`, so a quiet service shows its lines at once.
 */
export class SyncChunkWriter {
  fd: number;
  private pending = '';
  private pendingRecords = 0;
  private scheduled = false;
  private readonly onImmediate = (): void => {
    this.scheduled = false;
    this.writeOut();
  };

  constructor(
    fd: number,
    private readonly counters: HealthCounters,
    private readonly chunkChars: number = DEFAULT_CHUNK_CHARS,
  ) {
    this.fd = fd;
  }

  get pendingLength(): number {
    return this.pending.length;
  }

  write(line: string): void {
    this.pending += line;
    this.pendingRecords++;
    if (this.pending.length >= this.chunkChars) {
      this.writeOut();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.onImmediate);
    }
  }

  /** Writes everything pending now. Never throws: failures are counted. */
  writeOut(): void {
    if (this.pendingRecords === 0) return;
    const data = this.pending;
    const records = this.pendingRecords;
    this.pending = '';
    this.pendingRecords = 0;
    this.writeChunk(data, records);
  }

  /**
   * Where a chunk of whole lines goes. Subclasses that do more than append to
   * one descriptor (the rotating file transport splits chunks at record
   * boundaries and rotates between them) override this; it must not throw.
   */
  protected writeChunk(data: string, records: number): void {
    try {
      writeFully(this.fd, encodeUtf8Scratch(data));
      this.counters.recordSuccess(records);
    } catch (err) {
      this.counters.recordFailure(err, records);
    }
  }
}

/** Writes the whole buffer, resuming after short writes and waiting out EAGAIN on non-blocking fds. */
export function writeFully(fd: number, buf: Buffer): void {
  let offset = 0;
  let waitedMs = 0;
  while (offset < buf.length) {
    try {
      offset += writeSync(fd, buf, offset, buf.length - offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || waitedMs >= EAGAIN_BUDGET_MS) throw err;
      Atomics.wait(sleeper, 0, 0, 1);
      waitedMs += 1;
    }
  }
}
