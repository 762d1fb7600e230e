/** A batch the receiver did not take; `code` is `HTTP_<status>` or the network error code. */
export class HttpDeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly endpoint: string,
  ) {
    super(`${endpoint}: ${message}`);
    this.name = 'HttpDeliveryError';
  }
}
