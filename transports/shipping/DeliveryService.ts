import { settleWithin } from '../shared/settleWithin';
import type { RetrySettings } from './Backoff';
import { DeliveryLoop, type BatchSettings, type DeliverySource, type LoopState } from './DeliveryLoop';
import { type DeliveryPort, type DeliveryRefusal, type FromDelivery, type PublishedSegment, type ToDelivery } from './deliveryProtocol';
import type { SharedSpoolState } from './SharedSpoolState';
import type { Sink, SpoolRecord } from './Sink';
import type { SpoolPosition } from './SpoolCursor';
import type { SpoolBatch } from './SpoolReader';
import { SpoolTail } from './SpoolTail';

export interface DeliverySettings {
  readonly dir: string;
  readonly batch: BatchSettings;
  readonly retry: RetrySettings;
  /** The delivery position is saved at most this long after it moved. */
  readonly fsyncIntervalMs: number;
}

/** What a sink kind builds on the delivery side: the sink and what to do with refused records. */
export interface DeliveryKit {
  readonly sink: Sink;
  /** Records the receiver refused for good; they have left the spool. */
  readonly onDeadLetter?: (records: readonly SpoolRecord[], reason: string) => void;
  /** `count` records refused for good without saying which (OTLP partial success). */
  readonly onUnidentifiedRejects?: (count: number, reason: string) => void;
}

/**
 * Progress and idle notices wait this long for the next of their kind, so a
 * sink that settles a small batch per append (syslog at a steady rate) does
 * not cost the service's thread a message per batch. A FATAL drain reads
 * shared memory, and a flush waiting for delivery gets progress at once.
 */
const NOTICE_DELAY_MS = 50;

/** The spool as the appending side left it when this delivery started. */
export interface DeliveryStartState {
  readonly published: readonly PublishedSegment[];
  readonly active: { readonly segment: string; readonly no: number } | null;
  readonly settledSeq: number;
  /** Segments the appending side evicted (whenFull "drop-oldest") whose deletion no delivery has reported yet. */
  readonly evicting: readonly string[];
}

/**
 * The delivery side of a shipping transport, in a worker thread: it mirrors
 * the spool from the appending side's messages and shared memory
 * (SpoolTail), runs the DeliveryLoop into the sink, and reports progress,
 * failures and whether it is busy. It publishes how far it has settled in
 * shared memory, where a FATAL on the blocked service thread reads it.
 */
export class DeliveryService {
  private readonly tail: SpoolTail;
  private readonly loop: DeliveryLoop;
  /** Segment numbers in shared memory, to names. */
  private readonly segmentNames = new Map<number, string>();
  private saveTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Someone waits for delivery (hurry): progress goes out after every batch until the backlog is empty. */
  private hurried = false;
  /** Refusals of the batch being settled: they travel in the progress that moves the spool past them, so health and a flush see both at once. */
  private refusals: DeliveryRefusal[] = [];
  private draining = false;
  private busy = false;
  /** Batches may be in flight: from the loop's first read until it next waits. */
  private sending = true;
  private closing = false;
  private deliveredSincePost = 0;

  constructor(
    private readonly port: DeliveryPort<FromDelivery, ToDelivery>,
    private readonly settings: DeliverySettings,
    start: DeliveryStartState,
    private readonly kit: DeliveryKit,
    private readonly shared: SharedSpoolState,
  ) {
    this.tail = new SpoolTail(
      settings.dir,
      start.published,
      start.active?.segment ?? null,
      { damaged: (err) => this.fail(err, 0), saveFailed: (err) => this.fail(err, 0), evicted: () => this.progressSoon() },
      start.settledSeq,
      start.evicting,
    );
    if (start.active) this.segmentNames.set(start.active.no, start.active.segment);
    this.loop = new DeliveryLoop(this.source(), kit.sink, settings.batch, settings.retry, {
      delivered: (n) => (this.deliveredSincePost += n),
      deadLetter: (records, reason) => this.refused(records.length, reason, () => this.kit.onDeadLetter?.(records, reason)),
      unidentifiedRejects: (count, reason) => this.refused(count, reason, () => this.kit.onUnidentifiedRejects?.(count, reason)),
      failed: (err) => this.fail(err, 0),
      settled: () => this.afterSettle(),
      state: (state) => this.setState(state),
    });
    port.on('message', (message) => this.receive(message));
    this.syncAppends();
    this.postProgress(); // the backlog found on disk
    void this.watchAppends();
    this.loop.start();
  }

  /** The tail, brought up to date with shared memory whenever the loop looks at it. */
  private source(): DeliverySource {
    const tail = this.tail;
    const sync = (): void => void this.syncAppends();
    return {
      get backlogRecords() {
        sync();
        return tail.backlogRecords;
      },
      get backlogBytes() {
        return tail.backlogBytes;
      },
      read: (maxRecords: number, maxChars: number): SpoolBatch => {
        sync();
        const before = tail.backlogRecords;
        const batch = tail.read(maxRecords, maxChars);
        // Caught up with a count that said otherwise (records of damaged blocks): health must not show a phantom backlog.
        if (batch.records.length === 0 && before !== tail.backlogRecords) this.postProgress();
        return batch;
      },
      readFrom: (from: SpoolPosition, maxRecords: number, maxChars: number): SpoolBatch => tail.readFrom(from, maxRecords, maxChars),
      commit: (batch: SpoolBatch, count: number): void => tail.commit(batch, count),
    };
  }

  /** Applies the last append from shared memory; true if it brought records. */
  private syncAppends(): boolean {
    const last = this.shared.readAppend();
    const segment = this.segmentNames.get(last.segmentNo);
    if (segment === undefined || last.seq <= this.tail.seenSeq) return false;
    this.tail.apply({ type: 'appended', segment, bytes: last.bytes, seq: last.seq });
    return true;
  }

  private async watchAppends(): Promise<void> {
    while (!this.closing) {
      await this.shared.nextWake();
      if (this.syncAppends()) this.loop.wake();
    }
  }

  private receive(message: ToDelivery): void {
    switch (message.type) {
      case 'started':
        this.segmentNames.set(message.no, message.segment);
        this.tail.apply({ type: 'started', segment: message.segment });
        if (this.syncAppends()) this.loop.wake();
        return;
      case 'sealed':
      case 'discarded':
        this.tail.apply(message);
        return;
      case 'evicted':
        this.tail.apply(message);
        if (!this.sending) this.tail.idle();
        return;
      case 'hurry':
        this.hurried = true;
        void this.loop.idle().then(() => {
          this.hurried = false;
          this.postProgress();
        });
        return;
      case 'drain':
        this.draining = true;
        this.tail.savePosition(); // what was settled before the FATAL must not be resent by the next start
        this.shared.publishSettled(this.tail.settledSeq);
        void this.loop.idle();
        return;
      case 'close':
        void this.close(message.timeoutMs);
        return;
    }
  }

  private async close(timeoutMs: number): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await settleWithin(this.loop.idle(), timeoutMs);
    clearTimeout(this.saveTimer);
    await this.loop.stop();
    this.tail.close();
    clearTimeout(this.idleTimer);
    this.postProgress();
    this.post({ type: 'closed' });
  }

  private postProgress(): void {
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    this.post(this.progress());
  }

  /** Progress soon: one message for the batches settled meanwhile; at once when someone waits for it or it carries refusals. */
  private progressSoon(): void {
    if (this.hurried || this.draining || this.closing || this.refusals.length > 0) return this.postProgress();
    this.progressTimer ??= setTimeout(() => this.postProgress(), NOTICE_DELAY_MS);
  }

  private progress(): FromDelivery & { type: 'progress' } {
    const delivered = this.deliveredSincePost;
    this.deliveredSincePost = 0;
    return {
      type: 'progress',
      delivered,
      removed: this.tail.takeRemoved(),
      oldestSegment: this.tail.oldestSegment,
      deliveredOfFirst: this.tail.deliveredOfFirst,
      evicted: this.tail.takeEvicted(),
      backlogRecords: this.tail.backlogRecords,
      seenSeq: this.tail.seenSeq,
      settledSeq: this.tail.settledSeq,
      refusals: this.refusals.splice(0),
    };
  }

  private afterSettle(): void {
    this.progressSoon();
    if (this.draining) {
      // The FATAL exit comes as soon as the settled count says so: the position is saved first, or the next start resends.
      this.tail.savePosition();
      this.shared.publishSettled(this.tail.settledSeq);
      return;
    }
    this.shared.publishSettled(this.tail.settledSeq);
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.tail.savePosition();
    }, this.settings.fsyncIntervalMs);
    this.saveTimer.unref();
  }

  private setState(state: LoopState, missing = 1): void {
    this.sending = state === 'sending';
    // The loop waits with nothing in flight: segments evicted meanwhile can go.
    if (!this.sending) this.tail.idle();
    // Wake-ups only where new records change what the loop does: any record while it waits for
    // data, enough to fill the batch while it lingers; none while it sends or backs off.
    const wakeAt = state === 'waiting' ? this.tail.seenSeq + 1 : state === 'lingering' ? this.tail.seenSeq + Math.max(1, missing) : 0;
    this.shared.wakeAt(wakeAt);
    // Records appended before the request was stored woke nobody: look once more, after the pause has begun.
    if (wakeAt > 0) queueMicrotask(() => void (this.syncAppends() && this.tail.seenSeq >= wakeAt && this.loop.wake()));
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (state === 'sending' || state === 'lingering') {
      if (!this.busy) this.post({ type: 'busy' });
      this.busy = true;
      return;
    }
    const postIdle = (): void => {
      this.idleTimer = undefined;
      this.busy = false;
      this.post({ type: 'idle', seenSeq: this.tail.seenSeq, retrying: state === 'retrying' });
    };
    // Waiting for data between two batches is the common case: a busy spell that resumes at once posts nothing.
    if (state === 'waiting' && this.busy) this.idleTimer = setTimeout(postIdle, NOTICE_DELAY_MS);
    else postIdle();
  }

  /** Records refused for good count as failed; the kit's hook keeps them (dead-letter file) before they are reported. */
  private refused(count: number, reason: string, hook: () => void): void {
    try {
      hook();
    } catch {
      // a throwing hook must not stop delivery
    }
    this.refusals.push({ records: count, reason });
  }

  private fail(err: Error, records: number): void {
    const code = (err as NodeJS.ErrnoException).code;
    this.post({ type: 'failure', code: typeof code === 'string' ? code : 'ERROR', message: err.message, records });
  }

  private post(message: FromDelivery): void {
    try {
      this.port.postMessage(message);
    } catch {
      // the service's side is gone (exit): nothing to tell
    }
  }
}
