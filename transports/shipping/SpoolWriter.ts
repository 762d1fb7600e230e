import { closeSync, fdatasync, fdatasyncSync, fstatSync, writevSync } from 'node:fs';
import { encodeHeader } from './SpoolFormat';
import { createSegmentFile, newSegmentBase, removeFile, segmentPath, type Segment } from './SegmentFiles';
import { SyncChunkWriter } from '../shared/SyncChunkWriter';
import { encodeUtf8Scratch } from '../shared/utf8Scratch';

export interface SpoolWriterSettings {
  readonly dir: string;
  /** A segment is closed and a new one started once it reaches this size. */
  readonly segmentBytes: number;
  /** Pending lines are appended as one block once they reach this many characters. */
  readonly chunkChars: number;
}

export interface AppendListener {
  /** `records` were appended to `segment` (now `segment.bytes` long). */
  appended(segment: Segment, records: number, bytes: number): void;
  /** `segment` was created: appends go to it from now on. */
  started?(segment: Segment): void;
  /** No more appends go to `segment` (full, or sealed after a failed append at `segment.bytes`). */
  retired?(segment: Segment): void;
  /** `segment` was removed: it held no whole block. */
  discarded?(segment: Segment): void;
  /** An append failed; the records in it are lost. */
  failed(err: unknown, records: number): void;
}

/**
 * The hot path of the spool: lines are buffered by the same SyncChunkWriter
 * as the console and file transports and appended to the active segment as
 * one checksummed block of ~64 KiB with one synchronous `writev`, finished
 * when it returns, so FATAL needs one more append plus an fsync
 * (docs/design.md, "Synchronous writes in chunks"). What is pending when the
 * tick ends is appended by a setImmediate.
 *
 * fsync is not done per append: `syncSoon` (on a timer, asynchronous) and
 * `syncNow` (flush, close, FATAL) make the appended blocks durable.
 */
export class SpoolWriter {
  private readonly buffer: SyncChunkWriter;
  private fd = -1;
  private active: Segment | null = null;
  private activeRecords = 0;
  /** Segments closed for appending but not yet fsynced. */
  private retired: number[] = [];
  /** Retired segments a background round is fsyncing; it closes them when it is done. */
  private retiredInRound: number[] = [];
  private dirty = false;
  private syncing = false;

  constructor(
    private readonly settings: SpoolWriterSettings,
    private readonly segments: Segment[],
    private readonly listener: AppendListener,
  ) {
    this.buffer = new SyncChunkWriter((data, records) => this.appendBlock(data, records), settings.chunkChars);
  }

  /** Characters buffered but not yet appended: counted against the spool cap. */
  get pendingChars(): number {
    return this.buffer.pendingChars;
  }

  /** The segment being appended to; the reader stops at its known end instead of taking it as torn. */
  get activeSegment(): Segment | null {
    return this.active;
  }

  append(line: string): void {
    this.buffer.write(line);
  }

  /** Appends everything pending as one block. Never throws: a failure is reported to the listener. */
  writeOut(): void {
    this.buffer.writeOut();
  }

  /** fsync in the background (the periodic timer); at most one round at a time. */
  syncSoon(done?: () => void): void {
    if (this.syncing || (!this.dirty && this.retired.length === 0)) {
      done?.();
      return;
    }
    this.syncing = true;
    this.dirty = false;
    const fds = this.active ? [this.fd] : [];
    const retired = this.retired;
    this.retired = [];
    this.retiredInRound = retired;
    let left = fds.length + retired.length;
    const one = (): void => {
      if (--left > 0) return;
      for (const fd of retired) closeQuietly(fd);
      this.retiredInRound = [];
      this.syncing = false;
      done?.();
    };
    if (left === 0) {
      this.syncing = false;
      done?.();
      return;
    }
    // An fsync error is not fatal here: the data is in the page cache and the next round retries.
    for (const fd of [...fds, ...retired]) fdatasync(fd, () => one());
  }

  /** Appends what is pending and fsyncs every segment written to; synchronous (FATAL, close). */
  syncNow(): void {
    this.writeOut();
    // Nothing appended since the last sync: a FATAL calls this several times
    // in a row (pino's flushSync, the logger's, the drain before exit), and
    // each fsync waits for the disk. A background round still in progress has
    // already cleared `dirty` but not finished its fsync, so it counts as unsynced.
    if (!this.dirty && !this.syncing && this.retired.length === 0) return;
    if (this.active) fdatasyncSync(this.fd);
    // A round in progress has not finished with its segments: FATAL must not exit before they are on disk.
    for (const fd of this.retiredInRound) fdatasyncSync(fd);
    for (const fd of this.retired) {
      fdatasyncSync(fd);
      closeQuietly(fd);
    }
    this.retired = [];
    this.dirty = false;
  }

  /** Ends appending: the next append (if any) starts a new segment. */
  close(): void {
    this.syncNow();
    if (this.active) {
      closeQuietly(this.fd);
      this.listener.retired?.(this.active);
    }
    this.active = null;
    this.fd = -1;
  }

  /** The chunk sink: `data` (whole lines, `records` of them) as one block of the active segment. Never throws. */
  private appendBlock(data: string, records: number): void {
    const payload = encodeUtf8Scratch(data);
    try {
      const segment = this.activeOrNew();
      const header = encodeHeader(payload, records, this.activeRecords);
      const written = writevSync(this.fd, [header, payload]);
      if (written !== header.length + payload.length) throw Object.assign(new Error(`short write to ${segment.path}`), { code: 'ESHORTWRITE' });
      segment.bytes += written;
      this.activeRecords += records;
      this.dirty = true;
      this.listener.appended(segment, records, written);
      if (segment.bytes >= this.settings.segmentBytes) this.retire();
    } catch (err) {
      // A partly written block would sit before every later one: start a new
      // segment and let the reader skip the torn tail of this one.
      this.sealAfterFailure();
      this.listener.failed(err, records);
    }
  }

  private activeOrNew(): Segment {
    if (this.active) return this.active;
    const base = newSegmentBase();
    const path = segmentPath(this.settings.dir, base);
    this.fd = createSegmentFile(path);
    this.active = { base, path, bytes: 0 };
    this.activeRecords = 0;
    this.segments.push(this.active);
    this.listener.started?.(this.active);
    return this.active;
  }

  private retire(): void {
    this.retired.push(this.fd);
    if (this.active) this.listener.retired?.(this.active);
    this.active = null;
    this.fd = -1;
  }

  private sealAfterFailure(): void {
    if (!this.active) return;
    try {
      this.active.bytes = fstatSync(this.fd).size;
      fdatasyncSync(this.fd);
    } catch {
      // the reader will find the end by itself
    }
    // Closed now, not at the next sync round: while the disk stays full every
    // attempt seals a segment, and each would otherwise hold a descriptor.
    closeQuietly(this.fd);
    // A segment with no whole block holds nothing to deliver: remove it, so a
    // disk that stays full does not leave a file per attempt.
    if (this.activeRecords === 0) this.discard(this.active);
    else this.listener.retired?.(this.active);
    this.active = null;
    this.fd = -1;
  }

  private discard(segment: Segment): void {
    try {
      removeFile(segment.path);
    } catch {
      return; // it stays, and the reader skips its torn tail
    }
    const i = this.segments.indexOf(segment);
    if (i >= 0) this.segments.splice(i, 1);
    this.listener.discarded?.(segment);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed: nothing to release
  }
}
