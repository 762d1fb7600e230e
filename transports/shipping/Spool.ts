/**
 * The on-disk spool every shipping transport writes to and delivers from.
 *
 * Design note: why not an npm queue. The spool must take a record with a
 * synchronous call that costs less than a file write (the logging call), be
 * made durable synchronously inside fatal() (no event loop), survive kill -9
 * with at most a torn tail, hand out batches with stable ids, and free space
 * as soon as a receiver acknowledges. The candidates looked at all miss one of
 * these: better-queue (in memory, or SQLite through an asynchronous store),
 * node-persistent-queue (SQLite, asynchronous, one row per task),
 * leveldown/classic-level (a native LSM store with an asynchronous API: a
 * write is not durable when the logging call returns, and compaction does work
 * a FIFO never needs), nedb (rewrites its whole file), flumelog-offset
 * (asynchronous appends, no checksums, never frees space). An append-only log
 * of checksummed blocks, segment files deleted once delivered, is small
 * enough to own: SpoolFormat, SpoolWriter, SpoolReader, SpoolCursor.
 */
import { HEADER_BYTES } from './SpoolFormat';
import { SpoolCursor, type SpoolPosition } from './SpoolCursor';
import { SpoolReader, type SpoolBatch } from './SpoolReader';
import { SpoolWriter } from './SpoolWriter';
import { ensureSpoolDir, listSegments, releaseLock, removeFile, takeLock, type Segment } from './SegmentFiles';

export interface SpoolSettings {
  readonly dir: string;
  /** Cap on the bytes of all segments on disk; past it, new records are refused. */
  readonly maxBytes: number;
  readonly segmentBytes: number;
  /** Characters buffered before a synchronous append. */
  readonly chunkChars: number;
  /** A process whose lock on the spool is shared (the parent of a FATAL drain). */
  readonly sharedLockWith?: number;
}

export interface SpoolEvents {
  /** New records are on disk and can be read. */
  onAppended?(): void;
  /** Something went wrong in the spool itself (append failed, damaged block skipped). */
  onError?(err: Error, records: number): void;
}

const START: SpoolPosition = { segment: '', offset: 0, skip: 0 };

export class Spool {
  /** Records in the spool (or pending for it) not yet delivered. */
  backlogRecords = 0;
  /** Bytes of all segment files. */
  bytesOnDisk = 0;
  private position: SpoolPosition;
  private positionSaved = true;
  private readonly segments: Segment[];
  private readonly writer: SpoolWriter;
  private readonly reader: SpoolReader;
  private readonly cursor: SpoolCursor;

  constructor(
    readonly settings: SpoolSettings,
    private readonly events: SpoolEvents = {},
  ) {
    ensureSpoolDir(settings.dir);
    takeLock(settings.dir, settings.sharedLockWith);
    this.segments = listSegments(settings.dir);
    this.cursor = new SpoolCursor(settings.dir);
    this.writer = new SpoolWriter(settings, this.segments, {
      appended: (_segment, _records, bytes) => {
        this.bytesOnDisk += bytes;
        this.events.onAppended?.();
      },
      failed: (err, records) => {
        this.backlogRecords -= records;
        // A failed append may leave a torn tail that the segment's size now counts: count it too, or
        // dropping the segment later subtracts bytes never added and the cap lets that much more in.
        this.bytesOnDisk = this.segments.reduce((n, segment) => n + segment.bytes, 0);
        this.events.onError?.(err as Error, records);
      },
    });
    this.reader = new SpoolReader(this.segments, (s) => s === this.writer.activeSegment, {
      damaged: (segment, offset, bytes) =>
        this.events.onError?.(Object.assign(new Error(`damaged spool block skipped: ${bytes} bytes at ${segment.base}:${offset}`), { code: 'ESPOOLDAMAGED' }), 0),
    });
    this.position = this.startPosition();
    this.dropDelivered();
    for (const s of this.segments) {
      this.bytesOnDisk += s.bytes;
      const from = s.base === this.position.segment ? this.position : { offset: 0, skip: 0 };
      this.backlogRecords += this.reader.countRecords(s, from.offset, from.skip);
    }
  }

  /** Bytes still to deliver: the segments on disk less what is delivered of the oldest. */
  get backlogBytes(): number {
    return this.bytesOnDisk - deliveredOfFirst(this.segments, this.position) + this.writer.pendingChars;
  }

  /** Whether a line of `chars` characters fits under the cap (pending characters count as bytes, plus their block header). */
  fits(chars: number): boolean {
    return this.bytesOnDisk + HEADER_BYTES + this.writer.pendingChars + chars <= this.settings.maxBytes;
  }

  /** Takes one JSON line (ending in "\n"); the caller checked `fits`. */
  append(line: string): void {
    this.backlogRecords++;
    this.writer.append(line);
  }

  /** Appends pending lines now (not durable until a sync). */
  writeOut(): void {
    this.writer.writeOut();
  }

  /** Background fsync of what was appended, and saving the delivery position. */
  syncSoon(done?: () => void): void {
    this.savePosition();
    this.writer.syncSoon(done);
  }

  /** Everything appended is on disk when this returns: the FATAL and close path. */
  syncNow(): void {
    this.writer.syncNow();
    this.savePosition();
  }

  /** Records from the delivery position on. */
  read(maxRecords: number, maxChars: number): SpoolBatch {
    this.dropDelivered(); // a finished segment may have been rotated out since the last commit
    return this.reader.read(this.position, maxRecords, maxChars);
  }

  /** Records after `from` (the end of a batch still in flight): reading ahead of delivery. */
  readFrom(from: SpoolPosition, maxRecords: number, maxChars: number): SpoolBatch {
    return this.reader.read(from, maxRecords, maxChars);
  }

  /** The first `count` records of `batch` are delivered (or given up on): move past them. */
  commit(batch: SpoolBatch, count: number): void {
    const end = batch.ends.after(count - 1);
    if (count <= 0 || !end) return;
    this.position = end;
    this.positionSaved = false;
    this.backlogRecords = Math.max(0, this.backlogRecords - count);
    this.dropDelivered();
  }

  /** Ends this process's use of the spool: everything durable, position saved, lock released. */
  close(): void {
    this.writer.close();
    this.savePosition(true);
    this.reader.close();
    releaseLock(this.settings.dir);
  }

  private startPosition(): SpoolPosition {
    return resumePosition(this.segments, this.cursor.read());
  }

  /** Deletes segments wholly before the delivery position (never the one being appended to). */
  private dropDelivered(): void {
    while (this.segments.length > 0) {
      const first = this.segments[0] as Segment;
      const before = this.position.segment !== '' && first.base < this.position.segment;
      const finished = first.base === this.position.segment && this.position.offset >= first.bytes && first !== this.writer.activeSegment;
      if (!before && !finished) return;
      removeFile(first.path);
      this.segments.shift();
      this.bytesOnDisk -= first.bytes;
      if (finished) {
        const next = this.segments[0];
        this.position = next ? { segment: next.base, offset: 0, skip: 0 } : START;
      }
    }
  }

  private savePosition(force = false): void {
    if (this.positionSaved && !force) return;
    try {
      this.cursor.write(this.position);
      this.positionSaved = true;
    } catch (err) {
      this.events.onError?.(err as Error, 0);
    }
  }
}

/**
 * Where delivery resumes on opening a spool: the saved position if its
 * segment is still there, else the start of the first segment after it (the
 * saved one was delivered and deleted), else the start (nothing saved: every
 * segment left is undelivered, delivered ones are deleted).
 */
export function resumePosition(segments: readonly Segment[], saved: SpoolPosition | null): SpoolPosition {
  if (saved && segments.some((s) => s.base === saved.segment)) return saved;
  return saved ? { segment: segments.find((s) => s.base > saved.segment)?.base ?? '', offset: 0, skip: 0 } : START;
}

/** Bytes of the oldest segment already delivered. */
export function deliveredOfFirst(segments: readonly Segment[], position: SpoolPosition): number {
  const first = segments[0];
  return first && first.base === position.segment ? position.offset : 0;
}
