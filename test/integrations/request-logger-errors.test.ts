import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { ConfigError, errorLogger, fastifyRequestLogger, metricsText, requestFailed, requestLogger, type Logger, type RequestLoggerOptions } from '../../src';
import type { MemoryTransport } from '../../src/testing';
import { memoryLogger } from '../support/memory-logger';

/**
 * The request record of a request that failed, over real HTTP: Express 5
 * (errorLogger), Fastify 5 (the onError hook of fastifyRequestLogger) and
 * node:http (requestFailed), and the options that shape the record: levels
 * by status, `ignore`, `level` and `fields`. The request metrics are
 * process-wide, so every test uses routes of its own.
 */

const opened: Array<{ close(): unknown }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

function makeLogger(): { log: Logger; memory: MemoryTransport } {
  const made = memoryLogger();
  opened.push(made.log);
  return made;
}

async function serve(handler: RequestListener): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push({ close: () => new Promise((resolve) => server.close(resolve)) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The request record is written when the server sees the response finish: give it the turns it needs, no sleeping. */
async function requestRecords(memory: MemoryTransport, n: number): Promise<MemoryTransport['records']> {
  const of = (): MemoryTransport['records'] => memory.records.filter((r) => r['msg'] === 'request');
  for (let i = 0; i < 1_000 && of().length < n; i++) await new Promise((resolve) => setImmediate(resolve));
  return of();
}

/** Lets the server finish anything pending (a record that should not come), then returns what was logged. */
async function settled(memory: MemoryTransport): Promise<MemoryTransport['records']> {
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
  return memory.records;
}

const THIS_FILE = /request-logger-errors\.test\.ts:\d+/;

function expectSerialisedError(err: unknown, type: string, message: string): void {
  expect(err).toMatchObject({ type, message, fingerprint: expect.stringMatching(/^[0-9a-f]{8,}$/) });
  expect(String((err as { stack?: unknown }).stack)).toMatch(THIS_FILE); // the stack points at the handler that threw
}

describe('Express: errorLogger', () => {
  function app(log: Logger, options: RequestLoggerOptions = {}): express.Express {
    const a = express();
    a.use(requestLogger(log, options));
    a.get('/x/sync', () => {
      throw new TypeError('sync handler bug');
    });
    a.get('/x/async', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      throw new RangeError('async handler bug');
    });
    a.get('/x/not-found', (_req, res) => {
      res.status(404).json({ error: 'no such order' });
    });
    a.post('/x/json', express.json(), (req, res) => {
      res.json(req.body);
    });
    a.get('/x/ok', (req, res) => {
      req.log.info('handled');
      res.send('ok');
    });
    return a;
  }

  it.each([
    ['a synchronous throw', '/x/sync', 'TypeError', 'sync handler bug'],
    ['a rejection of an async handler', '/x/async', 'RangeError', 'async handler bug'],
  ])('%s: one request record at error with err, its stack and fingerprint; the error goes on to the application handler', async (_how, path, type, message) => {
    const { log, memory } = makeLogger();
    const a = app(log);
    a.use(errorLogger(log));
    const seenByApp: unknown[] = [];
    a.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      seenByApp.push(err);
      res.status(500).json({ error: 'internal' });
    });
    const url = await serve(a);
    const res = await fetch(`${url}${path}`, { headers: { 'x-request-id': 'e-1' } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal' });
    const records = await requestRecords(memory, 1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 'error', msg: 'request', requestId: 'e-1', method: 'GET', route: path, path, status: 500 });
    expectSerialisedError(records[0]?.['err'], type, message);
    expect(seenByApp).toHaveLength(1);
    expect(seenByApp[0]).toBeInstanceOf(Error);
    expect((seenByApp[0] as Error).message).toBe(message);
    expect((await settled(memory)).filter((r) => r['level'] === 'error')).toHaveLength(1); // the error is logged once
  });

  it('4xx at warn, with err when the 4xx came from an error (a body that is not JSON); 2xx at info', async () => {
    const { log, memory } = makeLogger();
    const a = app(log);
    a.use(errorLogger(log));
    const url = await serve(a);
    expect((await fetch(`${url}/x/not-found`)).status).toBe(404);
    const bad = await fetch(`${url}/x/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken' });
    expect(bad.status).toBe(400); // Express's default handler: body-parser's error carries status 400
    expect((await fetch(`${url}/x/ok`)).status).toBe(200);
    const records = await requestRecords(memory, 3);
    expect(records[0]).toMatchObject({ level: 'warn', path: '/x/not-found', status: 404 });
    expect(records[0]?.['err']).toBeUndefined();
    expect(records[1]).toMatchObject({ level: 'warn', path: '/x/json', status: 400, err: { type: 'SyntaxError' } });
    expect(records[2]).toMatchObject({ level: 'info', path: '/x/ok', status: 200 });
  });

  it('respond: answers as Express would (the error status, the status text, no stack) and stops the error there', async () => {
    const { log, memory } = makeLogger();
    const a = app(log);
    a.get('/x/gone', () => {
      throw Object.assign(new Error('order o-1 was deleted'), { status: 410, headers: { 'x-reason': 'deleted' } });
    });
    a.use(errorLogger(log, { respond: true }));
    const after = jest.fn();
    a.use((err: unknown, _req: express.Request, _res: express.Response, next: express.NextFunction) => {
      after();
      next(err);
    });
    const url = await serve(a);
    const res = await fetch(`${url}/x/sync`);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('Internal Server Error\n');
    const gone = await fetch(`${url}/x/gone`);
    expect(gone.status).toBe(410);
    expect(gone.headers.get('x-reason')).toBe('deleted');
    expect(await gone.text()).toBe('Gone\n');
    const head = await fetch(`${url}/x/sync`, { method: 'HEAD' });
    expect(head.status).toBe(500);
    expect(after).not.toHaveBeenCalled();
    const records = await requestRecords(memory, 3);
    expect(records[0]).toMatchObject({ level: 'error', status: 500, err: { type: 'TypeError', message: 'sync handler bug' } });
    expect(records[1]).toMatchObject({ level: 'warn', status: 410, err: { message: 'order o-1 was deleted' } });
    expect(records[2]).toMatchObject({ level: 'error', method: 'HEAD', status: 500 });
  });

  it('respond: a throw after the headers went out closes the connection, as Express does; the record is at error with err and aborted', async () => {
    const { log, memory } = makeLogger();
    const a = express();
    a.use(requestLogger(log));
    a.get('/x/partial', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('half of the answer');
      throw new Error('failed while streaming');
    });
    a.use(errorLogger(log, { respond: true }));
    const url = await serve(a);
    const outcome = await fetch(`${url}/x/partial`).then(
      (res) => res.text().then(() => 'complete'),
      () => 'failed',
    );
    expect(outcome).not.toBe('complete'); // cut off: the client cannot take half an answer for a whole one
    const [record] = await requestRecords(memory, 1);
    expect(record).toMatchObject({ level: 'error', status: 200, aborted: true, err: { message: 'failed while streaming' } });
  });

  it('respond, with a request body still coming: the body is read and dropped first, then the answer is sent', async () => {
    const { log, memory } = makeLogger();
    const a = express();
    a.use(requestLogger(log));
    a.post('/x/upload', () => {
      throw new Error('refused before reading');
    });
    a.use(errorLogger(log, { respond: true }));
    const url = await serve(a);
    const res = await fetch(`${url}/x/upload`, { method: 'POST', body: 'x'.repeat(2_000_000) });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('Internal Server Error\n');
    const [record] = await requestRecords(memory, 1);
    expect(record).toMatchObject({ level: 'error', status: 500, err: { message: 'refused before reading' } });
  });

  it('without a request logger: the error is logged on its own with `log`, or only passed on without one', async () => {
    const { log, memory } = makeLogger();
    const withLog = express();
    withLog.get('/x/alone', () => {
      throw new Error('nobody tracked me');
    });
    withLog.use(errorLogger(log, { respond: true }));
    const bare = express();
    bare.get('/x/alone', () => {
      throw new Error('passed on');
    });
    bare.use(errorLogger(undefined, { respond: true })); // nothing logged, so it does not answer: Express's default handler does
    const app2 = express();
    app2.use('/a', withLog);
    app2.use('/b', bare);
    const url = await serve(app2);
    const res = await fetch(`${url}/a/x/alone?token=t-1`);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('Internal Server Error\n');
    const fallthrough = await fetch(`${url}/b/x/alone`);
    expect(fallthrough.status).toBe(500);
    expect(fallthrough.headers.get('content-type')).toMatch(/^text\/html/); // Express's own page
    const records = await settled(memory);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 'error', msg: 'request failed', method: 'GET', path: '/a/x/alone', err: { message: 'nobody tracked me' } });
  });

  it('a request logger mounted twice (app and router) still writes one record, with the error', async () => {
    const { log, memory } = makeLogger();
    const a = express();
    a.use(requestLogger(log));
    const api = express.Router();
    api.use(requestLogger(log));
    api.get('/twice', () => {
      throw new Error('once only');
    });
    api.use(errorLogger(log));
    a.use('/x', api);
    a.use(errorLogger(log, { respond: true }));
    const url = await serve(a);
    const res = await fetch(`${url}/x/twice`);
    expect(res.status).toBe(500);
    expect(await requestRecords(memory, 1)).toHaveLength(1);
    const records = await settled(memory);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 'error', route: '/x/twice', err: { message: 'once only' } });
  });
});

describe('ignore, level and fields', () => {
  it('ignore: no record for the listed paths (exact strings and RegExps, global ones too) unless the request fails; still counted in the metrics', async () => {
    const { log, memory } = makeLogger();
    const a = express();
    a.use(requestLogger(log, { ignore: ['/ig/healthCheck', /^\/ig\/assets\//g] }));
    a.get('/ig/healthCheck', (_req, res) => {
      res.send('ok');
    });
    a.get('/ig/assets/:name', (req, res) => {
      if (req.params['name'] === 'broken.js') throw new Error('asset store down');
      res.send('asset');
    });
    a.get('/ig/healthCheckAndMore', (_req, res) => {
      res.send('not ignored: a string is the whole path');
    });
    a.use(errorLogger(log, { respond: true }));
    const url = await serve(a);
    for (let i = 0; i < 3; i++) await fetch(`${url}/ig/healthCheck?probe=${i}`);
    for (let i = 0; i < 3; i++) await fetch(`${url}/ig/assets/app.js`);
    expect((await fetch(`${url}/ig/assets/broken.js`)).status).toBe(500);
    await fetch(`${url}/ig/healthCheckAndMore`);
    const records = await requestRecords(memory, 2);
    expect(records.map((r) => [r['path'], r['level']])).toEqual([
      ['/ig/assets/broken.js', 'error'],
      ['/ig/healthCheckAndMore', 'info'],
    ]);
    expect(records[0]).toMatchObject({ err: { message: 'asset store down' } });
    const metrics = metricsText({ log }).split('\n');
    expect(metrics).toContain('http_requests_total{method="GET",route="/ig/healthCheck",status="200"} 3');
    expect(metrics).toContain('http_requests_total{method="GET",route="/ig/assets/:name",status="200"} 3');
  });

  it('fields: added to the record, read at its end, unable to replace its own keys', async () => {
    const { log, memory } = makeLogger();
    const a = express();
    a.use(
      requestLogger(log, {
        // Express's Request and Response are accepted as the parameters' types.
        fields: (req: express.Request, res: express.Response) => ({ tenant: req.get('x-tenant'), user: res.locals['user'], status: 'forged', requestId: 'forged', err: 'forged' }),
      }),
    );
    a.get('/fl/me', (_req, res) => {
      res.locals['user'] = 'u-7'; // set by the handler, after the request logger ran
      res.send('me');
    });
    const url = await serve(a);
    await fetch(`${url}/fl/me`, { headers: { 'x-tenant': 'acme', 'x-request-id': 'f-1' } });
    const [record] = await requestRecords(memory, 1);
    expect(record).toMatchObject({ tenant: 'acme', user: 'u-7', status: 200, requestId: 'f-1' });
    expect(record?.['err']).toBeUndefined();
    expect(record?.['err_']).toBeUndefined();
    expect(JSON.stringify(record)).not.toContain('forged');
  });

  it('a fields or level hook that throws or answers nonsense costs nothing but itself: the request is answered, the record says why, the logger counts an internal error', async () => {
    const { log, memory } = makeLogger();
    const a = express();
    a.use(
      requestLogger(log, {
        fields: (req) => {
          if (req.url === '/hk/string') return 'tenant=acme' as never;
          throw new Error('user is not loaded');
        },
        level: (req) => {
          if (req.url === '/hk/string') return 'fatal' as never; // from JavaScript: fatal would exit the process
          throw new Error('level hook bug');
        },
      }),
    );
    a.get('/hk/:what', (_req, res) => {
      res.send('answered');
    });
    const url = await serve(a);
    const res = await fetch(`${url}/hk/throw`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('answered');
    await fetch(`${url}/hk/string`);
    const records = await requestRecords(memory, 2);
    expect(records[0]).toMatchObject({ level: 'info', status: 200, prodlogError: 'level() threw: level hook bug; fields() threw: user is not loaded' });
    expect(records[1]).toMatchObject({
      level: 'info',
      prodlogError: 'level() returned "fatal", not one of debug, info, warn, error, silent; fields() returned string, not an object',
    });
    expect(log.health().internalErrors).toBe(4);
    expect(metricsText({ log })).toContain('prodlog_internal_errors_total{logger="prodlog"} 4');
  });

  it('level: the hook chooses, `silent` writes nothing, undefined keeps the default; it sees the error', async () => {
    const { log, memory } = makeLogger();
    const seen: Array<string | undefined> = [];
    const a = express();
    a.use(
      requestLogger(log, {
        level: (req, res, err) => {
          seen.push(err?.message);
          if (req.url === '/lv/poll') return 'silent';
          if (req.url === '/lv/teapot') return 'info'; // an expected 4xx
          return res.statusCode === 503 ? 'warn' : undefined;
        },
      }),
    );
    a.get('/lv/:what', (req, res) => {
      if (req.params['what'] === 'fail') throw new Error('down');
      res.status(req.params['what'] === 'teapot' ? 418 : req.params['what'] === 'busy' ? 503 : 200).send('.');
    });
    a.use(errorLogger(log, { respond: true }));
    const url = await serve(a);
    for (const what of ['poll', 'teapot', 'busy', 'fail', 'ok']) await fetch(`${url}/lv/${what}`);
    const records = await requestRecords(memory, 4);
    expect(records.map((r) => [r['path'], r['level']])).toEqual([
      ['/lv/teapot', 'info'],
      ['/lv/busy', 'warn'],
      ['/lv/fail', 'error'],
      ['/lv/ok', 'info'],
    ]);
    expect(seen).toEqual([undefined, undefined, undefined, 'down', undefined]);
  });
});

describe('Fastify: the onError hook', () => {
  it('a handler that throws (sync or async) or fails validation: one record with err; 4xx at warn; the options apply', async () => {
    const { log, memory } = makeLogger();
    const app = Fastify();
    opened.push(app);
    await app.register(fastifyRequestLogger(log, { ignore: ['/fy/healthCheck'], fields: (req) => ({ agent: req.headers['user-agent'] }) }));
    app.get('/fy/sync', () => {
      throw new TypeError('sync fastify bug');
    });
    app.get('/fy/async', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      throw new RangeError('async fastify bug');
    });
    app.get('/fy/missing', async (_request, reply) => reply.code(404).send({ error: 'no such item' }));
    app.post('/fy/items', { schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } }, async () => ({ ok: true }));
    app.get('/fy/healthCheck', async () => ({ status: 'ok' }));
    app.get('/fy/unavailable', async () => {
      throw Object.assign(new Error('maintenance'), { statusCode: 503 });
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });

    expect((await fetch(`${address}/fy/sync`, { headers: { 'user-agent': 'probe/1' } })).status).toBe(500);
    expect((await fetch(`${address}/fy/async`)).status).toBe(500);
    expect((await fetch(`${address}/fy/missing`)).status).toBe(404);
    expect((await fetch(`${address}/fy/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(400);
    expect((await fetch(`${address}/fy/healthCheck`)).status).toBe(200);
    expect((await fetch(`${address}/fy/unavailable`)).status).toBe(503);
    const records = await requestRecords(memory, 5);
    expect(records.map((r) => [r['route'], r['level'], r['status']])).toEqual([
      ['/fy/sync', 'error', 500],
      ['/fy/async', 'error', 500],
      ['/fy/missing', 'warn', 404],
      ['/fy/items', 'warn', 400],
      ['/fy/unavailable', 'error', 503],
    ]);
    expectSerialisedError(records[0]?.['err'], 'TypeError', 'sync fastify bug');
    expect(records[0]?.['agent']).toBe('probe/1');
    expectSerialisedError(records[1]?.['err'], 'RangeError', 'async fastify bug');
    expect(records[2]?.['err']).toBeUndefined();
    expect(records[3]?.['err']).toMatchObject({ message: "body must have required property 'name'" });
    expect(records[4]?.['err']).toMatchObject({ message: 'maintenance' });
  });

  it('an error handler of the application still answers; the record has its status and the error', async () => {
    const { log, memory } = makeLogger();
    const app = Fastify();
    opened.push(app);
    await app.register(fastifyRequestLogger(log));
    app.setErrorHandler(async (_error, _request, reply) => reply.code(502).send({ error: 'upstream' }));
    app.get('/fy/upstream', async () => {
      throw new Error('upstream refused');
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}/fy/upstream`);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ error: 'upstream' });
    const [record] = await requestRecords(memory, 1);
    expect(record).toMatchObject({ level: 'error', status: 502, err: { message: 'upstream refused' } });
  });
});

describe('node:http: requestFailed', () => {
  it('a handler that catches attaches the error: one record at error with err; a thrown non-Error is kept as the cause', async () => {
    const { log, memory } = makeLogger();
    const logRequests = requestLogger(log, { routeOf: (req) => (req.url?.startsWith('/nh/') ? '/nh/:what' : undefined) });
    const results: boolean[] = [];
    const url = await serve(async (req, res) => {
      logRequests(req, res);
      try {
        await Promise.resolve();
        if (req.url === '/nh/string') throw 'a string, not an Error';
        throw new Error('database unreachable');
      } catch (err) {
        results.push(requestFailed(req, err));
        results.push(requestFailed(req, new Error('a second error is not kept')));
        res.statusCode = 500;
        res.end();
      }
    });
    await fetch(`${url}/nh/error`);
    await fetch(`${url}/nh/string`);
    const records = await requestRecords(memory, 2);
    expect(results).toEqual([true, true, true, true]);
    expect(records[0]).toMatchObject({ level: 'error', route: '/nh/:what', status: 500 });
    expectSerialisedError(records[0]?.['err'], 'Error', 'database unreachable');
    expect(records[1]).toMatchObject({ level: 'error', err: { type: 'Error', message: 'a non-Error value was thrown: string', cause: 'a string, not an Error' } });
  });

  it('is false, attaching nothing, for a request no request logger saw or whose record is written', async () => {
    const { log, memory } = makeLogger();
    const results: boolean[] = [];
    let finished: IncomingMessage | undefined;
    const url = await serve((req, res) => {
      if (req.url === '/nh/untracked') {
        results.push(requestFailed(req, new Error('untracked')));
        res.end();
        return;
      }
      requestLogger(log)(req, res);
      res.end('done', () => {
        finished = req;
      });
    });
    await fetch(`${url}/nh/untracked`);
    await fetch(`${url}/nh/tracked`);
    await requestRecords(memory, 1);
    for (let i = 0; i < 100 && finished === undefined; i++) await new Promise((resolve) => setImmediate(resolve));
    results.push(requestFailed(finished!, new Error('too late')));
    expect(results).toEqual([false, false]);
    expect((await settled(memory)).map((r) => r['err'])).toEqual([undefined]);
  });

  it('req.log is the request logger, typed on IncomingMessage; routeOf and generateId that throw cost nothing but themselves', async () => {
    const { log, memory } = makeLogger();
    const logRequests = requestLogger(log, {
      routeOf: () => {
        throw new Error('route table not loaded');
      },
      generateId: () => {
        throw new Error('id service down');
      },
    });
    const url = await serve((req, res) => {
      logRequests(req, res);
      req.log.info('inside');
      res.end();
    });
    const res = await fetch(`${url}/nh/any`);
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const records = await requestRecords(memory, 1);
    expect(memory.records[0]).toMatchObject({ msg: 'inside', requestId: id });
    expect(records[0]).toMatchObject({ level: 'info', requestId: id, prodlogError: 'generateId() threw: id service down; routeOf() threw: route table not loaded' });
    expect(log.health().internalErrors).toBe(2);
  });
});

describe('options', () => {
  const problems = (make: () => unknown): readonly string[] => {
    try {
      make();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems;
    }
    return [];
  };

  it('are checked at once: pino-http names, wrong types and a header name that is not one', () => {
    const { log } = makeLogger();
    const allowed = 'allowed keys: idHeader, generateId, routeOf, headers, metrics, ignore, level, fields';
    expect(problems(() => requestLogger(log, { customProps: () => ({}) } as never))).toEqual([`(root): unknown key "customProps"; ${allowed}`]);
    expect(problems(() => fastifyRequestLogger(log, { ignore: ['/ok', 5, ''] } as never))).toEqual([
      'ignore[1]: 5 is not a path (a string) or a RegExp',
      'ignore[2]: "" is not a path (a string) or a RegExp',
    ]);
    expect(problems(() => requestLogger(log, { ignore: '/healthCheck' } as never))).toEqual([
      'ignore: "/healthCheck" is a string; expected an array of paths and RegExps like ["/healthCheck", /^\\/assets\\//]',
    ]);
    expect(problems(() => requestLogger(log, { idHeader: 'x request id', fields: { tenant: 'a' } } as never))).toEqual([
      'idHeader: "x request id" is not a header name',
      'fields: {"tenant":"a"} is not a function',
    ]);
    expect(problems(() => errorLogger(log, { respnd: true } as never))).toEqual(['(root): unknown key "respnd"; allowed keys: respond']);
    expect(problems(() => requestLogger(log, { ignore: ['/metrics', /^\/static\//], level: () => undefined, fields: () => ({}) }))).toEqual([]);
  });

  it('errorLogger is error middleware to Express: four parameters', () => {
    expect(errorLogger().length).toBe(4);
    expect(errorLogger(undefined, { respond: true }).length).toBe(4);
  });
});
