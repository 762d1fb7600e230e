'use strict';
/**
 * The records every logger writes, so all of them serialise the same data.
 * They are built once: the cost measured is the logger's, not the allocation
 * of a fresh object per call (which would be the same for every logger).
 */

const MESSAGE = 'hello world';

/** An access-log-like record: the kind of object a service logs most. */
const OBJECT_FIELDS = {
  method: 'GET',
  url: '/api/orders/4711?expand=items',
  status: 200,
  durationMs: 12.5,
  userId: 'u-42',
  requestId: 'req-9f1c2a7e',
  cached: false,
};
const OBJECT_MESSAGE = 'request completed';

const CHILD_BINDINGS = { requestId: 'req-9f1c2a7e', route: '/api/orders/:id' };
const CHILD_FIELDS = { step: 'authorise', ok: true };
const CHILD_MESSAGE = 'request step';

/** An Error with a real stack from an application-like frame. */
function loadOrder(id) {
  return new Error(`order ${id} not found`);
}
const ERROR = loadOrder(4711);

module.exports = { MESSAGE, OBJECT_FIELDS, OBJECT_MESSAGE, CHILD_BINDINGS, CHILD_FIELDS, CHILD_MESSAGE, ERROR };
