import { Backoff, type RetrySettings } from './Backoff';
import type { Sink, SinkResult } from './Sink';
import type { Spool } from './Spool';
import type { SpoolBatch, SpoolRecord } from './SpoolReader';

export interface BatchSettings {
  /** Most records handed to the sink in one `send`. */
  readonly maxRecords: number;
  /** Most characters of JSON in one `send` (a batch holds at least one record). */
  readonly maxChars: number;
}

export interface DeliveryListener {
  delivered(records: number): void;
  /** Records given up on: refused for good by the receiver. They have left the spool. */
  deadLetter(records: readonly SpoolRecord[], reason: string): void;
  /** A send failed; the records stay in the spool and are sent again after a pause. */
  failed(err: Error, pauseMs: number): void;
}

/**
 * Moves records from the spool to the sink in batches (up to the sink's
 * `maxInFlight` of them pipelined), forever: read from the delivery
 * position, send, move the position past what the receiver accepted, and on
 * an error pause (exponential backoff with jitter) and send the rest again.
 * Nothing leaves the spool before the sink accepted it or refused it for
 * good, so a crash anywhere means a redelivery (same ids), never a loss.
 * Memory is the batches in flight, whatever the backlog.
 */
export class DeliveryLoop {
  private stopping = false;
  private running: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private inRetryPause = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly backoff: Backoff;

  constructor(
    private readonly spool: Spool,
    private readonly sink: Sink,
    private readonly batch: BatchSettings,
    retry: RetrySettings,
    private readonly listener: DeliveryListener,
  ) {
    this.backoff = new Backoff(retry);
  }

  start(): void {
    this.running ??= this.run();
  }

  /** New records are in the spool: stop waiting for data or for a retry pause. */
  wake(): void {
    if (this.inRetryPause && !this.stopping) return; // new data does not cut a backoff short
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  /** Resolves once the spool holds nothing undelivered (or the loop is stopped). */
  idle(): Promise<void> {
    if (this.stopping || this.spool.backlogRecords === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ends the loop after the current send; `sink.close()` makes a send in flight end early. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    this.settleIdle();
    await this.sink.close();
    await this.running;
  }

  private async run(): Promise<void> {
    const depth = Math.max(1, this.sink.maxInFlight ?? 1);
    const inFlight: { batch: SpoolBatch; result: Promise<SinkResult> }[] = [];
    while (!this.stopping) {
      // Keep up to `depth` batches in flight, each read from where the previous one ends.
      while (inFlight.length < depth && !this.stopping) {
        const batch = this.readNext(inFlight.at(-1)?.batch);
        if (!batch || batch.records.length === 0) break;
        inFlight.push({ batch, result: this.sendSafely(batch) });
      }
      const head = inFlight.shift();
      if (!head) {
        this.settleIdle();
        await this.pause(undefined);
        continue;
      }
      const result = await head.result;
      const complete = !result.error && result.accepted >= head.batch.records.length;
      if (!complete) {
        // The batches behind this one were read from past its end: drop their
        // results (a redelivery at worst) and resume from where this one stopped.
        await Promise.all(inFlight.splice(0).map((f) => f.result));
      }
      await this.settle(head.batch, result);
    }
    await Promise.all(inFlight.map((f) => f.result));
  }

  private readNext(after: SpoolBatch | undefined): SpoolBatch | null {
    try {
      const from = after?.ends.at(-1);
      return from ? this.spool.readFrom(from, this.batch.maxRecords, this.batch.maxChars) : this.spool.read(this.batch.maxRecords, this.batch.maxChars);
    } catch (err) {
      this.listener.failed(asError(err), 0);
      return null;
    }
  }

  private async sendSafely(batch: SpoolBatch): Promise<SinkResult> {
    try {
      return await this.sink.send(batch.records);
    } catch (err) {
      return { accepted: 0, error: { error: asError(err), retryable: true } };
    }
  }

  private async settle(batch: SpoolBatch, result: SinkResult): Promise<void> {
    const records = batch.records;
    const accepted = Math.max(0, Math.min(result.accepted, records.length));
    const rejected = (result.rejected ?? []).filter((r) => r.index < accepted);
    let done = accepted;
    if (rejected.length > 0) {
      this.listener.deadLetter(rejected.map((r) => records[r.index] as SpoolRecord), rejected[0]?.reason ?? 'rejected');
    }
    if (accepted - rejected.length > 0) {
      this.listener.delivered(accepted - rejected.length);
      this.backoff.reset();
    }
    const error = result.error;
    if (error && !error.retryable && accepted < records.length) {
      this.listener.deadLetter(records.slice(accepted), error.error.message);
      done = records.length;
    }
    this.spool.commit(batch, done);
    if (error?.retryable || (!error && accepted < records.length)) {
      const err = error?.error ?? new Error(`${this.sink.endpoint} accepted ${accepted} of ${records.length} records`);
      const pauseMs = Math.max(this.backoff.next(), error?.retryAfterMs ?? 0);
      this.listener.failed(err, pauseMs);
      await this.pause(pauseMs);
    }
  }

  /** Waits for `wake()`, or for `ms` if given; timers do not keep the process alive. */
  private pause(ms: number | undefined): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        this.inRetryPause = false;
        this.wakeUp = undefined;
        resolve();
      };
      this.wakeUp = done;
      if (ms !== undefined) {
        this.inRetryPause = true;
        timer = setTimeout(done, ms);
        timer.unref();
      }
    });
  }

  private settleIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
