import { Backoff, type RetrySettings } from './Backoff';
import type { Sink, SinkResult } from './Sink';
import type { SpoolPosition } from './SpoolCursor';
import type { SpoolBatch, SpoolRecord } from './SpoolReader';

/** Where the loop reads from and commits to: the delivering half of a spool. */
export interface DeliverySource {
  readonly backlogRecords: number;
  readonly backlogBytes: number;
  read(maxRecords: number, maxChars: number): SpoolBatch;
  readFrom(from: SpoolPosition, maxRecords: number, maxChars: number): SpoolBatch;
  commit(batch: SpoolBatch, count: number): void;
}

export interface BatchSettings {
  /** Most records handed to the sink in one `send`. */
  readonly maxRecords: number;
  /** Most characters of JSON in one `send` (a batch holds at least one record). */
  readonly maxChars: number;
  /**
   * A batch that would not be full waits until this long after the previous
   * send (0 or absent: it goes at once). Records logged meanwhile join it, so
   * a quiet service sends one request per interval, not one per record; a
   * backlog that fills a batch is sent at once.
   */
  readonly intervalMs?: number;
}

/** setTimeout fires at once past 2^31-1 ms (with a warning): no pause from outside may reach it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export type LoopState = 'sending' | 'lingering' | 'waiting' | 'retrying';

export interface DeliveryListener {
  delivered(records: number): void;
  /** Records given up on: refused for good by the receiver. They have left the spool. */
  deadLetter(records: readonly SpoolRecord[], reason: string): void;
  /** `count` records refused for good, the receiver did not say which (see SinkResult). */
  unidentifiedRejects(count: number, reason: string): void;
  /** A send failed; the records stay in the spool and are sent again after a pause. */
  failed(err: Error, pauseMs: number): void;
  /** A batch was settled: the spool moved past it. */
  settled?(): void;
  /**
   * What the loop is doing: 'sending', 'lingering' (a batch waits out the
   * interval; `missing` more records would fill it), 'waiting' for data,
   * 'retrying' in a retry pause. It tells whether delivery should keep the
   * process alive, and when new records are worth a wake-up.
   */
  state?(state: LoopState, missing?: number): void;
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
  /** performance.now() of the last send: a wall-clock step must not stretch or skip the interval. */
  private lastSendAt = -Infinity;
  /** Someone waits for the backlog to be delivered (close): batches no longer wait out the interval. */
  private hurrying = false;
  /** Records that would fill the batch waiting out the interval. */
  private missing = 0;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly backoff: Backoff;

  constructor(
    private readonly spool: DeliverySource,
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

  /**
   * Resolves once the spool holds nothing undelivered (or the loop is
   * stopped). From then on batches go without waiting out the interval: the
   * caller is closing and wants the backlog out now.
   */
  idle(): Promise<void> {
    if (this.stopping || this.spool.backlogRecords === 0) return Promise.resolve();
    this.hurrying = true;
    const waiting = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.wake();
    return waiting;
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
    const inFlight: InFlight[] = [];
    while (!this.stopping) {
      // Keep up to `depth` batches in flight, each read from where the previous one ends.
      while (inFlight.length < depth && !this.stopping) {
        if (!this.worthSending(inFlight)) {
          if (inFlight.length > 0) break;
          await this.pause(this.lastSendAt + (this.batch.intervalMs ?? 0) - performance.now(), 'linger');
          continue;
        }
        const batch = this.readNext(inFlight.at(-1)?.batch);
        if (!batch || batch.records.length === 0) break;
        this.lastSendAt = performance.now();
        this.listener.state?.('sending');
        inFlight.push({ batch, result: this.sendSafely(batch) });
      }
      const head = inFlight.shift();
      if (!head) {
        this.settleIdle();
        await this.pause(undefined, 'data');
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

  /**
   * Whether to read and send the next batch now: always without an interval,
   * otherwise when the backlog behind the batches in flight fills a batch, or
   * when nothing is in flight and the interval since the last send is over.
   * (Bytes on disk stand in for characters: they differ by the block headers
   * and by non-ASCII text, which only moves the point a batch counts as full.)
   * The spool's counters, not a read, answer this: it is asked on every
   * append, and reading a growing backlog that often would cost more than
   * sending it.
   */
  private worthSending(inFlight: readonly InFlight[]): boolean {
    const intervalMs = this.batch.intervalMs ?? 0;
    if (intervalMs <= 0 || this.hurrying) return true;
    let records = this.spool.backlogRecords;
    let chars = this.spool.backlogBytes;
    for (const f of inFlight) {
      records -= f.batch.records.length;
      chars -= f.batch.chars;
    }
    // Nothing waiting: the read finds nothing and the loop waits for data, holding no timer.
    if (records <= 0 || records >= this.batch.maxRecords || chars >= this.maxChars()) return true;
    this.missing = this.batch.maxRecords - records;
    return inFlight.length === 0 && performance.now() >= this.lastSendAt + intervalMs;
  }

  private readNext(after: SpoolBatch | undefined): SpoolBatch | null {
    try {
      const from = after?.ends.last();
      const maxChars = this.maxChars();
      return from ? this.spool.readFrom(from, this.batch.maxRecords, maxChars) : this.spool.read(this.batch.maxRecords, maxChars);
    } catch (err) {
      this.listener.failed(asError(err), 0);
      return null;
    }
  }

  /** The batch size in characters: the configured one, or less when the receiver is known to take less. */
  private maxChars(): number {
    return Math.min(this.batch.maxChars, this.sink.maxBatchChars ?? Infinity);
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
    const unidentified = Math.min(result.unidentifiedRejects?.count ?? 0, accepted - rejected.length);
    if (unidentified > 0) this.listener.unidentifiedRejects(unidentified, result.unidentifiedRejects?.reason ?? 'rejected');
    const delivered = accepted - rejected.length - unidentified;
    if (delivered > 0) {
      this.listener.delivered(delivered);
      this.backoff.reset();
    }
    const error = result.error;
    if (error && !error.retryable && accepted < records.length) {
      this.listener.deadLetter(records.slice(accepted), error.error.message);
      done = records.length;
    }
    this.spool.commit(batch, done);
    this.listener.settled?.();
    if (error?.retryable || (!error && accepted < records.length)) {
      const err = error?.error ?? new Error(`${this.sink.endpoint} accepted ${accepted} of ${records.length} records`);
      const pauseMs = Math.max(this.backoff.next(), error?.retryAfterMs ?? 0);
      this.listener.failed(err, pauseMs);
      await this.pause(pauseMs, 'retry');
    }
  }

  /**
   * Waits for `wake()` ('data'), for a retry pause of `ms` that new data does
   * not cut short ('retry'), or for the batch interval of `ms`, which new
   * data does cut short so that a filled batch goes at once ('linger').
   * Only the linger timer keeps the process alive: a service that ends on its
   * own still gets its last records out, at most `intervalMs` later.
   */
  private pause(ms: number | undefined, kind: 'data' | 'retry' | 'linger'): Promise<void> {
    if (this.stopping) return Promise.resolve();
    this.listener.state?.(kind === 'linger' ? 'lingering' : kind === 'retry' ? 'retrying' : 'waiting', this.missing);
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
        this.inRetryPause = kind === 'retry';
        timer = setTimeout(done, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
        if (kind === 'retry') timer.unref();
      }
    });
  }

  private settleIdle(): void {
    // Hurrying lasts while someone waits for the backlog (close, a flush that waits for delivery).
    if (this.idleWaiters.length > 0 && !this.stopping) this.hurrying = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

interface InFlight {
  readonly batch: SpoolBatch;
  readonly result: Promise<SinkResult>;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
