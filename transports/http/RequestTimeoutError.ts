/**
 * A receiver took longer than `timeoutMs` to answer; the request was cut off.
 * The message names neither the code nor the URL: health shows the code, and
 * the sink adds its endpoint (see HttpDeliveryError).
 */
export class RequestTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';

  constructor(readonly timeoutMs: number) {
    super(`request timed out after ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}
