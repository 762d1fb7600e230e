import { createSink, type HttpSinkOptions } from '../../../transports/http/createSink';
import { DEFAULT_INDEX_PATTERN } from '../../../transports/http/formats/indexPattern';
import { DEFAULT_LOKI_LABELS } from '../../../transports/http/formats/lokiLabels';
import type { FormatName } from '../../../transports/http/formats/WireFormat';
import type { HttpBatchSender, SendResult } from '../../../transports/http/HttpBatchSender';
import { HttpSink } from '../../../transports/http/HttpSink';
import type { Sink, SpoolRecord } from '../../../transports/shipping/Sink';
import { HttpReceiver } from '../../support/http-receiver';

function records(n: number): SpoolRecord[] {
  return Array.from({ length: n }, (_, i) => ({ id: `seg.${i}`, line: `{"level":"info","time":"2026-11-26T06:30:53.078Z","pid":1,"hostname":"h","name":"svc","seq":${i},"msg":"m"}` }));
}

let receiver: HttpReceiver;
let sink: Sink | undefined;
beforeEach(async () => {
  receiver = await HttpReceiver.start();
});
afterEach(async () => {
  jest.useRealTimers();
  await sink?.close();
  await receiver.close();
});

function open(format: FormatName, overrides: Partial<HttpSinkOptions> = {}): Sink {
  const options: HttpSinkOptions = {
    url: `${receiver.url}/push?token=secret`,
    headers: {},
    timeoutMs: 5_000,
    serverErrorMs: 60_000,
    authErrorMs: 60_000,
    wire: { format, serviceName: 'svc', loki: { labels: DEFAULT_LOKI_LABELS, staticLabels: {}, maxValuesPerLabel: 100 }, elasticsearch: { index: DEFAULT_INDEX_PATTERN }, ndjson: {} },
    ...overrides,
  };
  sink = createSink(options);
  return sink;
}

describe('http sink', () => {
  it('names its endpoint without the query, which may hold a token', () => {
    expect(open('ndjson').endpoint).toBe(`${receiver.url}/push`);
  });

  it('takes the whole batch on 2xx', async () => {
    expect(await open('loki').send(records(5))).toEqual({ accepted: 5 });
  });

  it('asks for a retry after the pause in Retry-After on 429', async () => {
    receiver.responder = () => ({ status: 429, headers: { 'retry-after': '3' } });
    const result = await open('loki').send(records(5));
    expect(result.accepted).toBe(0);
    expect(result.error).toMatchObject({ retryable: true, retryAfterMs: 3_000 });
    expect(result.error!.error).toMatchObject({ code: 'HTTP_429' });
    expect(result.error!.error.message).toBe(`${receiver.url}/push: HTTP 429`);
  });

  it('gives up on a 400 so the core dead-letters the batch', async () => {
    receiver.responder = () => ({ status: 400, body: 'Cannot parse input' });
    const result = await open('ndjson').send(records(5));
    expect(result).toMatchObject({ accepted: 0, error: { retryable: false } });
    expect(result.error!.error.message).toContain('HTTP 400: Cannot parse input');
  });

  it('maps bulk item errors onto the accepted prefix: rejected items before the first retry, the rest sent again', async () => {
    receiver.responder = () => ({
      status: 200,
      body: JSON.stringify({ errors: true, items: [201, 400, 201, 429, 400].map((status) => ({ create: { status } })) }),
    });
    const result = await open('elasticsearch').send(records(5));
    expect(result.accepted).toBe(3);
    expect(result.rejected).toEqual([{ index: 1, reason: expect.stringContaining('400') }]);
    expect(result.error).toMatchObject({ retryable: true });
  });

  it('takes everything on OTLP partial success and says how many records the receiver refused without saying which', async () => {
    receiver.responder = () => ({ status: 200, body: '{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"too old"}}' });
    const result = await open('otlp').send(records(5));
    expect(result).toEqual({ accepted: 5, unidentifiedRejects: { count: 2, reason: 'receiver rejected 2 log records: too old' } });
  });


  const fakeClock = (): void => void jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });

  it('retries a batch answered with 500 until serverErrorMs after the first 500, then gives it up; a 503 in between does not restart the clock', async () => {
    fakeClock();
    let status = 500;
    receiver.responder = () => ({ status, body: status === 500 ? 'Code: 241. DB::Exception: Memory limit exceeded' : '' });
    const s = open('ndjson', { serverErrorMs: 60_000 });
    const batch = records(5);
    expect((await s.send(batch)).error).toMatchObject({ retryable: true });
    jest.advanceTimersByTime(30_000);
    status = 503;
    expect((await s.send(batch)).error).toMatchObject({ retryable: true });
    status = 500;
    jest.advanceTimersByTime(29_999);
    expect((await s.send(batch)).error).toMatchObject({ retryable: true });
    jest.advanceTimersByTime(1);
    const given = await s.send(batch);
    expect(given).toMatchObject({ accepted: 0, error: { retryable: false } });
    expect(given.error!.error.message).toContain('HTTP 500: Code: 241. DB::Exception: Memory limit exceeded (still failing after 60000 ms)');
  });

  it('a 401 (a token being rotated) is retried until authErrorMs after the first, then the batch is given up', async () => {
    fakeClock();
    receiver.responder = () => ({ status: 401, body: 'token expired' });
    const s = open('ndjson', { authErrorMs: 120_000 });
    const batch = records(5);
    expect((await s.send(batch)).error).toMatchObject({ retryable: true, error: { code: 'HTTP_401' } });
    jest.advanceTimersByTime(119_999);
    expect((await s.send(batch)).error).toMatchObject({ retryable: true });
    jest.advanceTimersByTime(1);
    const given = await s.send(batch);
    expect(given).toMatchObject({ accepted: 0, error: { retryable: false } });
    expect(given.error!.error.message).toContain('HTTP 401: token expired (the credentials were refused) (still failing after 120000 ms)');
  });

  it('a token fixed within authErrorMs loses nothing: the batch goes through on the next try', async () => {
    let status = 403;
    receiver.responder = () => ({ status });
    const s = open('ndjson', { authErrorMs: 60_000 });
    expect((await s.send(records(3))).error).toMatchObject({ retryable: true });
    status = 200;
    expect(await s.send(records(3))).toEqual({ accepted: 3 });
  });

  it('the next batch gets its own serverErrorMs', async () => {
    fakeClock();
    receiver.responder = () => ({ status: 500 });
    const s = open('ndjson', { serverErrorMs: 60_000 });
    const [a, b] = [records(4), records(4).slice(2)];
    await s.send(a);
    jest.advanceTimersByTime(60_000);
    expect((await s.send(a)).error).toMatchObject({ retryable: false });
    expect((await s.send(b)).error).toMatchObject({ retryable: true });
    jest.advanceTimersByTime(59_999);
    expect((await s.send(b)).error).toMatchObject({ retryable: true });
    jest.advanceTimersByTime(1);
    expect((await s.send(b)).error).toMatchObject({ retryable: false });
  });

  it('a success ends the server error: the next 500 starts the clock again', async () => {
    fakeClock();
    let status = 500;
    receiver.responder = () => ({ status });
    const s = open('ndjson', { serverErrorMs: 60_000 });
    const batch = records(3);
    await s.send(batch);
    status = 200;
    jest.advanceTimersByTime(90_000);
    expect(await s.send(batch)).toEqual({ accepted: 3 });
    status = 500;
    expect((await s.send(batch)).error).toMatchObject({ retryable: true });
  });

  it('splits a batch the receiver finds too large (413) until the parts go through, and tells the core to read smaller batches', async () => {
    // A receiver that takes at most 3 records per request.
    receiver.responder = (req) => (req.body.trim().split('\n').length > 3 ? { status: 413 } : { status: 200 });
    const s = open('ndjson');
    expect(s.maxBatchChars).toBe(Infinity);
    const batch = records(10);
    expect(await s.send(batch)).toEqual({ accepted: 10 });
    const sizes = receiver.requests.map((r) => r.body.trim().split('\n').length);
    // 10 and 5 refused; from then on parts stay under half the size last refused.
    expect(sizes).toEqual([10, 5, 2, 1, 2, 2, 1, 2]);
    const taken = receiver.requests.filter((r) => r.body.trim().split('\n').length <= 3);
    const seqs = taken.flatMap((r) => r.body.trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq));
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const fiveChars = batch.slice(0, 5).reduce((n, r) => n + r.line.length, 0);
    expect(s.maxBatchChars).toBe(Math.floor(fiveChars / 2));
  });

  it('a record too large on its own is the only one given up: the rest of a split batch is delivered', async () => {
    receiver.responder = (req) => (req.body.includes('"huge"') ? { status: 413, body: 'too large' } : { status: 200 });
    const batch = records(6).map((r, i) => (i === 4 ? { ...r, line: r.line.replace('"msg":"m"', '"msg":"huge"') } : r));
    const result = await open('ndjson').send(batch);
    expect(result).toEqual({ accepted: 6, rejected: [{ index: 4, reason: expect.stringContaining('HTTP 413: too large') }] });
  });

  it('after a split, a part the receiver cannot take now stops the batch there, for the core to send the rest again', async () => {
    let calls = 0;
    receiver.responder = () => (++calls === 1 ? { status: 413 } : calls === 2 ? { status: 200 } : { status: 503 });
    const result = await open('ndjson').send(records(4));
    expect(result).toMatchObject({ accepted: 2, error: { retryable: true } });
  });

  it('keeps a size learnt from 413 for a minute after the last 413 that lowered it', async () => {
    fakeClock();
    receiver.responder = (req) => (req.body.trim().split('\n').length > 3 ? { status: 413 } : { status: 200 });
    const s = open('ndjson');
    await s.send(records(10));
    const learnt = s.maxBatchChars!;
    expect(learnt).toBeLessThan(Infinity);
    jest.advanceTimersByTime(59_999);
    expect(s.maxBatchChars).toBe(learnt);
    jest.advanceTimersByTime(1);
    expect(s.maxBatchChars).toBe(Infinity);
  });

  it('stops sending the parts of a split batch once closed; the rest stays for the next start', async () => {
    // A scripted sender, so that close() lands exactly between two parts.
    const sizes: number[] = [];
    let sink: HttpSink | undefined;
    const sender = {
      async send(batch: readonly SpoolRecord[]): Promise<SendResult> {
        sizes.push(batch.length);
        if (batch.length > 1) return { kind: 'tooLarge', code: 'HTTP_413', reason: 'HTTP 413', sentBytes: 0 };
        await sink!.close(); // the service closes while the first single record is answered
        return { kind: 'delivered', sentBytes: 0 };
      },
      close(): void {},
    } as unknown as HttpBatchSender;
    sink = new HttpSink(sender, { endpoint: 'http://receiver/ingest', serverErrorMs: 60_000, authErrorMs: 60_000 });
    const result = await sink.send(records(4));
    expect(result).toMatchObject({ accepted: 1, error: { retryable: true, error: { code: 'ECLOSED' } } });
    expect(sizes).toEqual([4, 2, 1]);
  });
});
