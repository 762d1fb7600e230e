/**
 * Thrown by a fatal() called while another fatal() on the same stack is
 * still writing its record or exiting (a getter of its fields called fatal(),
 * or a transport did from write()). The inner record is written already;
 * unwinding lets the outer fatal() write its own and exit, once.
 */
export class NestedFatalError extends Error {
  override readonly name = 'NestedFatalError';

  constructor() {
    super('prodlog: fatal() was called while another fatal() was being logged; both records are written and the process exits once');
  }
}
