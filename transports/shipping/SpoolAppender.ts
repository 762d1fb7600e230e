import { HEADER_BYTES } from './SpoolFormat';
import type { PublishedSegment, SpoolChange } from './deliveryProtocol';
import { ensureSpoolDir, listSegments, takeLock, type Segment, type SpoolLock } from './SegmentFiles';
import { SpoolWriter } from './SpoolWriter';

export interface SpoolSettings {
  readonly dir: string;
  /** Cap on the bytes of all segments on disk; past it, new records are refused (or the oldest segment evicted: `evictFor`). */
  readonly maxBytes: number;
  readonly segmentBytes: number;
  /** Characters buffered before a synchronous append. */
  readonly chunkChars: number;
}

export interface AppenderEvents {
  /** Tell the delivery side what changed on disk (in order). */
  publish(change: SpoolChange): void;
  /** An append failed: `records` are lost. */
  onError?(err: Error, records: number): void;
}

/**
 * The appending half of the spool, on the service's thread: it holds the
 * spool's lock, appends records in checksummed blocks (SpoolWriter), keeps
 * the byte count the cap is checked against, and publishes every change of a
 * segment's length to the delivery side, which reads only what was published
 * (a block being written is never read as a torn one).
 */
export class SpoolAppender {
  /** Bytes of all segment files. */
  bytesOnDisk = 0;
  /** Records appended (whole blocks on disk) since this process opened the spool. */
  seq = 0;
  /** Records taken by `append` and not yet appended (nor lost in a failed append). */
  pendingRecords = 0;
  /** Bytes of the oldest segment that the delivery side has delivered, as it last said. */
  private deliveredOfOldest = 0;
  /**
   * Segments evicted at the cap (whenFull "drop-oldest"): no longer counted
   * against it, but on disk until the delivery side deletes them and says so.
   * A restarted delivery is told again.
   */
  private readonly evicted: Segment[] = [];
  private readonly segments: Segment[];
  private readonly segmentSeq = new Map<string, number>();
  private readonly writer: SpoolWriter;
  private readonly lock: SpoolLock;

  constructor(
    readonly settings: SpoolSettings,
    private readonly events: AppenderEvents,
  ) {
    ensureSpoolDir(settings.dir);
    this.lock = takeLock(settings.dir);
    this.segments = listSegments(settings.dir);
    for (const s of this.segments) this.bytesOnDisk += s.bytes;
    this.writer = new SpoolWriter(settings, this.segments, {
      appended: (segment, records, bytes) => {
        this.bytesOnDisk += bytes;
        this.seq += records;
        this.pendingRecords -= records;
        this.segmentSeq.set(segment.base, this.seq);
        this.events.publish({ type: 'appended', segment: segment.base, bytes: segment.bytes, seq: this.seq });
      },
      started: (segment) => this.events.publish({ type: 'started', segment: segment.base }),
      retired: (segment) => this.events.publish({ type: 'sealed', segment: segment.base, bytes: segment.bytes, seq: this.seq }),
      discarded: (segment) => this.events.publish({ type: 'discarded', segment: segment.base }),
      failed: (err, records) => {
        this.pendingRecords -= records;
        // A failed append may leave a torn tail that the segment's size now counts: count it too, or
        // dropping the segment later subtracts bytes never added and the cap lets that much more in.
        this.bytesOnDisk = this.segments.reduce((n, segment) => n + segment.bytes, 0);
        this.events.onError?.(err as Error, records);
      },
    });
  }

  /** What the delivery side starts from: every segment with its published length, the evicted ones first (they are the oldest). */
  snapshot(): PublishedSegment[] {
    return [...this.evicted, ...this.segments].map((s) => ({ base: s.base, bytes: s.bytes, seq: this.segmentSeq.get(s.base) ?? 0 }));
  }

  /** Evicted segments the delivery side has not reported deleted. */
  get evicting(): string[] {
    return this.evicted.map((s) => s.base);
  }

  /** The segment being appended to, if any. */
  get activeSegment(): string | null {
    return this.writer.activeSegment?.base ?? null;
  }

  get pendingChars(): number {
    return this.writer.pendingChars;
  }

  /** Whether a line of `chars` characters fits under the cap (pending characters count as bytes, plus their block header). */
  fits(chars: number): boolean {
    return this.bytesOnDisk + HEADER_BYTES + this.writer.pendingChars + chars <= this.settings.maxBytes;
  }

  /** Bytes not yet delivered: on disk less what is delivered of the oldest segment, plus what waits to be appended. */
  get backlogBytes(): number {
    return Math.max(0, this.bytesOnDisk - this.deliveredOfOldest + this.writer.pendingChars);
  }

  /** Whether a line of `chars` characters keeps the backlog (`backlogBytes`, plus a block header) at most `limit`: the shedding threshold. */
  backlogFits(chars: number, limit: number): boolean {
    return this.bytesOnDisk - this.deliveredOfOldest + HEADER_BYTES + this.writer.pendingChars + chars <= limit;
  }

  /** The delivery side has delivered `bytes` of `segment`, its oldest; ignored if that is not the oldest here any more (evicted meanwhile). */
  deliveredOf(segment: string | null, bytes: number): void {
    this.deliveredOfOldest = segment !== null && this.segments[0]?.base === segment ? bytes : 0;
  }

  /**
   * whenFull "drop-oldest": stops counting the oldest segments (never the one
   * being appended to) until `chars` fit, and tells the delivery side to
   * delete them. Returns whether the line fits now.
   */
  evictFor(chars: number): boolean {
    while (!this.fits(chars)) {
      const oldest = this.segments[0];
      if (!oldest || oldest === this.writer.activeSegment) return false;
      this.segments.shift();
      this.bytesOnDisk -= oldest.bytes;
      this.deliveredOfOldest = 0;
      this.evicted.push(oldest);
      this.events.publish({ type: 'evicted', segment: oldest.base });
    }
    return true;
  }

  /** Takes one JSON line (ending in "\n"); the caller checked `fits`. */
  append(line: string): void {
    this.pendingRecords++;
    this.writer.append(line);
  }

  /** Appends pending lines now (not durable until a sync). */
  writeOut(): void {
    this.writer.writeOut();
  }

  /** Background fsync of what was appended. */
  syncSoon(done?: () => void): void {
    this.writer.syncSoon(done);
  }

  /** Everything appended is on disk when this returns: the FATAL and close path. */
  syncNow(): void {
    this.writer.syncNow();
  }

  /** The delivery side deleted these segments: their bytes no longer count against the cap. */
  removed(bases: readonly string[]): void {
    for (const base of bases) {
      const e = this.evicted.findIndex((s) => s.base === base);
      if (e >= 0) {
        this.evicted.splice(e, 1); // no longer counted since its eviction
        this.segmentSeq.delete(base);
        continue;
      }
      const i = this.segments.findIndex((s) => s.base === base);
      if (i < 0 || this.segments[i] === this.writer.activeSegment) continue;
      this.bytesOnDisk -= (this.segments[i] as Segment).bytes;
      this.segments.splice(i, 1);
      this.segmentSeq.delete(base);
    }
  }

  /** Appending is over: everything durable; `release` drops the lock once delivery has saved its position. */
  close(): void {
    this.writer.close();
  }

  releaseLock(): void {
    this.lock.release();
  }
}
