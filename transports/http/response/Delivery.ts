import type { PartialResult } from '../formats/WireFormat';

/**
 * What became of one batch sent to a receiver. `code` names the failure for
 * health and for printing each kind of failure once: `HTTP_429`, or the
 * network error code (`ECONNREFUSED`, `ETIMEDOUT`).
 */
/**
 * Which patience applies to a failing answer: `server` (500 and other
 * failing 5xx: retry.serverErrorMs) or `auth` (401, 403, 407: a credential
 * being rotated; retry.authErrorMs).
 */
export type FailureWindow = 'server' | 'auth';

export type Delivery =
  | { readonly kind: 'delivered' }
  /** The receiver took the request but refused some records in it (OTLP partial success, bulk item errors). */
  | { readonly kind: 'partial'; readonly result: PartialResult }
  /** Nothing was taken for a transient reason: send the whole batch again, not before `retryAfterMs` if given. */
  | { readonly kind: 'retry'; readonly code: string; readonly reason: string; readonly retryAfterMs: number | undefined }
  /** The body is too large for the receiver (413): smaller batches may go through. */
  | { readonly kind: 'tooLarge'; readonly code: string; readonly reason: string }
  /**
   * The receiver failed on the request (500 and other 5xx that are not
   * retryable by definition): often passing (a store over its memory or part
   * limits), sometimes a record it can never take. The sink decides how long
   * to keep trying.
   */
  | { readonly kind: 'serverError'; readonly code: string; readonly reason: string; readonly retryAfterMs: number | undefined; readonly window: FailureWindow }
  /** Nothing was taken and sending again would not help: dead-letter the batch. */
  | { readonly kind: 'rejected'; readonly code: string; readonly reason: string };
