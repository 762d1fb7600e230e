import { closeSync, openSync, readSync } from 'node:fs';
import { blockIsIntact, decodeHeader, findMagic, HEADER_BYTES, type BlockHeader } from './SpoolFormat';
import type { Segment } from './SegmentFiles';
import { BatchEnds } from './BatchEnds';
import type { SpoolPosition } from './SpoolCursor';
import type { LevelTally } from './DropCounts';
import { LEVEL_NAMES, type LevelName } from '../../src/core/levels';
import { LEVEL_KEY } from '../../src/core/record';

/** A record as the spool hands it to a sink, and a sink to its wire format. */
export interface SpoolRecord {
  /**
   * Unique and stable: a redelivery of the same record carries the same id.
   * Every record read from a spool has one; a line encoded on its own (a
   * test, a tool) may not, and is then sent without.
   */
  readonly id?: string;
  /** The JSON record; the spool gives it without its trailing newline, the wire formats take either. */
  readonly line: string;
}

/** Records read from the spool and, for each, where delivery stands once it is accepted. */
export interface SpoolBatch {
  readonly records: readonly SpoolRecord[];
  /** `ends.after(i)`: the position after `records[i]`. */
  readonly ends: BatchEnds;
  /** Characters of the records' lines, as the batch limits count them. */
  readonly chars: number;
}

/** Characters of the records' lines: what batch limits count. */
export function charsOf(records: readonly SpoolRecord[]): number {
  let chars = 0;
  for (const r of records) chars += r.line.length;
  return chars;
}

export interface DamageListener {
  /** `bytes` bytes at `offset` of `segment` were not a valid block and were skipped. */
  damaged(segment: Segment, offset: number, bytes: number): void;
}

/**
 * Reads blocks back from the segments, from a position on. Each block is
 * checked against its CRC; a torn or damaged block is skipped up to the next
 * block magic (or the end of the segment) and reported. The segment being
 * appended to is read only up to the end of its last complete append.
 */
export class SpoolReader {
  private fd = -1;
  private fdPath = '';

  constructor(
    private readonly segments: readonly Segment[],
    private readonly isActive: (segment: Segment) => boolean,
    private readonly damage: DamageListener,
  ) {}

  read(from: SpoolPosition, maxRecords: number, maxChars: number): SpoolBatch {
    const records: SpoolRecord[] = [];
    const ends = new BatchEnds();
    let chars = 0;
    let segIndex = Math.max(0, this.segments.findIndex((s) => s.base === from.segment));
    let offset = from.segment === this.segments[segIndex]?.base ? from.offset : 0;
    let skip = from.segment === this.segments[segIndex]?.base ? from.skip : 0;
    while (records.length < maxRecords && chars < maxChars) {
      const segment = this.segments[segIndex];
      if (!segment) break;
      if (offset >= segment.bytes) {
        if (this.isActive(segment)) break;
        segIndex++;
        offset = 0;
        skip = 0;
        continue;
      }
      const block = this.readBlock(segment, offset);
      if (!block && offset >= segment.bytes) continue; // the file went away (delivered by a FATAL drain)
      if (!block) {
        offset = this.skipDamage(segment, offset);
        skip = 0;
        continue;
      }
      const lines = block.payload.toString('utf8').split('\n');
      const end = offset + HEADER_BYTES + block.header.payloadBytes;
      const count = Math.min(block.header.records, lines.length - 1);
      let i = skip;
      for (; i < count && records.length < maxRecords && chars < maxChars; i++) {
        const line = lines[i] as string;
        records.push({ id: `${segment.base}.${block.header.firstIndex + i}`, line });
        chars += line.length;
      }
      ends.add(segment.base, offset, end, count, skip, i - skip);
      if (i < count) break; // stopped inside this block: batch full
      offset = end;
      skip = 0;
    }
    return { records, ends, chars };
  }

  /** Records in `segment` from `offset` on, counted from block headers alone (startup backlog). */
  countRecords(segment: Segment, offset: number, skip: number): number {
    let count = -skip;
    const header = Buffer.allocUnsafe(HEADER_BYTES);
    while (offset + HEADER_BYTES <= segment.bytes) {
      if (this.readAt(segment, header, offset) < HEADER_BYTES) break;
      const h = decodeHeader(header);
      if (!h || offset + HEADER_BYTES + h.payloadBytes > segment.bytes) break;
      count += h.records;
      offset += HEADER_BYTES + h.payloadBytes;
    }
    return Math.max(0, count);
  }

  /**
   * The records of `segment` from record `skip` of the block at `offset` to
   * its end, by level: what is lost when the segment is removed undelivered
   * (whenFull "drop-oldest"). Damaged blocks are skipped and reported, as a
   * read does; their records are not counted.
   */
  countLevels(segment: Segment, offset: number, skip: number): LevelTally {
    const tally: LevelTally = {};
    while (offset < segment.bytes) {
      const block = this.readBlock(segment, offset);
      if (!block && offset >= segment.bytes) break;
      if (!block) {
        offset = this.skipDamage(segment, offset);
        skip = 0;
        continue;
      }
      const { payload } = block;
      let start = 0;
      for (let i = 0; i < block.header.records; i++) {
        const end = payload.indexOf(NEWLINE, start);
        if (end < 0) break;
        if (i >= skip) {
          const level = levelOfLine(payload, start, end);
          tally[level] = (tally[level] ?? 0) + 1;
        }
        start = end + 1;
      }
      offset += HEADER_BYTES + block.header.payloadBytes;
      skip = 0;
    }
    return tally;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.fdPath = '';
  }

  private readBlock(segment: Segment, offset: number): { header: BlockHeader; payload: Buffer } | null {
    const headerBytes = Buffer.allocUnsafe(HEADER_BYTES);
    if (this.readAt(segment, headerBytes, offset) < HEADER_BYTES) return null;
    const header = decodeHeader(headerBytes);
    if (!header || offset + HEADER_BYTES + header.payloadBytes > segment.bytes) return null;
    const payload = Buffer.allocUnsafe(header.payloadBytes);
    const got = this.readAt(segment, payload, offset + HEADER_BYTES);
    if (!blockIsIntact(headerBytes, header, payload.subarray(0, got))) return null;
    return { header, payload };
  }

  /** Skips from a damaged block to the next block magic in the segment, or its end. */
  private skipDamage(segment: Segment, offset: number): number {
    const rest = Buffer.allocUnsafe(segment.bytes - offset);
    const got = this.readAt(segment, rest, offset);
    const next = findMagic(rest.subarray(0, got), 1);
    const resume = next < 0 ? segment.bytes : offset + next;
    this.damage.damaged(segment, offset, resume - offset);
    return resume;
  }

  private readAt(segment: Segment, buf: Buffer, position: number): number {
    if (this.fdPath !== segment.path) {
      this.close();
      try {
        this.fd = openSync(segment.path, 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        segment.bytes = 0; // nothing left to read in it
        return 0;
      }
      this.fdPath = segment.path;
    }
    let got = 0;
    while (got < buf.length) {
      const n = readSync(this.fd, buf, got, buf.length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    return got;
  }
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;
/** Every record opens with its level as a label (the record contract, src/core/record.ts). */
const LINE_PREFIX = Buffer.from(`{"${LEVEL_KEY}":"`, 'latin1');
const LONGEST_LABEL = Math.max(...LEVEL_NAMES.map((l) => l.length));

/** The level of the line in `buf[start, end)`, read from its first bytes rather than by parsing it; "unknown" for a line that does not open with one. */
export function levelOfLine(buf: Buffer, start: number, end: number): LevelName | 'unknown' {
  const from = start + LINE_PREFIX.length;
  if (from > end || buf.compare(LINE_PREFIX, 0, LINE_PREFIX.length, start, from) !== 0) return 'unknown';
  const quote = buf.indexOf(QUOTE, from);
  if (quote < 0 || quote > end || quote - from > LONGEST_LABEL) return 'unknown';
  const label = buf.toString('latin1', from, quote);
  return LEVEL_NAMES.includes(label as LevelName) ? (label as LevelName) : 'unknown';
}
