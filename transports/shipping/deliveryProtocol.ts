/**
 * The messages between a shipping transport (on the service's thread) and
 * its delivery (in a worker thread). The spool on disk is the hand-off: the
 * records themselves never cross threads, only where they end on disk and
 * how far delivery has come.
 */
import type { LevelTally } from './DropCounts';

/** A segment file as the appending side knows it: `bytes` are whole blocks only. */
export interface PublishedSegment {
  readonly base: string;
  readonly bytes: number;
  /** Records this process had appended when the segment reached `bytes` (0 for segments of earlier processes). */
  readonly seq: number;
}

/** A change of the spool on disk, from the appending side, in the order it happened. */
export type SpoolChange =
  /** `segment` was created; appends go to it. */
  | { readonly type: 'started'; readonly segment: string }
  /** A block was appended: `segment` is now `bytes` long, and this process has appended `seq` records in all. */
  | { readonly type: 'appended'; readonly segment: string; readonly bytes: number; readonly seq: number }
  /** No more appends to `segment` (full, or sealed after a failed append, at `bytes`). */
  | { readonly type: 'sealed'; readonly segment: string; readonly bytes: number; readonly seq: number }
  /** `segment` was removed by the appending side (it held no whole block). */
  | { readonly type: 'discarded'; readonly segment: string }
  /**
   * The appending side no longer counts `segment` (the oldest, never the one
   * being appended to) against the cap: whenFull "drop-oldest" made room with
   * it. The delivery side deletes it and counts its undelivered records.
   */
  | { readonly type: 'evicted'; readonly segment: string };

/**
 * From the appending side to the delivery. Appends, the frequent change,
 * do not travel as messages: their latest state is in shared memory (see
 * SharedSpoolState); a message names each new segment once.
 */
export type ToDelivery =
  /** `segment` was created; in shared memory it is segment number `no`. */
  | { readonly type: 'started'; readonly segment: string; readonly no: number }
  | Extract<SpoolChange, { type: 'sealed' | 'discarded' | 'evicted' }>
  /** Send what is waiting without the batch interval until the backlog is empty (flush with delivered). */
  | { readonly type: 'hurry' }
  /** FATAL: hurry, save the position after every batch, and publish progress in shared memory. */
  | { readonly type: 'drain' }
  /** Deliver for up to `timeoutMs`, then stop, save the position and answer `closed`. */
  | { readonly type: 'close'; readonly timeoutMs: number };

/** What the appending side learns after each batch. */
export interface DeliveryProgress {
  readonly type: 'progress';
  /** Records the receiver took in this batch. */
  readonly delivered: number;
  /** Segments delivery finished (or evicted) and deleted. */
  readonly removed: readonly string[];
  /** The oldest segment delivery knows of, and how many of its bytes are delivered. */
  readonly oldestSegment: string | null;
  readonly deliveredOfFirst: number;
  /** Undelivered records deleted with evicted segments since the last progress, by level. */
  readonly evicted: LevelTally;
  readonly backlogRecords: number;
  /** The `seq` of the last append notice counted in `backlogRecords`: later appends are the appending side's to add. */
  readonly seenSeq: number;
  /** Every record of this process up to this count has left the spool (delivered or refused for good). */
  readonly settledSeq: number;
  /** Records refused for good in these batches, told with the progress that moves past them: health and a flush see both at once. */
  readonly refusals: readonly DeliveryRefusal[];
}

/** Records the receiver refused for good (they are in the dead-letter hook's keeping), and why. */
export interface DeliveryRefusal {
  readonly records: number;
  readonly reason: string;
}

/** Something failed; `records` of them were lost for good, 0 for a retryable failure. */
export interface DeliveryFailure {
  readonly type: 'failure';
  readonly message: string;
  readonly code: string;
  readonly records: number;
}

/** From the delivery to the appending side. */
export type FromDelivery =
  | DeliveryProgress
  | DeliveryFailure
  /** A notice for stderr (printed by the service's thread, like every other notice). */
  | { readonly type: 'notice'; readonly text: string }
  /** Delivery has work in hand that should keep the process alive (a send, or a batch waiting for the interval). */
  | { readonly type: 'busy' }
  /**
   * Delivery waits: for appends after `seenSeq` (the process may end once
   * it has nothing newer), or, `retrying`, out a retry pause (the process may
   * end at once: the spool keeps the records for the next start).
   */
  | { readonly type: 'idle'; readonly seenSeq: number; readonly retrying: boolean }
  | { readonly type: 'closed' };

/** Slots of the shared memory (a BigInt64Array) between the two sides. */
export const SHARED = {
  /** Delivery: every record of this process up to this count has left the spool (read by FATAL while blocked). */
  settledSeq: 0,
  /** Appending side: a seqlock around the three slots after it (odd while they change). */
  version: 1,
  /** Appending side: the number of the segment appended to last, its length, and the records appended in all. */
  segmentNo: 2,
  bytes: 3,
  seq: 4,
  /** Delivery: wake me once `seq` reaches this (0: no wake wanted); the appending side then bumps `wake` and notifies it. */
  wakeAtSeq: 5,
  wake: 6,
  slots: 7,
} as const;
/** A port on either side: a worker's parentPort, a Worker, or one end of a MessageChannel. */
export interface DeliveryPort<Out, In> {
  postMessage(message: Out): void;
  on(event: 'message', listener: (message: In) => void): unknown;
}

/** The code of a failure whose records the receiver refused for good: dead letters, counted apart in health. */
export const REJECTED_CODE = 'EREJECTED';
