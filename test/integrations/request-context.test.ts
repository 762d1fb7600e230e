import { Agent, get, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { fastifyRequestLogger, requestLogger, withContext, type Logger } from '../../src';
import { createTestLogger, type MemoryTransport } from '../../src/testing';
import { closedAfterEach, serveOnLoopback } from '../support/loopback-server';

const opened = closedAfterEach();

const serve = (handler: RequestListener): Promise<string> => serveOnLoopback(handler, opened);

/** Code deep in the service, with a module-level logger and no request in hand. */
function repository(db: Logger): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(() => {
      db.info('query ran');
      resolve();
    }, 1),
  );
}

async function requestRecords(memory: MemoryTransport, url: string, init: RequestInit = {}): Promise<Array<Record<string, unknown>>> {
  await Promise.all(
    ['a', 'b'].map((id) => fetch(`${url}/orders`, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), 'x-request-id': `req-${id}` } })),
  );
  for (let i = 0; i < 1_000 && memory.records.filter((r) => r['msg'] === 'request').length < 2; i++) await new Promise((resolve) => setImmediate(resolve));
  return memory.records;
}

function expectEachQueryInItsRequest(records: ReadonlyArray<Record<string, unknown>>): void {
  const queries = records.filter((r) => r['msg'] === 'query ran');
  expect(queries.map((r) => r['requestId']).sort()).toEqual(['req-a', 'req-b']);
  // req.log binds requestId and the context carries it too: the line still has it once.
  const handled = records.filter((r) => r['msg'] === 'handled');
  expect(handled).toHaveLength(2);
  for (const r of handled) expect(r['requestId']).toMatch(/^req-/);
}

describe('requestLogger runs the rest of the request in a context carrying requestId', () => {
  it('Express: a module-level logger deep in the call stack carries it, and req.log writes it once', async () => {
    const { log, memory } = createTestLogger();
    const db = log.module('db');
    const app = express();
    app.use(requestLogger(log));
    app.get('/orders', async (req, res) => {
      await repository(db);
      req.log.info('handled');
      res.json({ ok: true });
    });
    const records = await requestRecords(memory, await serve(app));
    expectEachQueryInItsRequest(records);
    const lines = memory.lines.filter((l) => l.includes('"handled"'));
    for (const line of lines) expect(line.match(/"requestId"/g)).toHaveLength(1);
  });

  it('Fastify, a POST with a JSON body included', async () => {
    const { log, memory } = createTestLogger();
    const db = log.module('db');
    const app = Fastify();
    await app.register(fastifyRequestLogger(log));
    app.post('/orders', async (request) => {
      await repository(db);
      request.raw.log.info('handled', { body: request.body });
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    opened.push(app);
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const records = await requestRecords(memory, url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"A-1"}' });
    expectEachQueryInItsRequest(records);
  });

  it('node:http, a handler that calls it first', async () => {
    const { log, memory } = createTestLogger();
    const db = log.module('db');
    const track = requestLogger(log);
    const url = await serve((req, res) => {
      track(req, res);
      void repository(db).then(() => {
        req.log.info('handled');
        res.end('ok');
      });
    });
    expectEachQueryInItsRequest(await requestRecords(memory, url));
  });
});

describe('each request holds its own records for replayOnError', () => {
  it('node:http over one keep-alive connection: the second request never replays the first one\'s records', async () => {
    const { log, memory } = createTestLogger({ level: 'info', replayOnError: true });
    const track = requestLogger(log);
    const url = await serve((req, res) => {
      track(req, res);
      if (req.url === '/a') log.debug('held by a');
      else log.error('b failed');
      res.end('ok');
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    opened.push({ close: () => agent.destroy() });
    for (const path of ['/a', '/b']) {
      await new Promise<void>((resolve, reject) => get(`${url}${path}`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject));
    }
    for (let i = 0; i < 1_000 && memory.records.filter((r) => r['msg'] === 'request').length < 2; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(memory.records.map((r) => r['msg'])).not.toContain('held by a');
    expect(memory.records.find((r) => r['msg'] === 'b failed')?.['requestId']).toBe(memory.records.filter((r) => r['msg'] === 'request')[1]?.['requestId']);
  });

  it('Express started inside a context: requests carry its fields, and do not share held records', async () => {
    const { log, memory } = createTestLogger({ level: 'info', replayOnError: true });
    const app = express();
    app.use(requestLogger(log));
    let releaseA: () => void = () => undefined;
    const aHeld = new Promise<void>((resolve) => (releaseA = resolve));
    app.get('/a', async (_req, res) => {
      log.debug('held by a');
      releaseA();
      await new Promise((resolve) => setTimeout(resolve, 20));
      res.end('a');
    });
    app.get('/b', async (_req, res) => {
      await aHeld;
      log.error('b failed');
      res.end('b');
    });
    const url = await withContext({ service: 'shop' }, () => serve(app));
    await Promise.all([fetch(`${url}/a`), fetch(`${url}/b`)]);
    expect(memory.records.map((r) => r['msg'])).not.toContain('held by a');
    expect(memory.records.find((r) => r['msg'] === 'b failed')).toMatchObject({ service: 'shop' });
  });
});
