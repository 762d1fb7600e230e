import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { levelHandler, type Logger } from '../../src';
import { createTestLogger } from '../../src/testing';
import { closedAfterEach, serveOnLoopback } from '../support/loopback-server';

const opened = closedAfterEach();

async function serveNode(handler: RequestListener): Promise<string> {
  return `${await serveOnLoopback(handler, opened)}/levels`;
}

async function serveExpress(log: Logger, token?: string): Promise<string> {
  const app = express();
  app.use(express.json());
  app.all('/levels', levelHandler(log, token === undefined ? {} : { token }));
  return serveNode(app);
}

async function serveFastify(log: Logger, token?: string): Promise<string> {
  const app = Fastify();
  app.route({ method: ['GET', 'PUT', 'POST', 'DELETE'], url: '/levels', handler: levelHandler(log, token === undefined ? {} : { token }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  opened.push(app);
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/levels`;
}

const servers: ReadonlyArray<[string, (log: Logger, token?: string) => Promise<string>]> = [
  ['node:http', (log, token) => serveNode(levelHandler(log, token === undefined ? {} : { token }))],
  ['Express', serveExpress],
  ['Fastify', serveFastify],
];

async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const init: RequestInit = { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.each(servers)('levelHandler over %s', (_name, serve) => {
  it('GET answers the levels; PUT and POST change them and answer the new state; the change is logged with source http', async () => {
    const { log, memory } = createTestLogger({ level: 'info', levels: { db: 'warn' } });
    const url = await serve(log);
    expect(await call(url, 'GET')).toEqual({ status: 200, body: { level: 'info', levels: { db: 'warn' }, expires: { levels: {} } } });

    const put = await call(url, 'PUT', { level: 'debug', module: 'db.pool', ttl: '10m' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ level: 'info', levels: { db: 'warn', 'db.pool': 'debug' }, expires: { levels: { 'db.pool': expect.any(String) } } });
    expect((await call(url, 'POST', { level: 'WARN' })).body).toMatchObject({ level: 'warn' });

    expect(log.module('db').module('pool').level).toBe('debug');
    expect(log.level).toBe('warn');
    expect(memory.records.filter((r) => r['msg'] === 'level changed').map((r) => [r['module'], r['from'], r['to'], r['source'], r['ttl']])).toEqual([
      ['db.pool', 'warn', 'debug', 'http', '10m'],
      [undefined, 'info', 'warn', 'http', undefined],
    ]);
  });

  it.each([
    [{ level: 'loud' }, 'level "loud" is not one of debug, info, warn, error, fatal, silent'],
    [{ module: 'db' }, 'level is required'],
    [{ level: 'debug', module: 'a b' }, 'module "a b" is not a module name'],
    [{ level: 'debug', ttl: 'soon' }, 'ttl "soon" is not a duration like "10m"'],
    [{ level: 'debug', until: 'x' }, 'unknown key "until"; allowed keys: level, module, ttl'],
    [['debug'], 'the body must be a JSON object'],
  ])('a bad body %j answers 400 naming what is wrong and changes nothing', async (body, error) => {
    const { log, memory } = createTestLogger();
    const url = await serve(log);
    const res = await call(url, 'PUT', body);
    expect(res.status).toBe(400);
    expect(String(res.body['error'])).toContain(error);
    expect(log.health().levels).toEqual({ level: 'info', levels: {}, expires: { levels: {} } });
    expect(memory.records).toEqual([]);
  });

  it('with a token, refuses a request without it (401) and changes nothing; takes one with it', async () => {
    const { log } = createTestLogger();
    const url = await serve(log, 's3cret');
    expect((await call(url, 'PUT', { level: 'debug' })).status).toBe(401);
    expect((await call(url, 'PUT', { level: 'debug' }, { authorization: 'Bearer wrong!' })).status).toBe(401);
    expect((await call(url, 'GET')).status).toBe(401);
    expect(log.level).toBe('info');
    expect((await call(url, 'PUT', { level: 'debug' }, { authorization: 'Bearer s3cret' })).status).toBe(200);
    expect(log.level).toBe('debug');
  });

  it('another method answers 405', async () => {
    const { log } = createTestLogger();
    const res = await call(await serve(log), 'DELETE');
    expect(res.status).toBe(405);
  });
});

it('levelHandler over node:http refuses a body that is not JSON, or too long, with 400', async () => {
  const { log } = createTestLogger();
  const url = await serveNode(levelHandler(log));
  expect((await call(url, 'PUT', '{"level":')).body['error']).toMatch(/not JSON/);
  const long = await call(url, 'PUT', JSON.stringify({ level: 'debug', module: 'x'.repeat(5000) }));
  expect([long.status, long.body['error']]).toEqual([400, 'the body is longer than 4096 bytes']);
  expect(log.level).toBe('info');
});
