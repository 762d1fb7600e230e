import { TIME_KEY } from '../../src/core/record';
import { listSegments, lockHolder, type Segment } from './SegmentFiles';
import { SpoolCursor, type SpoolPosition } from './SpoolCursor';
import { SpoolReader } from './SpoolReader';
import { deliveredOfFirst, resumePosition } from './SpoolTail';

/** Records read per step while counting: bounded memory whatever the backlog. */
const READ_STEP = { records: 10_000, chars: 8 * 1024 * 1024 };

/** What a spool holds, as `prodlog spool` reports it. */
export interface SpoolInspection {
  readonly dir: string;
  readonly segments: number;
  readonly backlogRecords: number;
  readonly backlogBytes: number;
  /** `time` of the oldest undelivered record, or null when there is none (or it has no time). */
  readonly oldestRecordTime: string | null;
  /** Where delivery resumes: the saved position (cursor file), or the oldest segment's start; null with no segment. */
  readonly position: SpoolPosition | null;
  /** The process holding the spool's lock file, and whether it is running. */
  readonly lock: { readonly pid: number; readonly running: boolean } | null;
  /** Bytes of blocks that failed their checksum, skipped by delivery. */
  readonly damagedBytes: number;
  /** Bytes at the end of the newest segment that are not a whole block yet: being written, or torn by a crash. */
  readonly incompleteTailBytes: number;
}

/**
 * The spool's backlog, read the way delivery would read it, without touching
 * anything: it takes no lock and writes nothing, so it is safe on the spool of
 * a running service (whose numbers may have moved on by the time they are read).
 */
export function inspectSpool(dir: string): SpoolInspection {
  const { segments, start, backlogBytes } = spoolBacklog(dir);
  const newest = segments.at(-1);
  let damagedBytes = 0;
  let incompleteTailBytes = 0;
  const reader = new SpoolReader(segments, () => false, {
    damaged: (segment, offset, bytes) => {
      if (segment === newest && offset + bytes >= segment.bytes) incompleteTailBytes += bytes;
      else damagedBytes += bytes;
    },
  });
  let backlogRecords = 0;
  let oldestRecordTime: string | null = null;
  try {
    let from = start;
    for (;;) {
      const batch = reader.read(from, READ_STEP.records, READ_STEP.chars);
      const last = batch.ends.last();
      if (!last) break;
      if (backlogRecords === 0) oldestRecordTime = timeOf(batch.records[0]?.line);
      backlogRecords += batch.records.length;
      from = last;
    }
  } finally {
    reader.close();
  }
  return { dir, segments: segments.length, backlogRecords, backlogBytes, oldestRecordTime, position: start.segment === '' ? null : start, lock: lockHolder(dir), damagedBytes, incompleteTailBytes };
}

/**
 * The segments not yet delivered and their bytes, from the file sizes and the
 * saved position alone (no record is read): cheap enough for every start.
 */
export function spoolBacklog(dir: string): { readonly segments: Segment[]; readonly start: SpoolPosition; readonly backlogBytes: number } {
  const all = listSegments(dir);
  const start = resumePosition(all, new SpoolCursor(dir).read());
  // Segments before the delivery position are delivered; the service deletes them on its next start.
  const segments = all.filter((s) => start.segment === '' || s.base >= start.segment);
  return { segments, start, backlogBytes: segments.reduce((sum, s) => sum + s.bytes, 0) - deliveredOfFirst(segments, start) };
}

function timeOf(line: string | undefined): string | null {
  try {
    const time = (JSON.parse(line ?? '') as Record<string, unknown>)[TIME_KEY];
    return typeof time === 'string' ? time : null;
  } catch {
    return null;
  }
}
