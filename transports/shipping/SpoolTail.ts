import type { PublishedSegment, SpoolChange } from './deliveryProtocol';
import { removeFile, segmentPath, type Segment } from './SegmentFiles';
import { SpoolCursor, type SpoolPosition } from './SpoolCursor';
import { SpoolReader, type SpoolBatch } from './SpoolReader';
import type { LevelTally } from './DropCounts';

export interface TailEvents {
  /** `bytes` bytes at `offset` of `segment` were not a valid block and were skipped. */
  damaged?(err: Error): void;
  /** Saving the delivery position failed (it is retried at the next save). */
  saveFailed?(err: Error): void;
  /** Evicted segments were deleted: `takeEvicted()` has their undelivered records. */
  evicted?(): void;
}

const START: SpoolPosition = { segment: '', offset: 0, skip: 0 };

/** Where a published block ends, and how many of this process's records the spool held then. */
interface PublishedEnd {
  readonly segment: string;
  readonly end: number;
  readonly seq: number;
}

/**
 * The delivering half of the spool: it reads the segments only up to the
 * lengths the appending side published, keeps the delivery position (saved
 * in the cursor file), deletes segments once they are delivered, and counts
 * the backlog. It runs wherever delivery runs (a worker thread) and shares
 * nothing with the appending side but the files and the notices.
 */
export class SpoolTail {
  backlogRecords = 0;
  /** Segments deleted since the last `takeRemoved()`. */
  private removedSegments: string[] = [];
  private position: SpoolPosition;
  private positionSaved = true;
  private readonly segments: Segment[];
  private active: string | null = null;
  private readonly reader: SpoolReader;
  private readonly cursor: SpoolCursor;
  private readonly ends: PublishedEnd[] = [];
  private settled: number;
  /** The seq of the last append notice applied. */
  seenSeq = 0;
  /** Segments the appending side removed at the cap (whenFull "drop-oldest") that this side has not yet deleted. */
  private evictions: string[] = [];
  /** Undelivered records deleted with them since the last `takeEvicted()`, by level. */
  private evicted: LevelTally = {};
  /**
   * Where the last batch handed out ends, while batches may be in flight:
   * a segment up to it is not deleted before they settle, so that the
   * position never moves into a deleted segment and a record is counted
   * either delivered or dropped, never both. Null when nothing is in flight.
   */
  private handedOut: SpoolPosition | null = null;

  constructor(
    private readonly dir: string,
    published: readonly PublishedSegment[],
    /** The segment still being appended to: its known end is not a torn tail. */
    active: string | null,
    private readonly events: TailEvents = {},
    settledSeq = 0,
    /** Segments the appending side evicted that a delivery before this one did not delete. */
    evicting: readonly string[] = [],
  ) {
    this.segments = published.map((p) => ({ base: p.base, path: segmentPath(dir, p.base), bytes: p.bytes }));
    for (const p of published) if (p.seq > settledSeq) this.ends.push({ segment: p.base, end: p.bytes, seq: p.seq });
    this.settled = settledSeq;
    this.seenSeq = Math.max(settledSeq, ...published.map((p) => p.seq));
    this.active = active;
    this.cursor = new SpoolCursor(dir);
    this.reader = new SpoolReader(this.segments, (s) => s.base === this.active, {
      damaged: (segment, offset, bytes) =>
        this.events.damaged?.(Object.assign(new Error(`damaged spool block skipped: ${bytes} bytes at ${segment.base}:${offset}`), { code: 'ESPOOLDAMAGED' })),
    });
    this.position = resumePosition(this.segments, this.cursor.read());
    this.dropDelivered();
    for (const s of this.segments) {
      const from = s.base === this.position.segment ? this.position : { offset: 0, skip: 0 };
      this.backlogRecords += this.reader.countRecords(s, from.offset, from.skip);
    }
    this.settleEnds();
    this.evict(evicting);
  }

  /**
   * The appending side removed `segment` from its count at the cap
   * (whenFull "drop-oldest"): delete it with its undelivered records, at once
   * unless a batch in flight was read from it, else once nothing is in flight
   * (`idle`, or the next `read`). A segment delivered meanwhile is gone
   * already and costs nothing.
   */
  evict(segments: readonly string[]): void {
    for (const base of segments) if (!this.evictions.includes(base)) this.evictions.push(base);
    this.applyEvictions();
  }

  /** No batch is in flight (delivery waits, or reads afresh from the position): evictions held back for one go ahead. */
  idle(): void {
    this.handedOut = null;
    this.applyEvictions();
  }

  /** Undelivered records deleted with evicted segments since the last call, by level. */
  takeEvicted(): LevelTally {
    const evicted = this.evicted;
    this.evicted = {};
    return evicted;
  }

  /** Applies a change the appending side made. */
  apply(change: SpoolChange): void {
    switch (change.type) {
      case 'started':
        if (!this.segments.some((s) => s.base === change.segment)) this.segments.push({ base: change.segment, path: segmentPath(this.dir, change.segment), bytes: 0 });
        this.active = change.segment;
        return;
      case 'appended':
      case 'sealed': {
        const segment = this.segments.find((s) => s.base === change.segment);
        if (segment) segment.bytes = Math.max(segment.bytes, change.bytes);
        if (change.seq > this.seenSeq) {
          this.backlogRecords += change.seq - this.seenSeq;
          this.seenSeq = change.seq;
          this.ends.push({ segment: change.segment, end: change.bytes, seq: change.seq });
        }
        if (change.type === 'sealed') {
          if (this.active === change.segment) this.active = null;
          this.dropDelivered();
        }
        return;
      }
      case 'discarded': {
        const i = this.segments.findIndex((s) => s.base === change.segment);
        if (i >= 0) this.segments.splice(i, 1);
        if (this.active === change.segment) this.active = null;
        return;
      }
      case 'evicted':
        this.evict([change.segment]);
        return;
    }
  }

  /** Bytes still to deliver: the segments less what is delivered of the oldest. */
  get backlogBytes(): number {
    let bytes = 0;
    for (const s of this.segments) bytes += s.bytes;
    return bytes - this.deliveredOfFirst;
  }

  get deliveredOfFirst(): number {
    return deliveredOfFirst(this.segments, this.position);
  }

  /** The oldest segment still here, whose first `deliveredOfFirst` bytes are delivered. */
  get oldestSegment(): string | null {
    return this.segments[0]?.base ?? null;
  }

  /** Every record this process appended, up to this count, has left the spool. */
  get settledSeq(): number {
    return this.settled;
  }

  /** Records from the delivery position on. */
  read(maxRecords: number, maxChars: number): SpoolBatch {
    // Delivery reads from the position only with nothing in flight.
    this.idle();
    this.dropDelivered();
    const batch = this.reader.read(this.position, maxRecords, maxChars);
    this.handedOut = batch.ends.last() ?? null;
    // Nothing readable from the position: whatever the count says (records of
    // skipped damaged blocks never come out) the backlog is empty.
    if (batch.records.length === 0) this.caughtUp();
    return batch;
  }

  /** Records after `from` (the end of a batch still in flight): reading ahead of delivery. */
  readFrom(from: SpoolPosition, maxRecords: number, maxChars: number): SpoolBatch {
    const batch = this.reader.read(from, maxRecords, maxChars);
    this.handedOut = batch.ends.last() ?? this.handedOut;
    return batch;
  }

  /** The first `count` records of `batch` are delivered (or given up on): move past them. */
  commit(batch: SpoolBatch, count: number): void {
    const end = batch.ends.after(count - 1);
    if (count <= 0 || !end) return;
    this.position = end;
    this.positionSaved = false;
    this.backlogRecords = Math.max(0, this.backlogRecords - count);
    this.dropDelivered();
    this.settleEnds();
  }

  /** Segments deleted since the last call. */
  takeRemoved(): string[] {
    const removed = this.removedSegments;
    this.removedSegments = [];
    return removed;
  }

  savePosition(force = false): void {
    if (this.positionSaved && !force) return;
    try {
      this.cursor.write(this.position);
      this.positionSaved = true;
    } catch (err) {
      this.events.saveFailed?.(err as Error);
    }
  }

  close(): void {
    this.idle();
    this.savePosition(true);
    this.reader.close();
  }

  private applyEvictions(): void {
    const held = this.handedOut?.segment;
    // Segments sort by name in the order they were written: one after the last batch handed out holds nothing in flight.
    const before = this.evictions.length;
    this.evictions = this.evictions.filter((base) => {
      if (held !== undefined && base <= held) return true;
      this.deleteEvicted(base);
      return false;
    });
    if (this.evictions.length < before) this.events.evicted?.();
  }

  /** Deletes an evicted segment (nothing in flight from it) and counts what in it was not delivered. */
  private deleteEvicted(base: string): void {
    const i = this.segments.findIndex((s) => s.base === base);
    if (i < 0) return; // delivered and deleted meanwhile: nothing lost
    const segment = this.segments[i] as Segment;
    const p = this.position;
    const delivered = p.segment !== '' && base < p.segment;
    if (!delivered) {
      const from = p.segment === base ? p : { offset: 0, skip: 0 };
      const tally = this.reader.countLevels(segment, from.offset, from.skip);
      let records = 0;
      for (const [level, n] of Object.entries(tally) as [keyof LevelTally, number][]) {
        this.evicted[level] = (this.evicted[level] ?? 0) + n;
        records += n;
      }
      this.backlogRecords = Math.max(0, this.backlogRecords - records);
    }
    this.reader.close(); // it may hold the file open: its space comes back only once closed
    removeFile(segment.path);
    this.segments.splice(i, 1);
    this.removedSegments.push(base);
    if (p.segment === base) {
      const next = this.segments[i];
      this.position = next ? { segment: next.base, offset: 0, skip: 0 } : START;
      this.positionSaved = false;
    }
    this.settleEnds();
  }

  private caughtUp(): void {
    this.backlogRecords = 0;
    const last = this.ends.at(-1);
    if (last) this.settled = Math.max(this.settled, last.seq);
    this.ends.length = 0;
  }

  /** Published block ends the position has passed: their records are settled. */
  private settleEnds(): void {
    const p = this.position;
    let passed = 0;
    for (const e of this.ends) {
      const before = p.segment === '' ? !this.segments.some((s) => s.base === e.segment) : e.segment < p.segment || (e.segment === p.segment && e.end <= p.offset);
      if (!before) break;
      this.settled = Math.max(this.settled, e.seq);
      passed++;
    }
    if (passed > 0) this.ends.splice(0, passed);
  }

  /** Deletes segments wholly before the delivery position (never the one being appended to). */
  private dropDelivered(): void {
    while (this.segments.length > 0) {
      const first = this.segments[0] as Segment;
      const before = this.position.segment !== '' && first.base < this.position.segment;
      const finished = first.base === this.position.segment && this.position.offset >= first.bytes && first.base !== this.active;
      if (!before && !finished) return;
      removeFile(first.path);
      this.segments.shift();
      this.removedSegments.push(first.base);
      if (finished) {
        const next = this.segments[0];
        this.position = next ? { segment: next.base, offset: 0, skip: 0 } : START;
        this.positionSaved = false;
      }
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
