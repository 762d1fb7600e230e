// A small checkout service whose only logger is prodlog, configured entirely
// by its config file: PRODLOG_CONFIG (default ./prodlog.config.json) names
// it, and the file names the console, the rotating gzip file and the
// shipping transport. Run it from this folder:
//
//   node stand-in-receiver.js &            # or PRODLOG_SHIP_URL=<your receiver>
//   PRODLOG_CONFIG=prodlog.config.json node server.js
//
// Routes: POST /orders, GET /orders/:id, POST /refunds/:orderId, GET /slow, GET /fail, and the
// probes GET /healthCheck and GET /metrics. POST /demo/fatal exists only so
// that the demo can show a FATAL.
const http = require('node:http');
const { createLogger, healthHandler, metricsHandler, requestLogger, requestLog } = require('prodlog');

/**
 * The events this service emits, for editors and `// @ts-check`: in
 * TypeScript, `createLogger<CheckoutEvents>()` makes a wrong event name or
 * field a compile error.
 * @typedef {{ 'order.placed': { orderId: string; total: number }, 'order.lookup': { orderId: string; found: boolean } }} CheckoutEvents
 * @type {import('prodlog').Logger<CheckoutEvents>}
 */
const log = createLogger();
const orders = new Map();

const health = healthHandler({
  log,
  // A dependency check next to the logging pipeline's own.
  checks: { orders: () => ({ stored: orders.size }) },
});
const metrics = metricsHandler({ log });
const logRequest = requestLogger(log, { routeOf: (req) => routeOf(new URL(req.url, 'http://localhost').pathname) });

function routeOf(path) {
  if (path.startsWith('/orders/')) return '/orders/:id';
  if (path.startsWith('/refunds/')) return '/refunds/:orderId';
  return ['/orders', '/slow', '/fail', '/demo/fatal'].includes(path) ? path : undefined;
}

function refund(orderId) {
  const order = orders.get(orderId);
  if (!order?.paymentId) throw new TypeError(`refund of ${orderId}: the order has no payment`);
  return { orderId, refunded: true };
}

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function handle(req, res) {
  const path = new URL(req.url, 'http://localhost').pathname;
  // Probes are answered without a request record: a load balancer polling
  // every few seconds would otherwise fill the log with them.
  if (path === '/healthCheck') return health(req, res);
  if (path === '/metrics') return metrics(req, res);

  logRequest(req, res); // one `request` record when the response is sent
  const reqLog = requestLog(req, log); // the logger with this request's requestId bound

  if (path === '/orders' && req.method === 'POST') {
    const orderId = `o-${orders.size + 1}`;
    orders.set(orderId, { orderId });
    // card.number is redacted by the config, password by prodlog's defaults.
    reqLog.event('order.placed', { orderId, total: 42.5, card: { number: '4111 1111 1111 1111', brand: 'visa' }, password: 'never-logged' });
    return reply(res, 201, { orderId });
  }
  if (path.startsWith('/orders/')) {
    const orderId = path.slice('/orders/'.length);
    if (!orders.has(orderId)) reqLog.debug('order cache miss', { orderId });
    return orders.has(orderId) ? reply(res, 200, orders.get(orderId)) : reply(res, 404, { error: 'not found' });
  }
  if (path === '/slow') {
    reqLog.warn('slow upstream', { upstream: 'payments', ms: 1200 });
    return reply(res, 200, { ok: true });
  }
  if (path === '/fail') {
    const order = new URL(req.url, 'http://localhost').searchParams.get('order') ?? 'o-0';
    reqLog.error(new Error(`payments answered 500 for order ${order}`, { cause: new Error('connection reset') }), { upstream: 'payments', orderId: order });
    return reply(res, 502, { error: 'bad gateway' });
  }
  if (path.startsWith('/refunds/') && req.method === 'POST') {
    const orderId = path.slice('/refunds/'.length);
    try {
      return reply(res, 200, refund(orderId));
    } catch (err) {
      // Another kind of exception, at another site: `prodlog errors` groups each by its fingerprint.
      reqLog.error(err, { orderId });
      return reply(res, 409, { error: err.message });
    }
  }
  if (path === '/demo/fatal' && req.method === 'POST') {
    reply(res, 202, { exiting: true });
    // What a service does when it cannot go on (a required setting vanished):
    // fatal() writes the record, makes it and every earlier one durable,
    // gives shipping fatal.timeout to deliver, and exits with code 1.
    setImmediate(() => reqLog.fatal('payments configuration missing', { key: 'PAYMENTS_URL' }));
    return undefined;
  }
  return reply(res, 404, { error: 'no route' });
}

const server = http.createServer(handle);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  log.info('listening', { port });
  if (process.send) process.send({ port });
});
