import type { Sink, SinkResult, SpoolRecord } from '../shipping/Sink';
import type { ShippedRecord } from './formats/ShippedRecord';
import type { HttpBatchSender, SendResult } from './HttpBatchSender';
import { HttpDeliveryError } from './HttpDeliveryError';

export interface HttpSinkSettings {
  /** For health and messages: the URL without credentials or query. */
  readonly endpoint: string;
  /** A batch smaller than the batch limits waits until this long after the previous request. */
  readonly intervalMs: number;
  readonly maxRecords: number;
  readonly maxChars: number;
  /** Told about records a receiver refused without saying which (OTLP partial success). */
  readonly onUnidentifiedRejects?: (count: number, reason: string) => void;
}

/**
 * The HTTP protocol for the shipping core: one POST per batch, its answer
 * turned into how far the receiver took the batch (see Sink).
 *
 * Pacing: the core hands over whatever the spool holds as soon as it holds
 * anything. Under load batches are full and go at once; a quiet service
 * would send a request per record. So a batch that is not full waits until
 * `intervalMs` after the previous request; records logged meanwhile make the
 * next batch fuller. A store that makes a part per insert (ClickHouse) or an
 * index refresh per request stays healthy at any logging rate.
 */
export class HttpSink implements Sink {
  readonly endpoint: string;
  private lastPostAt = -Infinity;
  private closed = false;
  private cancelWait: (() => void) | undefined;

  constructor(
    private readonly sender: HttpBatchSender,
    private readonly settings: HttpSinkSettings,
  ) {
    this.endpoint = settings.endpoint;
  }

  async send(records: readonly SpoolRecord[]): Promise<SinkResult> {
    if (!this.isFull(records)) await this.waitUntil(this.lastPostAt + this.settings.intervalMs);
    // Closed while waiting: the records stay in the spool for the next start rather than racing the shutdown.
    if (this.closed) return { accepted: 0, error: { error: this.error('ECLOSED', 'the transport is closing'), retryable: true } };
    this.lastPostAt = Date.now();
    const result = await this.sender.send(records);
    return this.toSinkResult(result, records);
  }

  close(): Promise<void> {
    this.closed = true;
    this.cancelWait?.();
    this.sender.close();
    return Promise.resolve();
  }

  private toSinkResult(result: SendResult, records: readonly ShippedRecord[]): SinkResult {
    const n = records.length;
    switch (result.kind) {
      case 'delivered':
        return { accepted: n };
      case 'retry':
        return { accepted: 0, error: { error: this.error(result.code, result.reason), retryable: true, ...(result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }) } };
      case 'rejected':
        return { accepted: 0, error: { error: this.error(result.code, result.reason), retryable: false } };
      case 'partial': {
        const { retry, rejected, rejectedUnidentified, reason } = result.result;
        if (rejectedUnidentified > 0) this.settings.onUnidentifiedRejects?.(rejectedUnidentified, reason);
        // The core takes a prefix: everything before the first record to resend. Records after it
        // that were stored are sent again and come back as duplicates (409 on their id): delivered.
        const accepted = retry.length === 0 ? n : Math.min(...retry);
        const refused = rejected.filter((i) => i < accepted).map((index) => ({ index, reason }));
        const out: SinkResult = { accepted, ...(refused.length > 0 ? { rejected: refused } : {}) };
        return accepted < n ? { ...out, error: { error: this.error('EPARTIAL', reason), retryable: true } } : out;
      }
    }
  }

  private error(code: string, reason: string): HttpDeliveryError {
    return new HttpDeliveryError(code, reason, this.endpoint);
  }

  private isFull(records: readonly SpoolRecord[]): boolean {
    if (records.length >= this.settings.maxRecords) return true;
    let chars = 0;
    for (const r of records) chars += r.line.length;
    return chars >= this.settings.maxChars;
  }

  /**
   * Sleeps until `at`, cut short by close() so a closing transport is not
   * held up. The timer keeps the process alive: a service that ends on its
   * own gets its last records out at most `intervalMs` later, instead of
   * leaving them in the spool until it next starts.
   */
  private waitUntil(at: number): Promise<void> {
    const ms = at - Date.now();
    if (ms <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.cancelWait = undefined;
        resolve();
      }
      this.cancelWait = done;
    });
  }
}
