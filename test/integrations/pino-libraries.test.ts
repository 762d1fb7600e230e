import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import pinoHttp from 'pino-http';
import { asPino, type LevelSetting } from '../../src';
import { createTestLogger } from '../../src/testing';

function logger(level: LevelSetting = 'info'): ReturnType<typeof createTestLogger> {
  return createTestLogger({ name: 'web', level });
}

/** The record without its head (level kept). */
function body(record: Record<string, unknown> | undefined): Record<string, unknown> {
  const { time, pid, hostname, name, ...rest } = record ?? {};
  void [time, pid, hostname, name];
  return rest;
}

describe('Fastify 5 with loggerInstance: asPino(log), over real HTTP', () => {
  async function start(log: ReturnType<typeof logger>['log']): Promise<{ app: ReturnType<typeof Fastify>; url: string }> {
    const app = Fastify({ loggerInstance: asPino(log) });
    app.get('/orders/:id', async (request) => {
      request.log.info({ orderId: (request.params as { id: string }).id }, 'order read');
      return { ok: true };
    });
    app.get('/boom', async () => {
      throw Object.assign(new Error('upstream down'), { code: 'E_UPSTREAM' });
    });
    app.get('/health', { logLevel: 'warn' }, async (request) => {
      request.log.info('not written: the route logs at warn');
      request.log.warn('written');
      return 'ok';
    });
    app.get('/user', { logSerializers: { user: (u: { id: string }) => ({ id: u.id }) } }, async (request) => {
      request.log.info({ user: { id: 'u-1', email: 'ann@example.com' } }, 'user seen');
      return 'ok';
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
  }

  it('accepts the facade, and writes Fastify\'s request records and request.log calls as prodlog records', async () => {
    const { log, records } = logger();
    const { app, url } = await start(log);
    try {
      expect((await fetch(`${url}/orders/7?token=secret`, { headers: { authorization: 'Bearer t' } })).status).toBe(200);
    } finally {
      await app.close();
    }
    const request = records().filter((r) => r['reqId'] === 'req-1').map(body);
    expect(request).toEqual([
      { level: 'info', reqId: 'req-1', req: { method: 'GET', url: '/orders/7?token=[Redacted]', host: expect.any(String), remoteAddress: '127.0.0.1', remotePort: expect.any(Number) }, msg: 'incoming request' },
      { level: 'info', reqId: 'req-1', orderId: '7', msg: 'order read' },
      { level: 'info', reqId: 'req-1', res: { statusCode: 200 }, responseTime: expect.any(Number), msg: 'request completed' },
    ]);
    expect(records().some((r) => String(r['msg']).startsWith('Server listening at'))).toBe(true);
    expect(JSON.stringify(records())).not.toContain('Bearer t');
  });

  it('a thrown error is written at error with prodlog\'s error serialisation', async () => {
    const { log, records } = logger();
    const { app, url } = await start(log);
    try {
      expect((await fetch(`${url}/boom`)).status).toBe(500);
    } finally {
      await app.close();
    }
    const failed = records().find((r) => r['level'] === 'error');
    expect(body(failed)).toMatchObject({
      reqId: 'req-1',
      res: { statusCode: 500 },
      err: { type: 'Error', message: 'upstream down', code: 'E_UPSTREAM', fingerprint: expect.any(String), stack: expect.stringContaining('upstream down') },
      msg: 'upstream down',
    });
  });

  it('honours a route\'s logLevel and logSerializers (passed to child() per request)', async () => {
    const { log, records } = logger();
    const { app, url } = await start(log);
    try {
      await (await fetch(`${url}/health`)).text();
      await (await fetch(`${url}/user`)).text();
    } finally {
      await app.close();
    }
    expect(records().filter((r) => r['reqId'] === 'req-1').map(body)).toEqual([{ level: 'warn', reqId: 'req-1', msg: 'written' }]);
    expect(body(records().find((r) => r['msg'] === 'user seen'))).toEqual({ level: 'info', reqId: 'req-2', user: { id: 'u-1' }, msg: 'user seen' });
  });

  it('app.log\'s level is the logger\'s, live; setting it is log.setLevel; a level Fastify does not know is refused at route registration', async () => {
    const { log, records } = logger('warn');
    const app = Fastify({ loggerInstance: asPino(log) });
    expect(app.log.level).toBe('warn');
    expect(() => app.get('/x', { logLevel: 'verbose' as never }, async () => 'x')).toThrow(/must be a valid logger level/);
    app.get('/debug', async (request) => {
      request.log.debug('cache miss');
      return 'ok';
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/debug`;
    try {
      await (await fetch(url)).text();
      app.log.level = 'debug';
      expect(log.level).toBe('debug');
      await (await fetch(url)).text();
    } finally {
      await app.close();
    }
    expect(records().map((r) => [r['level'], r['msg'], r['reqId']])).toEqual([
      ['info', 'level changed', undefined],
      ['info', 'incoming request', 'req-2'],
      ['debug', 'cache miss', 'req-2'],
      ['info', 'request completed', 'req-2'],
    ]);
  });
});

describe('pino-http with logger: asPino(log), over real HTTP', () => {
  async function serve(handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<{ server: Server; url: string }> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  function close(server: Server): Promise<void> {
    return new Promise((resolve) => server.close(() => resolve()));
  }

  it('writes req.log calls with the request bound, and one record per response with req, res and responseTime', async () => {
    const { log, records } = logger();
    const middleware = pinoHttp({ logger: asPino(log) });
    const { server, url } = await serve((req, res) => {
      middleware(req, res);
      // pino-http set req.log to a child of the facade. Its type is pino's or prodlog's, whichever declaration
      // TypeScript read first (both packages declare IncomingMessage.log; here prodlog's, from src): both orders work.
      (req.log as unknown as PinoLogger).info({ step: 'lookup' }, 'handling %s', req.url);
      req.log.info('prodlog order', { step: 'typed as prodlog' });
      res.statusCode = req.url === '/fail' ? 503 : 200;
      res.end('ok');
    });
    try {
      await (await fetch(`${url}/orders?id=1`, { headers: { cookie: 'sid=abc', authorization: 'Bearer t' } })).text();
      await (await fetch(`${url}/fail`)).text();
    } finally {
      await close(server);
    }
    await log.flush();
    const [handling, prodlogOrder, completed, , , errored] = records().map(body);
    const req = { id: 1, method: 'GET', url: '/orders?id=1', headers: expect.objectContaining({ cookie: '[Redacted]', authorization: '[Redacted]' }), remoteAddress: expect.any(String), remotePort: expect.any(Number) };
    expect(handling).toEqual({ level: 'info', req, step: 'lookup', msg: 'handling /orders?id=1' });
    expect(prodlogOrder).toEqual({ level: 'info', req, step: 'typed as prodlog', msg: 'prodlog order' });
    expect(completed).toEqual({ level: 'info', req, res: { statusCode: 200, headers: {} }, responseTime: expect.any(Number), msg: 'request completed' });
    expect(errored).toMatchObject({ level: 'info', res: { statusCode: 503 }, err: { type: 'Error', message: 'failed with status code 503', fingerprint: expect.any(String) }, msg: 'request errored' });
  });

  it('honours customLogLevel and customProps (which reads pino\'s bindings through its symbols)', async () => {
    const { log, records } = logger();
    const middleware = pinoHttp({
      logger: asPino(log),
      customLogLevel: (_req, res) => (res.statusCode >= 400 ? 'warn' : 'silent'),
      customProps: () => ({ tenant: 't-1' }),
    });
    const { server, url } = await serve((req, res) => {
      middleware(req, res);
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end();
    });
    try {
      await (await fetch(`${url}/fine`)).text();
      await (await fetch(`${url}/missing`)).text();
    } finally {
      await close(server);
    }
    await log.flush();
    expect(records().map((r) => [r['level'], r['msg'], r['tenant']])).toEqual([['warn', 'request completed', 't-1']]);
  });
});
