import type { SpoolPosition } from './SpoolCursor';

/**
 * Where delivery stands after each record of a batch, kept per block rather
 * than per record, so a batch in flight is not thousands of objects for each
 * scavenge of the young generation to copy (docs/design.md, "Delivery
 * positions per block, not per record"). Blocks hold a few hundred records
 * each, so this keeps a few dozen entries per batch.
 */
export class BatchEnds {
  private readonly blocks: BlockSpan[] = [];
  private total = 0;

  /**
   * Records `fromRecord .. fromRecord + taken - 1` of the block at `offset`
   * (which holds `blockRecords` and ends at `end`) are the next ones in the
   * batch.
   */
  add(segment: string, offset: number, end: number, blockRecords: number, fromRecord: number, taken: number): void {
    if (taken <= 0) return;
    this.blocks.push({ firstInBatch: this.total, segment, offset, end, blockRecords, fromRecord });
    this.total += taken;
  }

  get length(): number {
    return this.total;
  }

  /** The position after record `i` of the batch; undefined outside it. */
  after(i: number): SpoolPosition | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.total) return undefined;
    const b = this.blocks[this.blockOf(i)] as BlockSpan;
    const next = b.fromRecord + (i - b.firstInBatch) + 1;
    return next >= b.blockRecords ? { segment: b.segment, offset: b.end, skip: 0 } : { segment: b.segment, offset: b.offset, skip: next };
  }

  /** The position after the last record; undefined for an empty batch. */
  last(): SpoolPosition | undefined {
    return this.after(this.total - 1);
  }

  /** The last block whose first record is at or before `i` (binary search). */
  private blockOf(i: number): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.blocks[mid] as BlockSpan).firstInBatch <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

interface BlockSpan {
  /** Index in the batch of the block's first record taken. */
  readonly firstInBatch: number;
  readonly segment: string;
  readonly offset: number;
  readonly end: number;
  /** Records in the whole block. */
  readonly blockRecords: number;
  /** Index in the block of its first record taken. */
  readonly fromRecord: number;
}
