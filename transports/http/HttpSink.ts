import type { Sink, SinkResult, SpoolRecord } from '../shipping/Sink';
import { charsOf } from '../shipping/SpoolReader';
import type { HttpBatchSender, SendResult } from './HttpBatchSender';
import { HttpDeliveryError } from './HttpDeliveryError';

export interface HttpSinkSettings {
  /** For health and messages: the URL without credentials or query. */
  readonly endpoint: string;
  /** How long a batch answered with 500 (or another failing 5xx) is sent again before it is dead-lettered. */
  readonly serverErrorMs: number;
  /** The same for refused credentials (401, 403, 407). */
  readonly authErrorMs: number;
}

/**
 * The HTTP protocol for the shipping core: one POST per batch, its answer
 * turned into how far the receiver took the batch (see Sink). Pacing (the
 * batch interval) is the core's: it decides when a batch is worth a request.
 *
 * Two answers get more than a yes or no:
 * - 413 (body too large): the batch is sent again in halves, down to single
 *   records; only a record too large on its own is dead-lettered. The size
 *   that failed is remembered for a minute (`maxBatchChars`), so the core
 *   reads smaller batches instead of having them refused first.
 * - 500 and other failing 5xx: usually passing (ClickHouse over its memory
 *   or part limits answers 500), so retried with backoff; but a record the
 *   receiver chokes on would block everything behind it forever, so a batch
 *   that still fails `serverErrorMs` after its first 5xx is dead-lettered.
 */
export class HttpSink implements Sink {
  readonly endpoint: string;
  /** The largest batch, in characters, the receiver may take: learnt from 413s, valid until `sizeLimitUntil`. */
  private learntMaxChars = Infinity;
  private sizeLimitUntil = -Infinity;
  /** The batch (by its first record) that the receiver answered with a failing 5xx, and since when. */
  private failing: { readonly firstId: string | undefined; readonly since: number } | undefined;
  private closed = false;

  constructor(
    private readonly sender: HttpBatchSender,
    private readonly settings: HttpSinkSettings,
  ) {
    this.endpoint = settings.endpoint;
  }

  async send(records: readonly SpoolRecord[]): Promise<SinkResult> {
    // Closed in the middle of a split batch: the rest stays in the spool for the next start.
    if (this.closed) return { accepted: 0, error: { error: this.error('ECLOSED', 'the transport is closing'), retryable: true } };
    // The halves of a batch refused with 413 are split further before sending once a smaller size is known.
    const limit = this.maxBatchChars;
    if (records.length > 1 && limit !== Infinity && charsOf(records) > limit) return this.sendInHalves(records);
    const result = await this.sender.send(records);
    if (result.kind === 'tooLarge' && records.length > 1) {
      this.learntMaxChars = Math.min(limit, Math.floor(charsOf(records) / 2));
      this.sizeLimitUntil = performance.now() + SIZE_LIMIT_MS;
      return this.sendInHalves(records);
    }
    return this.toSinkResult(result, records);
  }

  /**
   * The size learnt from 413s, for SIZE_LIMIT_MS after the last 413 that
   * lowered it: a receiver whose limit was raised again, or a proxy that
   * refused everything for a while, costs smaller requests for a minute, not
   * for the life of the process.
   */
  get maxBatchChars(): number {
    return performance.now() < this.sizeLimitUntil ? this.learntMaxChars : Infinity;
  }

  close(): Promise<void> {
    this.closed = true;
    this.sender.close();
    return Promise.resolve();
  }

  /** The first half, then (if it all went) the second, as one result over the whole batch. */
  private async sendInHalves(records: readonly SpoolRecord[]): Promise<SinkResult> {
    const mid = Math.ceil(records.length / 2);
    const first = refusalsAsRejected(await this.send(records.slice(0, mid)), mid);
    if (first.accepted < mid) return first;
    const second = refusalsAsRejected(await this.send(records.slice(mid)), records.length - mid);
    const rejected = [...(first.rejected ?? []), ...(second.rejected ?? []).map((r) => ({ ...r, index: r.index + mid }))];
    return { accepted: mid + second.accepted, ...(rejected.length > 0 ? { rejected } : {}), ...(second.error ? { error: second.error } : {}) };
  }

  private toSinkResult(result: SendResult, records: readonly SpoolRecord[]): SinkResult {
    const n = records.length;
    // Only a definite answer ends a run of 5xx: a 503 or a timeout in between does not restart the clock.
    if (result.kind !== 'serverError' && result.kind !== 'retry') this.failing = undefined;
    switch (result.kind) {
      case 'delivered':
        return { accepted: n };
      case 'retry':
        return { accepted: 0, error: { error: this.error(result.code, result.reason), retryable: true, ...retryAfter(result.retryAfterMs) } };
      case 'serverError': {
        const firstId = records[0]?.id;
        // The monotonic clock: a wall-clock step must not give a batch up early or keep it forever.
        const now = performance.now();
        const since = this.failing && this.failing.firstId === firstId ? this.failing.since : now;
        this.failing = { firstId, since };
        const windowMs = result.window === 'auth' ? this.settings.authErrorMs : this.settings.serverErrorMs;
        const retryable = now - since < windowMs;
        const reason = retryable ? result.reason : `${result.reason} (still failing after ${windowMs} ms)`;
        return { accepted: 0, error: { error: this.error(result.code, reason), retryable, ...retryAfter(result.retryAfterMs) } };
      }
      case 'tooLarge':
      case 'rejected':
        return { accepted: 0, error: { error: this.error(result.code, result.reason), retryable: false } };
      case 'partial': {
        const { retry, rejected, rejectedUnidentified, reason } = result.result;
        // The core takes a prefix: everything before the first record to resend. Records after it
        // that were stored are sent again and come back as duplicates (409 on their id): delivered.
        // (A reduce, not Math.min(...retry): a batch may hold 100,000 records, too many arguments.)
        const accepted = retry.length === 0 ? n : retry.reduce((a, b) => Math.min(a, b));
        const refused = rejected.filter((i) => i < accepted).map((index) => ({ index, reason }));
        const out: SinkResult = {
          accepted,
          ...(refused.length > 0 ? { rejected: refused } : {}),
          ...(rejectedUnidentified > 0 ? { unidentifiedRejects: { count: rejectedUnidentified, reason } } : {}),
        };
        return accepted < n ? { ...out, error: { error: this.error('EPARTIAL', reason), retryable: true } } : out;
      }
    }
  }

  private error(code: string, reason: string): HttpDeliveryError {
    return new HttpDeliveryError(code, reason, this.endpoint);
  }
}

/** How long a batch size learnt from a 413 is kept. */
const SIZE_LIMIT_MS = 60_000;

function retryAfter(ms: number | undefined): { retryAfterMs?: number } {
  return ms === undefined ? {} : { retryAfterMs: ms };
}

/**
 * A part of a split batch refused for good becomes rejected records, so that
 * the core dead-letters just that part, not the rest of the whole batch.
 */
function refusalsAsRejected(result: SinkResult, n: number): SinkResult {
  const error = result.error;
  if (!error || error.retryable) return result;
  const refused = Array.from({ length: n - result.accepted }, (_, k) => ({ index: result.accepted + k, reason: error.error.message }));
  return { accepted: n, rejected: [...(result.rejected ?? []), ...refused] };
}
