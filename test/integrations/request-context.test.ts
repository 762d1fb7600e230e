import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { fastifyRequestLogger, requestLogger, type Logger } from '../../src';
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
