/**
 * A batch the receiver did not take; `code` is `HTTP_<status>` or the network
 * error code. The message is `<endpoint>: <reason>`, the one place the
 * endpoint is added; health puts the code in front.
 */
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
