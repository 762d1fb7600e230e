/**
 * The messages between a shipping transport (on the service's thread) and
 * its delivery (in a worker thread). The spool on disk is the hand-off: the
 * records themselves never cross threads, only where they end on disk and
 * how far delivery has come.
 */

/** A segment file as the appending side knows it: `bytes` are whole blocks only. */
export interface PublishedSegment {
  readonly base: string;
  readonly bytes: number;
  /** Records this process had appended when the segment reached `bytes` (0 for segments of earlier processes). */
  readonly seq: number;
}

/** From the appending side to the delivery. */
export type ToDelivery =
  /** A block was appended: `segment` is now `bytes` long, and this process has appended `seq` records in all. */
  | { readonly type: 'appended'; readonly segment: string; readonly bytes: number; readonly seq: number; readonly records: number }
  /** No more appends to `segment` (full, or sealed after a failed append, with `bytes` its size on disk). */
  | { readonly type: 'sealed'; readonly segment: string; readonly bytes: number }
  /** `segment` was removed by the appending side (it held no whole block). */
  | { readonly type: 'discarded'; readonly segment: string }
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
  /** Segments delivery finished and deleted. */
  readonly removed: readonly string[];
  /** Bytes of the oldest segment already delivered. */
  readonly deliveredOfFirst: number;
  readonly backlogRecords: number;
  /** The `seq` of the last append notice counted in `backlogRecords`: later appends are the appending side's to add. */
  readonly seenSeq: number;
  /** Every record of this process up to this count has left the spool (delivered or refused for good). */
  readonly settledSeq: number;
}

/** From the delivery to the appending side. */
export type FromDelivery =
  | DeliveryProgress
  /** Something failed; `records` of them were lost for good (refused by the receiver), 0 for a retryable failure. */
  | { readonly type: 'failure'; readonly message: string; readonly code: string; readonly records: number }
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

/** What a delivery worker starts from (its workerData). */
export interface DeliveryStart<Settings, Recipe> {
  readonly settings: Settings;
  readonly recipe: Recipe;
  readonly published: readonly PublishedSegment[];
  /** Settled so far by earlier workers of this process: progress never goes back. */
  readonly settledSeq: number;
  readonly shared: BigInt64Array;
}

/** Shared memory slots (BigInt64Array): progress the FATAL path reads while the service's thread is blocked. */
export const SHARED_SETTLED_SEQ = 0;
export const SHARED_SLOTS = 1;

/** A port on either side: a worker's parentPort, a Worker, or one end of a MessageChannel. */
export interface DeliveryPort<Out, In> {
  postMessage(message: Out): void;
  on(event: 'message', listener: (message: In) => void): unknown;
}
