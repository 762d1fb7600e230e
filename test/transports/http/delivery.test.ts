import { createServer } from 'node:net';
import { createSink } from '../../../transports/http/createSink';
import { createElasticsearchFormat } from '../../../transports/http/formats/elasticsearchFormat';
import { DEFAULT_INDEX_PATTERN } from '../../../transports/http/formats/indexPattern';
import { DEFAULT_LOKI_LABELS } from '../../../transports/http/formats/lokiLabels';
import { ndjsonFormat } from '../../../transports/http/formats/ndjsonFormat';
import { createOtlpFormat } from '../../../transports/http/formats/otlpFormat';
import type { WireFormat } from '../../../transports/http/formats/WireFormat';
import { HttpBatchSender, withQueryDefaults } from '../../../transports/http/HttpBatchSender';
import { HttpPoster, type HttpPosterSettings } from '../../../transports/http/HttpPoster';
import { HealthCounters } from '../../../transports/shared/HealthCounters';
import { closedPort, HttpReceiver } from '../../support/http-receiver';

const LINES = Array.from({ length: 50 }, (_, i) => ({
  line: `${JSON.stringify({ level: 'info', time: '2026-11-26T06:30:53.078Z', pid: 1, hostname: 'h', name: 'svc', seq: i, msg: `record ${i} ${'x'.repeat(100)}` })}\n`,
}));

let receiver: HttpReceiver;
const senders: HttpBatchSender[] = [];

beforeEach(async () => {
  receiver = await HttpReceiver.start();
});
afterEach(async () => {
  for (const s of senders.splice(0)) s.close();
  await receiver.close();
});

function sender(format: WireFormat = ndjsonFormat, settings: Partial<HttpPosterSettings> = {}, path = '/ingest'): HttpBatchSender {
  const poster = new HttpPoster({ url: withQueryDefaults(receiver.url + path, format.queryDefaults), headers: {}, compress: undefined, timeoutMs: 5_000, ...settings });
  const s = new HttpBatchSender(format, poster);
  senders.push(s);
  return s;
}

describe('posting batches', () => {
  it('POSTs the encoded batch with the format content type and the configured headers', async () => {
    const result = await sender(ndjsonFormat, { headers: { authorization: 'Bearer t' } }).send(LINES);
    expect(result).toMatchObject({ kind: 'delivered' });
    const [req] = receiver.requests;
    expect(req).toMatchObject({ method: 'POST', url: '/ingest' });
    expect(req!.headers).toMatchObject({ 'content-type': 'application/x-ndjson', authorization: 'Bearer t' });
    expect(req!.headers['content-encoding']).toBeUndefined();
    expect(req!.body).toBe(LINES.map((l) => l.line).join(''));
  });

  it('sends user and password from the URL as Basic auth', async () => {
    const url = new URL(`${receiver.url}/ingest`);
    url.username = 'shipper';
    url.password = 's3cr:t';
    const s = new HttpBatchSender(ndjsonFormat, new HttpPoster({ url, headers: {}, compress: undefined, timeoutMs: 5_000 }));
    senders.push(s);
    await s.send(LINES.slice(0, 1));
    expect(receiver.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('shipper:s3cr:t').toString('base64')}`);
  });

  it('gzips the body when asked: it decodes to the same batch and is smaller on the wire', async () => {
    const result = await sender(ndjsonFormat, { compress: 'gzip' }).send(LINES);
    const [req] = receiver.requests;
    expect(req!.headers['content-encoding']).toBe('gzip');
    expect(req!.body).toBe(LINES.map((l) => l.line).join(''));
    expect(req!.wireBody.length).toBeLessThan(req!.body.length / 5);
    expect(result.sentBytes).toBe(req!.wireBody.length);
  });

  it('reuses one keep-alive connection for consecutive batches', async () => {
    const s = sender();
    await s.send(LINES);
    await s.send(LINES);
    expect(receiver.requests).toHaveLength(2);
    expect(await receiver.connections()).toBe(1);
  });

  it('adds the format query defaults without overriding what the URL already says', async () => {
    const es = createElasticsearchFormat({ index: DEFAULT_INDEX_PATTERN, serviceName: 's' });
    await sender(es, {}, '/_bulk').send(LINES.slice(0, 1));
    await sender(es, {}, '/_bulk?filter_path=took&refresh=true').send(LINES.slice(0, 1));
    const [first, second] = receiver.requests.map((r) => new URL(r.url, 'http://x'));
    expect(first!.searchParams.get('filter_path')).toBe('errors,items.*.status,items.*.error.type,items.*.error.reason');
    expect(second!.searchParams.get('filter_path')).toBe('took');
    expect(second!.searchParams.get('refresh')).toBe('true');
  });

  it('sends again on a new connection when a kept-alive one turns out closed, once', async () => {
    // The first connection answers one request, then resets when the next arrives: a server that closed it while idle.
    let connections = 0;
    const server = createServer((socket) => {
      const n = ++connections;
      let requests = 0;
      socket.on('data', (chunk: Buffer) => {
        if (!chunk.includes('\r\n\r\n')) return;
        requests++;
        if (n === 1 && requests === 2) socket.resetAndDestroy();
        else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const s = new HttpBatchSender(ndjsonFormat, new HttpPoster({ url: new URL(`http://127.0.0.1:${port}/`), headers: {}, compress: undefined, timeoutMs: 5_000 }));
      senders.push(s);
      expect(await s.send(LINES.slice(0, 1))).toMatchObject({ kind: 'delivered' });
      expect(await s.send(LINES.slice(0, 1))).toMatchObject({ kind: 'delivered' });
      expect(connections).toBe(2);
    } finally {
      server.close();
    }
  });

  it('cuts off a receiver that never answers after timeoutMs and closes the connection', async () => {
    receiver.responder = () => 'hang';
    const started = Date.now();
    const result = await sender(ndjsonFormat, { timeoutMs: 150 }).send(LINES);
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ kind: 'retry', retryAfterMs: undefined });
    expect(result).toMatchObject({ code: 'ETIMEDOUT', reason: 'request timed out after 150 ms' });
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2_000);
    await waitFor(async () => (await receiver.connections()) === 0);
  });

  it('reports a timeout in health naming the code, the endpoint and what happened, each once', async () => {
    receiver.responder = () => 'hang';
    const sink = createSink({
      url: `${receiver.url}/ingest?token=secret`,
      headers: {},
      timeoutMs: 150,
      serverErrorMs: 60_000,
      authErrorMs: 60_000,
      wire: { format: 'ndjson', serviceName: 's', loki: { labels: DEFAULT_LOKI_LABELS, staticLabels: {}, maxValuesPerLabel: 100 }, elasticsearch: { index: DEFAULT_INDEX_PATTERN }, ndjson: {} },
    });
    try {
      const result = await sink.send(LINES.map((l, i) => ({ id: `seg.${i}`, line: l.line.slice(0, -1) })));
      expect(result).toMatchObject({ accepted: 0, error: { retryable: true } });
      const counters = new HealthCounters('http', 'http', () => {});
      counters.recordFailure(result.error?.error, 0);
      expect(counters.lastError).toBe(`ETIMEDOUT: ${receiver.url}/ingest: request timed out after 150 ms`);
    } finally {
      await sink.close();
    }
  });
});

describe('classifying answers', () => {
  it('retries 429 and honours Retry-After in seconds', async () => {
    receiver.responder = () => ({ status: 429, headers: { 'retry-after': '7' }, body: 'slow down' });
    expect(await sender().send(LINES)).toMatchObject({ kind: 'retry', retryAfterMs: 7_000, reason: 'HTTP 429: slow down' });
  });

  it('retries 503 and honours Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    receiver.responder = () => ({ status: 503, headers: { 'retry-after': at } });
    const result = await sender().send(LINES);
    expect(result.kind).toBe('retry');
    const wait = result.kind === 'retry' ? result.retryAfterMs! : 0;
    expect(wait).toBeGreaterThan(25_000);
    expect(wait).toBeLessThanOrEqual(30_000);
  });

  it.each([408, 502, 504])('retries %i without Retry-After, leaving the delay to the backoff', async (status) => {
    receiver.responder = () => ({ status });
    expect(await sender().send(LINES)).toMatchObject({ kind: 'retry', retryAfterMs: undefined });
  });

  it('caps a Retry-After past an hour at an hour (9999999999 s made the shipper retry at once, ~180 times a second)', async () => {
    receiver.responder = () => ({ status: 503, headers: { 'retry-after': '9999999999' } });
    expect(await sender().send(LINES)).toMatchObject({ kind: 'retry', retryAfterMs: 3_600_000 });
    const farDate = new Date(Date.now() + 10 * 365 * 86_400_000).toUTCString();
    receiver.responder = () => ({ status: 503, headers: { 'retry-after': farDate } });
    expect(await sender().send(LINES)).toMatchObject({ kind: 'retry', retryAfterMs: 3_600_000 });
  });

  it.each([401, 403, 407])('takes %i for refused credentials: retried for retry.authErrorMs, not dead-lettered at once', async (status) => {
    receiver.responder = () => ({ status, body: 'token expired' });
    expect(await sender().send(LINES)).toMatchObject({ kind: 'serverError', window: 'auth', code: `HTTP_${status}` });
  });

  it.each([400, 404, 501])('rejects %i for the dead-letter file, quoting the receiver', async (status) => {
    receiver.responder = () => ({ status, body: '{"error":"entry out of order"}' });
    expect(await sender().send(LINES)).toEqual({ kind: 'rejected', code: `HTTP_${status}`, reason: `HTTP ${status}: {"error":"entry out of order"}`, sentBytes: expect.any(Number) });
  });

  it('says 413 is too large, for the sink to split the batch', async () => {
    receiver.responder = () => ({ status: 413, body: 'request entity too large' });
    expect(await sender().send(LINES)).toMatchObject({ kind: 'tooLarge', code: 'HTTP_413', reason: 'HTTP 413: request entity too large' });
  });

  it.each([500, 507, 599])('calls %i a server error, for the sink to retry for a while, honouring Retry-After', async (status) => {
    receiver.responder = () => ({ status, headers: { 'retry-after': '2' }, body: 'Code: 241. DB::Exception: Memory limit exceeded' });
    expect(await sender().send(LINES)).toMatchObject({ kind: 'serverError', code: `HTTP_${status}`, retryAfterMs: 2_000 });
  });

  it('rejects a ClickHouse 500 whose exception code says the rows are wrong, from the header or (older servers) the body', async () => {
    receiver.responder = () => ({ status: 500, headers: { 'x-clickhouse-exception-code': '27' }, body: 'Code: 27. DB::Exception: Cannot parse input' });
    expect(await sender().send(LINES)).toMatchObject({ kind: 'rejected', code: 'HTTP_500' });
    receiver.responder = () => ({ status: 500, headers: { 'x-clickhouse-server-display-name': 'ch1' }, body: 'Code: 117, e.displayText() = DB::Exception: Incorrect data' });
    expect(await sender().send(LINES)).toMatchObject({ kind: 'rejected', code: 'HTTP_500' });
    // The same body from a server that is not ClickHouse proves nothing.
    receiver.responder = () => ({ status: 500, body: 'Code: 117, e.displayText() = DB::Exception: Incorrect data' });
    expect(await sender().send(LINES)).toMatchObject({ kind: 'serverError' });
    receiver.responder = () => ({ status: 500, headers: { 'x-clickhouse-exception-code': '252' }, body: 'Code: 252. DB::Exception: Too many parts' });
    expect(await sender().send(LINES)).toMatchObject({ kind: 'serverError' });
  });

  it('retries when nothing listens on the port', async () => {
    const port = await closedPort();
    const poster = new HttpPoster({ url: new URL(`http://127.0.0.1:${port}/`), headers: {}, compress: undefined, timeoutMs: 5_000 });
    const s = new HttpBatchSender(ndjsonFormat, poster);
    senders.push(s);
    expect(await s.send(LINES)).toMatchObject({ kind: 'retry', reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('reports OTLP partial success with the number of rejected records', async () => {
    receiver.responder = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"partialSuccess":{"rejectedLogRecords":"3","errorMessage":"timestamp too old"}}' });
    const result = await sender(createOtlpFormat({ serviceName: 's' }), {}, '/v1/logs').send(LINES);
    expect(result).toMatchObject({ kind: 'partial', result: { retry: [], rejected: [], rejectedUnidentified: 3 } });
    expect(JSON.parse(receiver.requests[0]!.body).resourceLogs[0].scopeLogs[0].logRecords).toHaveLength(50);
  });

  it('reports Elasticsearch bulk item errors by position', async () => {
    receiver.responder = (req) => {
      const count = req.body.trim().split('\n').length / 2;
      const items = Array.from({ length: count }, (_, i) => ({ create: { status: i === 1 ? 429 : i === 3 ? 400 : 201 } }));
      return { status: 200, body: JSON.stringify({ errors: true, items }) };
    };
    const es = createElasticsearchFormat({ index: DEFAULT_INDEX_PATTERN, serviceName: 's' });
    expect(await sender(es, {}, '/_bulk').send(LINES.slice(0, 5))).toMatchObject({ kind: 'partial', result: { retry: [1], rejected: [3] } });
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
