/**
 * The clock records are stamped with. A replayed record (replayOnError) is
 * written later than it was logged but keeps its own time: the write runs
 * inside atRecordTime(), synchronously, so no other record sees the pinned time.
 */
let pinned: number | undefined;

export function recordNow(): number {
  return pinned ?? Date.now();
}

export function atRecordTime(ms: number, write: () => void): void {
  pinned = ms;
  try {
    write();
  } finally {
    pinned = undefined;
  }
}
