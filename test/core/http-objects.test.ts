import http, { type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryLogger } from '../support/memory-logger';

/**
 * node:http objects logged as fields (`{ req }`, `{ res }`, an upstream call's
 * request and response, as axios errors carry them) are written as a short
 * summary with credentials censored, never as their internals: `rawHeaders`,
 * the raw header text in `_header`, the socket. Every exchange here is real:
 * a node:http server and client on 127.0.0.1.
 */

/** Every credential of the exchange; each one is unique, so a leak names where it came from. */
const SECRETS = {
  authorization: 'S3CR3T-authorization',
  cookie: 'S3CR3T-cookie',
  apiKey: 'S3CR3T-x-api-key',
  queryToken: 'S3CR3T-query-token',
  refererToken: 'S3CR3T-referer-token',
  setCookie: 'S3CR3T-set-cookie',
  locationCode: 'S3CR3T-location-code',
  configAuth: 'S3CR3T-config-authorization',
};
const LEAK = /S3CR3T-[a-z-]+/g;

interface Exchange {
  /** The server's view: the request it received and the response it sent. */
  readonly serverReq: IncomingMessage;
  readonly serverRes: ServerResponse;
  /** The client's view: the request it sent and the response it received. */
  readonly clientReq: ClientRequest;
  readonly clientRes: IncomingMessage;
  readonly port: number;
}

async function exchange(onRequest: (req: IncomingMessage) => void): Promise<Exchange> {
  let serverSide: { req: IncomingMessage; res: ServerResponse } | undefined;
  const server = http.createServer((req, res) => {
    serverSide = { req, res };
    onRequest(req);
    res.setHeader('set-cookie', [`session=${SECRETS.setCookie}; HttpOnly`]);
    res.setHeader('location', `https://app.example/callback?code=${SECRETS.locationCode}&state=xyz`);
    res.setHeader('content-type', 'text/plain');
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const { clientReq, clientRes } = await new Promise<{ clientReq: ClientRequest; clientRes: IncomingMessage }>((resolve, reject) => {
    const clientReq = http.get(
      {
        host: '127.0.0.1',
        port,
        path: `/orders?token=${SECRETS.queryToken}&page=2`,
        agent: false,
        headers: {
          Authorization: `Bearer ${SECRETS.authorization}`,
          Cookie: `sid=${SECRETS.cookie}`,
          'X-Api-Key': SECRETS.apiKey,
          Referer: `https://shop.example/login?access_token=${SECRETS.refererToken}&lang=en`,
        },
      },
      (clientRes) => clientRes.resume().on('end', () => resolve({ clientReq, clientRes })),
    );
    clientReq.on('error', reject);
  });
  await new Promise((resolve) => server.close(resolve));
  return { serverReq: serverSide!.req, serverRes: serverSide!.res, clientReq, clientRes, port };
}

let ex: Exchange;
/** The record of `{ req }` logged while the server handled it, its socket still open. */
let inHandler: Record<string, unknown>;
beforeAll(async () => {
  const { log, memory } = memoryLogger();
  ex = await exchange((req) => log.info('in', { req }));
  inHandler = memory.records[0]!['req'] as Record<string, unknown>;
});

/** An error shaped as axios makes them: the upstream call's request, response and config on the error. */
function axiosLikeError(): Error {
  return Object.assign(new Error('Request failed with status code 502'), {
    code: 'ERR_BAD_RESPONSE',
    request: ex.clientReq,
    response: { status: 502, headers: ex.clientRes.headers, request: ex.clientReq, data: ex.clientRes },
    config: { url: `http://127.0.0.1:${ex.port}/orders?token=${SECRETS.queryToken}`, headers: { Authorization: `Bearer ${SECRETS.configAuth}` } },
  });
}

function leaks(text: string): string[] {
  return [...new Set(text.match(LEAK) ?? [])];
}

describe('node:http objects in the fields', () => {
  it('the four kinds, anywhere in the fields and inside errors, leave no credential in the record', () => {
    const { log, memory } = memoryLogger();
    const { serverReq: req, serverRes: res, clientReq, clientRes } = ex;
    log.info('in', { req });
    log.info('out', { res });
    log.info('upstream', { request: clientReq, response: clientRes });
    log.info('nested', { ctx: { list: [req, res, clientReq, clientRes], byKind: new Map<string, unknown>([['r', req]]) } });
    log.error(new Error('upstream failed', { cause: { request: clientReq, response: clientRes, config: { headers: { Authorization: `Bearer ${SECRETS.configAuth}` } } } }));
    log.error('upstream failed', { err: axiosLikeError(), upstream: { ...axiosLikeError() } });
    log.error(new AggregateError([axiosLikeError()], 'several', { cause: axiosLikeError() }));
    log.info('as fields', req);
    expect(memory.lines).toHaveLength(8);
    expect(leaks(memory.lines.join(''))).toEqual([]);
  });

  /** The request headers both sides of the exchange show: secret values censored, the rest kept. */
  const requestHeadersCensored = (): Record<string, string> => ({
    authorization: '[Redacted]',
    cookie: '[Redacted]',
    'x-api-key': '[Redacted]',
    referer: 'https://shop.example/login?access_token=[Redacted]&lang=en',
    host: `127.0.0.1:${ex.port}`,
  });

  it('a server request becomes method, url with secret query values censored, headers with secret values censored, and the peer', () => {
    const summary = inHandler;
    expect(Object.keys(summary).sort()).toEqual(['headers', 'method', 'remoteAddress', 'remotePort', 'url']);
    expect(summary).toMatchObject({
      method: 'GET',
      url: '/orders?token=[Redacted]&page=2',
      remoteAddress: '127.0.0.1',
      headers: requestHeadersCensored(),
    });
    expect(summary['remotePort']).toEqual(expect.any(Number));
  });

  it('a server response becomes status and headers', () => {
    const { log, memory } = memoryLogger();
    log.info('out', { res: ex.serverRes });
    expect(memory.records[0]!['res']).toEqual({
      status: 200,
      headers: {
        'set-cookie': '[Redacted]',
        location: 'https://app.example/callback?code=[Redacted]&state=xyz',
        'content-type': 'text/plain',
      },
    });
  });

  it('an upstream request becomes method, full url and headers; its response status, message and headers', () => {
    const { log, memory } = memoryLogger();
    log.info('upstream', { request: ex.clientReq, response: ex.clientRes });
    const r = memory.records[0]!;
    expect(r['request']).toEqual({
      method: 'GET',
      url: `http://127.0.0.1:${ex.port}/orders?token=[Redacted]&page=2`,
      headers: requestHeadersCensored(),
    });
    expect(r['response']).toMatchObject({
      status: 200,
      statusMessage: 'OK',
      headers: { 'set-cookie': '[Redacted]', location: 'https://app.example/callback?code=[Redacted]&state=xyz', 'content-type': 'text/plain' },
    });
  });

  it('censors them even with default redaction off: these summaries never carry credentials', () => {
    const { log, memory } = memoryLogger({ redact: { defaults: false } });
    log.info('all', { req: ex.serverReq, res: ex.serverRes, request: ex.clientReq, response: ex.clientRes });
    expect(leaks(memory.lines[0]!)).toEqual([]);
  });

  it('keeps sockets and internals out: a summary is a few hundred bytes', () => {
    const { log, memory } = memoryLogger();
    log.info('all', { req: ex.serverReq, res: ex.serverRes, request: ex.clientReq, response: ex.clientRes });
    expect(memory.lines[0]!.length).toBeLessThan(2_000);
    for (const internal of ['socket', '_readableState', 'rawHeaders', '_header', 'agent', 'parser']) expect(memory.lines[0]).not.toContain(`"${internal}"`);
  });
});

describe('raw header forms outside node:http objects', () => {
  it('censors secret values in rawHeaders arrays and in raw header text, under any key', () => {
    const { log, memory } = memoryLogger();
    const clientHeaderText = (ex.clientReq as unknown as { _header: string })._header;
    const serverHeaderText = (ex.serverRes as unknown as { _header: string })._header;
    expect(clientHeaderText).toContain(SECRETS.authorization); // the text the test is about
    log.info('raw', {
      copied: { rawHeaders: [...ex.serverReq.rawHeaders], _header: clientHeaderText },
      sent: serverHeaderText,
      trailers: { rawTrailers: ['X-Auth-Token', 'S3CR3T-trailer-token'] },
    });
    const line = memory.lines[0]!;
    expect(leaks(line)).toEqual([]);
    const r = memory.records[0] as unknown as { copied: { rawHeaders: string[]; _header: string }; sent: string };
    // Names and harmless values stay: the record still says what was sent.
    expect(r.copied.rawHeaders).toEqual(expect.arrayContaining(['Authorization', '[Redacted]', 'Host', `127.0.0.1:${ex.port}`]));
    expect(r.copied._header).toContain('GET /orders?token=[Redacted]&page=2 HTTP/1.1\r\n');
    expect(r.copied._header).toContain('Authorization: [Redacted]\r\n');
    expect(r.sent).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(r.sent).toContain('set-cookie: [Redacted]\r\n');
  });
});
