/** A receiver took longer than `timeoutMs` to answer; the request was cut off. */
export class RequestTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';

  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`request timed out after ${timeoutMs} ms: POST ${url}`);
    this.name = 'RequestTimeoutError';
  }
}
