import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import {
  ConfigError,
  createLogger,
  fastifyRequestLogger,
  healthHandler,
  metricsHandler,
  requestLog,
  requestLogger,
  type HealthHandlerOptions,
  type Logger,
  type TransportHealth,
} from '../../src';
import { renderFamilies } from '../../src/integrations/http/prometheusText';
import { MemoryTransport } from '../../src/testing';

/** A memory transport whose health the test sets, like a shipper that cannot reach its receiver. */
class ShipperLike extends MemoryTransport {
  state: Partial<TransportHealth> = {};
  override health(): TransportHealth {
    return { ...super.health(), ...this.state };
  }
}

const opened: Array<{ close(): unknown }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

function makeLogger(name: string, options: { redactDefaults?: boolean } = {}): { log: Logger; memory: ShipperLike } {
  const memory = new ShipperLike('shipper');
  const log = createLogger({
    name,
    capture: false,
    shutdown: false,
    redact: { defaults: options.redactDefaults ?? true },
    transports: [{ type: 'custom', transport: memory }],
  });
  opened.push(log);
  return { log, memory };
}

/** A real server on a free loopback port. */
async function serve(handler: RequestListener): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push({ close: () => new Promise((resolve) => server.close(resolve)) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function getJson(url: string): Promise<{ status: number; body: { status: string; checks: Record<string, { ok: boolean; error?: string; details?: unknown }> } }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as never };
}

/** The access record is written when the server sees the response finish; give it the turns it needs, no sleeping. */
async function recordsOf(memory: MemoryTransport, n: number): Promise<MemoryTransport['records']> {
  for (let i = 0; i < 1_000 && memory.records.length < n; i++) await new Promise((resolve) => setImmediate(resolve));
  return memory.records;
}

describe('healthHandler over HTTP', () => {
  const health = (options: HealthHandlerOptions): Promise<string> => serve(healthHandler(options));

  it('answers 200 with every check when all pass, the logging pipeline among them', async () => {
    const { log } = makeLogger('health-ok');
    const url = await health({ log, checks: { db: () => ({ pool: 4 }), cache: async () => undefined } });
    const { status, body } = await getJson(url);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.checks['db']).toMatchObject({ ok: true, details: { pool: 4 } });
    expect(body.checks['cache']).toMatchObject({ ok: true });
    expect(body.checks['logging']).toMatchObject({ ok: true, details: { loggers: [{ name: 'health-ok', ok: true, transports: [{ name: 'shipper', ok: true }] }] } });
  });

  it.each<[string, () => unknown, string]>([
    ['throws', () => {
      throw new Error('connection refused');
    }, 'connection refused'],
    ['rejects', () => Promise.reject(new Error('auth failed')), 'auth failed'],
    ['returns false', () => false, 'check returned false'],
  ])('answers 500 when a check %s, with its message and no stack', async (_how, check, error) => {
    const { log } = makeLogger('health-fail');
    const { status, body } = await getJson(await health({ log, checks: { db: check, cache: () => true } }));
    expect(status).toBe(500);
    expect(body.status).toBe('fail');
    expect(body.checks['db']).toEqual({ ok: false, durationMs: expect.any(Number), error });
    expect(body.checks['cache']).toMatchObject({ ok: true });
  });

  it('stays fast when a dependency hangs: the check fails at its timeout', async () => {
    const { log } = makeLogger('health-slow');
    const started = Date.now();
    const { status, body } = await getJson(await health({ log, timeoutMs: 1_000, checks: { upstream: { check: () => new Promise(() => undefined), timeoutMs: 50 } } }));
    expect(Date.now() - started).toBeLessThan(900); // the 50 ms of the check, not the 1 s default
    expect(status).toBe(500);
    expect(body.checks['upstream']).toMatchObject({ ok: false, error: 'timed out after 50 ms' });
  });

  it('fails the logging check while a transport is failing, showing its backlog, drops and last error', async () => {
    const { log, memory } = makeLogger('health-pipeline');
    const url = await health({ log });
    memory.state = { ok: false, dropped: 12, backlogRecords: 5_000, backlogBytes: 900_000, delivered: 10, lastSuccessAt: null, lastError: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4318', lastErrorAt: '2026-11-26T06:00:00.000Z' };
    const { status, body } = await getJson(url);
    expect(status).toBe(500);
    expect(body.checks['logging']).toMatchObject({
      ok: false,
      details: { loggers: [{ transports: [{ name: 'shipper', ok: false, dropped: 12, backlogRecords: 5_000, lastError: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4318' }] }] },
    });
    memory.state = {};
    expect((await getJson(url)).status).toBe(200); // recovers with the transport
  });

  it('without a logger named, reports every logger open in the process when asked', async () => {
    const url = await health({});
    const { log } = makeLogger('health-late'); // created after the handler
    const names = (b: Awaited<ReturnType<typeof getJson>>['body']): unknown[] => (b.checks['logging']?.details as { loggers: Array<{ name: string }> }).loggers.map((l) => l.name);
    expect(names((await getJson(url)).body)).toContain('health-late');
    await log.close();
    expect(names((await getJson(url)).body)).not.toContain('health-late');
  });

  it('rejects options it cannot use at once, naming key, value and what is allowed', () => {
    const problems = (options: unknown): readonly string[] => {
      try {
        healthHandler(options as HealthHandlerOptions);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ timeoutMs: 0 })).toEqual(['timeoutMs: 0 is too small: the minimum is 1']);
    expect(problems({ checks: { db: 'select 1' } })).toEqual(['checks.db: "select 1" is not a function or { check: function, timeoutMs: 1 to 60000 }']);
    expect(problems({ check: {} })).toEqual(['(root): unknown key "check"; allowed keys: checks, timeoutMs, log, logging']);
  });
});

describe('metricsHandler over HTTP', () => {
  it('serves Prometheus text with records per level, internal errors, and per transport written, failed, dropped, shipped and spool backlog', async () => {
    const { log, memory } = makeLogger('metrics-test');
    const url = await serve(metricsHandler({ log }));
    log.info('a');
    log.info('b');
    log.warn('c');
    log.error(new Error('d'));
    memory.state = { delivered: 3, backlogRecords: 1, backlogBytes: 200, dropped: 2, failed: 1, deliveryRestarts: 1 };
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const labels = 'logger="metrics-test",transport="shipper"';
    for (const line of [
      '# TYPE prodlog_records_total counter',
      'prodlog_records_total{logger="metrics-test",level="info"} 2',
      'prodlog_records_total{logger="metrics-test",level="warn"} 1',
      'prodlog_records_total{logger="metrics-test",level="error"} 1',
      'prodlog_records_total{logger="metrics-test",level="fatal"} 0',
      'prodlog_internal_errors_total{logger="metrics-test"} 0',
      `prodlog_transport_written_total{${labels}} 4`,
      `prodlog_transport_failed_total{${labels}} 1`,
      `prodlog_transport_dropped_total{${labels}} 2`,
      `prodlog_transport_shipped_total{${labels}} 3`,
      `prodlog_spool_backlog_records{${labels}} 1`,
      `prodlog_spool_backlog_bytes{${labels}} 200`,
      `prodlog_delivery_worker_restarts_total{${labels}} 1`,
      `prodlog_transport_up{${labels}} 1`,
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    log.info('e');
    expect((await (await fetch(url)).text()).split('\n')).toContain('prodlog_records_total{logger="metrics-test",level="info"} 3');
  });
});

describe('request logging', () => {
  it('node:http: one record per request with method, path without query, status, duration and request id; 5xx at error', async () => {
    const { log, memory } = makeLogger('plain-http');
    const logRequests = requestLogger(log, { routeOf: (req) => (req.url?.startsWith('/orders/') ? '/orders/:id' : undefined) });
    const url = await serve((req, res) => {
      logRequests(req, res);
      requestLog(req)?.info('handling');
      res.statusCode = req.url?.startsWith('/fail') ? 503 : 200;
      res.end('done');
    });
    const ok = await fetch(`${url}/orders/o-7?token=secret`, { headers: { 'x-request-id': 'req-42' } });
    expect(ok.headers.get('x-request-id')).toBe('req-42');
    await fetch(`${url}/fail`);
    const records = await recordsOf(memory, 4);
    expect(records[0]).toMatchObject({ level: 'info', msg: 'handling', requestId: 'req-42' });
    expect(records[1]).toMatchObject({ level: 'info', msg: 'request', requestId: 'req-42', method: 'GET', route: '/orders/:id', path: '/orders/o-7', status: 200 });
    expect(typeof records[1]?.['durationMs']).toBe('number');
    expect(records[3]).toMatchObject({ level: 'error', msg: 'request', method: 'GET', path: '/fail', status: 503 });
    expect(records[3]?.['route']).toBeUndefined();
    expect(JSON.stringify(records)).not.toContain('secret');
  });

  it('generates a request id when none comes in, or when the one given is not a short printable token', async () => {
    const { log, memory } = makeLogger('ids');
    const url = await serve((req, res) => {
      requestLogger(log)(req, res);
      res.end();
    });
    const generated = (await fetch(url)).headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const replaced = (await fetch(url, { headers: { 'x-request-id': 'x'.repeat(500) } })).headers.get('x-request-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    expect((await recordsOf(memory, 2)).map((r) => r['requestId'])).toEqual([generated, replaced]);
  });

  it('Express: the route pattern with its mount point, req.log with the request id, 5xx at error and 4xx at warn, authorization and cookies censored even with default redaction off', async () => {
    const { log, memory } = makeLogger('express-app', { redactDefaults: false });
    const app = express();
    app.use(requestLogger(log));
    const api = express.Router();
    api.get('/orders/:id', (req, res) => {
      req.log.info('order looked up', { orderId: req.params['id'] });
      res.json({ id: req.params['id'] });
    });
    api.get('/boom', () => {
      throw new Error('handler bug');
    });
    app.use('/api', api);
    app.get('/healthCheck', healthHandler({ log }));
    app.get('/metrics', metricsHandler({ log }));
    const url = await serve(app);

    const res = await fetch(`${url}/api/orders/o-1`, { headers: { authorization: 'Bearer top-secret', cookie: 'session=abc', 'x-request-id': 'ex-1' } });
    expect(res.status).toBe(200);
    await fetch(`${url}/api/boom`);
    await fetch(`${url}/nowhere`);
    const records = await recordsOf(memory, 4);
    expect(records[0]).toMatchObject({ msg: 'order looked up', requestId: 'ex-1', orderId: 'o-1' });
    expect(records[1]).toMatchObject({
      level: 'info',
      msg: 'request',
      requestId: 'ex-1',
      method: 'GET',
      route: '/api/orders/:id',
      path: '/api/orders/o-1',
      status: 200,
      headers: { authorization: '[Redacted]', cookie: '[Redacted]' },
    });
    expect(records[2]).toMatchObject({ level: 'error', route: '/api/boom', status: 500 });
    expect(records[3]).toMatchObject({ level: 'warn', path: '/nowhere', status: 404 });
    expect(JSON.stringify(records)).not.toMatch(/top-secret|session=abc/);

    expect((await getJson(`${url}/healthCheck`)).body.status).toBe('ok');
    const metrics = (await (await fetch(`${url}/metrics`)).text()).split('\n');
    expect(metrics).toContain('http_requests_total{method="GET",route="/api/orders/:id",status="200"} 1');
    expect(metrics).toContain('http_request_errors_total{method="GET",route="/api/boom"} 1');
    expect(metrics).toContain('http_request_duration_seconds_count{method="GET",route="/api/orders/:id"} 1');
    expect(metrics).toContain('http_requests_total{method="GET",route="/healthCheck",status="200"} 1');
  });

  it('Fastify: the route pattern, request.prodlog with the request id, 5xx at error, and the endpoints served from Fastify routes', async () => {
    const { log, memory } = makeLogger('fastify-app', { redactDefaults: false });
    const app = Fastify();
    opened.push(app);
    await app.register(fastifyRequestLogger(log));
    app.get('/items/:id', async (request) => {
      requestLog(request)?.info('order looked up');
      return { id: (request.params as { id: string }).id };
    });
    app.get('/boom', async () => {
      throw new Error('handler bug');
    });
    app.get('/healthCheck', healthHandler({ log, checks: { db: () => true } }));
    app.get('/metrics', metricsHandler({ log }));
    const address = await app.listen({ port: 0, host: '127.0.0.1' });

    const res = await fetch(`${address}/items/o-9?x=1`, { headers: { 'x-request-id': 'fy-1', authorization: 'Basic dXNlcjpwdw==', cookie: 'sid=1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('fy-1');
    await fetch(`${address}/boom`);
    const records = await recordsOf(memory, 3);
    expect(records[0]).toMatchObject({ msg: 'order looked up', requestId: 'fy-1' });
    expect(records[1]).toMatchObject({ level: 'info', msg: 'request', requestId: 'fy-1', method: 'GET', route: '/items/:id', path: '/items/o-9', status: 200, headers: { authorization: '[Redacted]', cookie: '[Redacted]' } });
    expect(records[2]).toMatchObject({ level: 'error', msg: 'request', route: '/boom', status: 500 });

    const health = await getJson(`${address}/healthCheck`);
    expect(health.status).toBe(200);
    expect(health.body.checks['db']).toMatchObject({ ok: true });
    const metrics = await fetch(`${address}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await metrics.text()).split('\n')).toContain('http_requests_total{method="GET",route="/items/:id",status="200"} 1');
  });
});

describe('the Prometheus text', () => {
  it('escapes label values, so a route cannot break the exposition', () => {
    expect(
      renderFamilies([{ name: 'm_total', help: 'h', type: 'counter', samples: [{ labels: { route: 'a"b\\c\nd' }, value: 1 }, { suffix: '_x', labels: {}, value: Infinity }] }]),
    ).toBe('# HELP m_total h\n# TYPE m_total counter\nm_total{route="a\\"b\\\\c\\nd"} 1\nm_total_x +Inf\n');
  });
});
