import { createSink, type HttpSinkOptions } from '../transports/http/createSink';
import { DEFAULT_INDEX_PATTERN } from '../transports/http/formats/indexPattern';
import { DEFAULT_LOKI_LABELS } from '../transports/http/formats/lokiLabels';
import type { FormatName } from '../transports/http/formats/WireFormat';
import type { Sink, SpoolRecord } from '../transports/shipping/Sink';
import { HttpReceiver } from './support/httpReceiver';

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

function open(format: FormatName, overrides: Partial<HttpSinkOptions> = {}, onUnidentifiedRejects?: (n: number, reason: string) => void): Sink {
  const options: HttpSinkOptions = {
    url: `${receiver.url}/push?token=secret`,
    headers: {},
    timeoutMs: 5_000,
    intervalMs: 0,
    maxRecords: 100,
    maxChars: 1_000_000,
    wire: { format, serviceName: 'svc', loki: { labels: DEFAULT_LOKI_LABELS, staticLabels: {}, maxValuesPerLabel: 100 }, elasticsearch: { index: DEFAULT_INDEX_PATTERN } },
    ...overrides,
  };
  sink = createSink(options, onUnidentifiedRejects ? { onUnidentifiedRejects } : {});
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

  it('takes everything on OTLP partial success and reports the unattributed refusals', async () => {
    receiver.responder = () => ({ status: 200, body: '{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"too old"}}' });
    const told: [number, string][] = [];
    const result = await open('otlp', {}, (n, reason) => told.push([n, reason])).send(records(5));
    expect(result).toEqual({ accepted: 5 });
    expect(told).toEqual([[2, 'receiver rejected 2 log records: too old']]);
  });

  it('holds a batch that is not full until intervalMs after the previous request; a full batch goes at once', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const s = open('ndjson', { intervalMs: 1_000, maxRecords: 10 });
    await s.send(records(2));
    expect(receiver.requests).toHaveLength(1);

    const second = s.send(records(2));
    await settleIo();
    expect(receiver.requests).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(999);
    await settleIo();
    expect(receiver.requests).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(await second).toEqual({ accepted: 2 });
    expect(receiver.requests).toHaveLength(2);

    // A full batch right after: no wait.
    expect(await s.send(records(10))).toEqual({ accepted: 10 });
    expect(receiver.requests).toHaveLength(3);
  });

  it('stops waiting when closed, so a closing transport is not held up', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const s = open('ndjson', { intervalMs: 60_000, maxRecords: 10 });
    await s.send(records(1));
    const held = s.send(records(1));
    await s.close();
    await expect(held).resolves.toMatchObject({ accepted: 0, error: { retryable: true } });
    expect(receiver.requests).toHaveLength(1);
  });
});

/** Lets the sockets of the local receiver do their work (real I/O, not timers). */
async function settleIo(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}
