// A small checkout service that uses prodlog as its only logger, configured
// entirely by prodlog.config.json (PRODLOG_CONFIG points at it).
const http = require('node:http');
const { createLogger } = require('prodlog');

const log = createLogger();
const orders = new Map();

function handle(req, res) {
  const reqLog = log.child({ requestId: req.headers['x-request-id'] ?? `r-${Date.now().toString(36)}` });
  const started = process.hrtime.bigint();
  const url = new URL(req.url, 'http://localhost');
  const reply = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const fields = { method: req.method, path: url.pathname, status, ms };
    if (status >= 500) reqLog.error('request failed', fields);
    else reqLog.info('request', fields);
  };

  if (url.pathname === '/orders' && req.method === 'POST') {
    const id = `o-${orders.size + 1}`;
    orders.set(id, { id });
    reqLog.info('order placed', { orderId: id, card: { number: '4111 1111 1111 1111', brand: 'visa' }, password: 'never-logged' });
    return reply(201, { id });
  }
  if (url.pathname.startsWith('/orders/')) {
    const id = url.pathname.slice('/orders/'.length);
    if (!orders.has(id)) reqLog.debug('order cache miss', { orderId: id });
    return orders.has(id) ? reply(200, orders.get(id)) : reply(404, { error: 'not found' });
  }
  if (url.pathname === '/slow') {
    reqLog.warn('slow upstream', { upstream: 'payments', ms: 1200 });
    return reply(200, { ok: true });
  }
  if (url.pathname === '/fail') {
    reqLog.error(new Error('upstream returned 500', { cause: new Error('connection reset') }), { upstream: 'payments' });
    return reply(502, { error: 'bad gateway' });
  }
  if (url.pathname === '/health') return reply(200, log.health());
  if (url.pathname === '/crash') {
    res.writeHead(202).end();
    // The config is checked on every request here to show FATAL: a service that
    // cannot work without it logs why and exits, with every record on disk.
    setImmediate(() => log.fatal('required config missing', { key: 'PAYMENTS_URL' }));
    return undefined;
  }
  return reply(404, { error: 'no route' });
}

const server = http.createServer(handle);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  log.info('startup', { port, node: process.version });
  if (process.send) process.send({ port });
});
