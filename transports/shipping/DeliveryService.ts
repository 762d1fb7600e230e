import { DeliveryLoop, type BatchSettings } from './DeliveryLoop';
import type { RetrySettings } from './Backoff';
import { SHARED_SETTLED_SEQ, type DeliveryPort, type FromDelivery, type PublishedSegment, type ToDelivery } from './deliveryProtocol';
import type { Sink, SpoolRecord } from './Sink';
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
 * The delivery side of a shipping transport, in a worker thread: it mirrors
 * the spool from the appending side's notices (SpoolTail), runs the
 * DeliveryLoop into the sink, and reports progress, failures and whether it
 * is busy. During a FATAL it also writes its progress into shared memory,
 * where the service's thread, blocked until its deadline, can read it.
 */
export class DeliveryService {
  private readonly tail: SpoolTail;
  private readonly loop: DeliveryLoop;
  private saveTimer: NodeJS.Timeout | undefined;
  private draining = false;
  private busy = false;
  private closing = false;
  private deliveredSincePost = 0;

  constructor(
    private readonly port: DeliveryPort<FromDelivery, ToDelivery>,
    private readonly settings: DeliverySettings,
    published: readonly PublishedSegment[],
    private readonly kit: DeliveryKit,
    private readonly shared?: BigInt64Array,
    settledSeq = 0,
  ) {
    this.tail = new SpoolTail(
      settings.dir,
      published,
      { damaged: (err) => this.fail(err, 0), saveFailed: (err) => this.fail(err, 0) },
      settledSeq,
    );
    this.loop = new DeliveryLoop(this.tail, kit.sink, settings.batch, settings.retry, {
      delivered: (n) => (this.deliveredSincePost += n),
      deadLetter: (records, reason) => this.refused(records.length, reason, () => this.kit.onDeadLetter?.(records, reason)),
      unidentifiedRejects: (count, reason) => this.refused(count, reason, () => this.kit.onUnidentifiedRejects?.(count, reason)),
      failed: (err) => this.fail(err, 0),
      settled: () => this.afterSettle(),
      state: (state) => this.setState(state),
    });
    port.on('message', (message) => this.receive(message));
    this.post(this.progress()); // the backlog found on disk
    this.loop.start();
  }

  private receive(message: ToDelivery): void {
    switch (message.type) {
      case 'appended':
      case 'sealed':
      case 'discarded':
        this.tail.published(message);
        if (message.type === 'appended') this.loop.wake();
        return;
      case 'hurry':
        void this.loop.idle().then(() => this.post(this.progress()));
        return;
      case 'drain':
        this.draining = true;
        this.publishShared();
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
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    clearTimeout(this.saveTimer);
    await this.loop.stop();
    this.tail.close();
    this.post(this.progress());
    this.post({ type: 'closed' });
  }

  private progress(): FromDelivery & { type: 'progress' } {
    const delivered = this.deliveredSincePost;
    this.deliveredSincePost = 0;
    return {
      type: 'progress',
      delivered,
      removed: this.tail.takeRemoved(),
      deliveredOfFirst: this.tail.deliveredOfFirst,
      backlogRecords: this.tail.backlogRecords,
      seenSeq: this.tail.seenSeq,
      settledSeq: this.tail.settledSeq,
    };
  }

  private afterSettle(): void {
    this.post(this.progress());
    this.publishShared();
    if (this.draining) {
      // A FATAL exit can come at any moment: keep the saved position current, so the next start does not resend much.
      this.tail.savePosition();
      return;
    }
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.tail.savePosition();
    }, this.settings.fsyncIntervalMs);
    this.saveTimer.unref();
  }

  private publishShared(): void {
    if (!this.shared) return;
    Atomics.store(this.shared, SHARED_SETTLED_SEQ, BigInt(this.tail.settledSeq));
    Atomics.notify(this.shared, SHARED_SETTLED_SEQ);
  }

  private setState(state: 'busy' | 'waiting' | 'retrying'): void {
    const busy = state === 'busy';
    if (busy && this.busy) return;
    this.busy = busy;
    this.post(busy ? { type: 'busy' } : { type: 'idle', seenSeq: this.tail.seenSeq, retrying: state === 'retrying' });
  }

  /** Records refused for good count as failed; the kit's hook keeps them (dead-letter file) before they are reported. */
  private refused(count: number, reason: string, hook: () => void): void {
    try {
      hook();
    } catch {
      // a throwing hook must not stop delivery
    }
    this.post({ type: 'failure', code: 'EREJECTED', message: `${count} records refused by the receiver: ${reason}`, records: count });
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
