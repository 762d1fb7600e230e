/**
 * The whole spool in one thread: the appending half and the delivering half
 * wired directly, notices applied as they happen. Shipping transports split
 * the two between the service's thread and a worker; this is for tools that
 * read and write a spool by themselves (tests, recovery scripts).
 * Why an on-disk log of our own and not an npm queue: docs/design.md, "The
 * spool: a log of our own, not an npm queue".
 */
import { SpoolAppender, type SpoolSettings } from './SpoolAppender';
import { SpoolTail } from './SpoolTail';
import type { SpoolPosition } from './SpoolCursor';
import type { SpoolBatch } from './SpoolReader';

export type { SpoolSettings };
export { deliveredOfFirst, resumePosition } from './SpoolTail';

export interface SpoolEvents {
  /** New records are on disk and can be read. */
  onAppended?(): void;
  /** Something went wrong in the spool itself (append failed, damaged block skipped). */
  onError?(err: Error, records: number): void;
}

export class Spool {
  private readonly appender: SpoolAppender;
  private readonly tail: SpoolTail;

  constructor(
    readonly settings: SpoolSettings,
    events: SpoolEvents = {},
  ) {
    let tail: SpoolTail | undefined;
    this.appender = new SpoolAppender(settings, {
      publish: (change) => {
        tail?.apply(change);
        if (change.type === 'appended') events.onAppended?.();
      },
      onError: (err, records) => events.onError?.(err, records),
    });
    tail = new SpoolTail(settings.dir, this.appender.snapshot(), this.appender.activeSegment, { damaged: (err) => events.onError?.(err, 0), saveFailed: (err) => events.onError?.(err, 0) });
    this.tail = tail;
  }

  /** Records in the spool not yet delivered (appended ones; pending ones count once appended). */
  get backlogRecords(): number {
    return this.tail.backlogRecords + this.appender.pendingRecords;
  }

  get bytesOnDisk(): number {
    return this.appender.bytesOnDisk;
  }

  get backlogBytes(): number {
    return this.appender.bytesOnDisk - this.tail.deliveredOfFirst + this.appender.pendingChars;
  }

  fits(chars: number): boolean {
    return this.appender.fits(chars);
  }

  append(line: string): void {
    this.appender.append(line);
  }

  writeOut(): void {
    this.appender.writeOut();
  }

  syncSoon(done?: () => void): void {
    this.tail.savePosition();
    this.appender.syncSoon(done);
  }

  syncNow(): void {
    this.appender.syncNow();
    this.tail.savePosition();
  }

  read(maxRecords: number, maxChars: number): SpoolBatch {
    return this.tail.read(maxRecords, maxChars);
  }

  readFrom(from: SpoolPosition, maxRecords: number, maxChars: number): SpoolBatch {
    return this.tail.readFrom(from, maxRecords, maxChars);
  }

  commit(batch: SpoolBatch, count: number): void {
    this.tail.commit(batch, count);
    this.appender.removed(this.tail.takeRemoved());
  }

  close(): void {
    this.appender.close();
    this.tail.close();
    this.appender.releaseLock();
  }
}
