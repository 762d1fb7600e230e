import { LEVELS } from '../../src/core/levels';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { ShippingTransport } from '../../transports/shipping/ShippingTransport';
import { tempDir } from '../support/run-fixture';
import { fixturePath } from '../support/paths';
import { until } from '../support/until';

const SINK = fixturePath('worker-sink.js');

interface SinkOptions {
  readonly out: string;
  readonly marker: string;
  readonly fault?: 'throw' | 'stuck' | 'missing';
}

/** A shipping transport whose delivery runs in a real worker thread, with test/fixtures/worker-sink.js as its sink. */
function shipper(options: SinkOptions, dir = tempDir('worker-spool')): ShippingTransport {
  return new ShippingTransport({
    type: 'test',
    name: 'test:worker',
    loggerName: 'svc',
    spool: { dir, maxBytes: 64 * 1024 * 1024, segmentBytes: 256 * 1024, chunkChars: 16 * 1024, fsyncIntervalMs: 50, shedAt: 0.8, whenFull: 'drop-newest' },
    batch: { maxRecords: 500, maxChars: 1 << 20 },
    retry: { initialMs: 1, maxMs: 5 },
    closeTimeoutMs: 2_000,
    dropWarnIntervalMs: 60_000,
    delivery: { worker: { module: SINK, options } },
  });
}

function sinkOptions(fault?: SinkOptions['fault']): SinkOptions {
  const dir = tempDir('worker-sink');
  return { out: join(dir, 'out'), marker: join(dir, 'marker'), ...(fault ? { fault } : {}) };
}

const line = (i: number): string => `{"level":"info","time":"2026-01-01T00:00:00.000Z","pid":1,"hostname":"h","name":"svc","i":${i},"msg":"r"}\n`;
const INFO = LEVELS.info;
const received = (options: SinkOptions): string[] => (existsSync(options.out) ? readFileSync(options.out, 'utf8').split('\n').filter(Boolean) : []);


/** The worker thread behind a transport, to kill it from outside as an operator or the runtime might. */
const workerOf = (t: ShippingTransport): Worker | undefined => (t as unknown as { delivery: { worker?: Worker } }).delivery.worker;

let stderr: jest.SpyInstance;
beforeEach(() => (stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)));
afterEach(() => stderr.mockRestore());
const notices = (): string[] => stderr.mock.calls.map((c) => String(c[0])).filter((s) => s.includes('delivery worker'));

describe('delivery in a worker thread', () => {
  it('delivers every record from the spool, and health counts them on the service thread', async () => {
    const options = sinkOptions();
    const t = shipper(options);
    for (let i = 0; i < 5_000; i++) t.write(line(i), INFO);
    await until(() => t.health().delivered === 5_000);
    expect(new Set(received(options)).size).toBe(5_000);
    expect(t.health()).toMatchObject({ ok: true, written: 5_000, delivered: 5_000, backlogRecords: 0, deliveryRestarts: 0 });
    await t.close();
  });

  it('a worker killed from outside is restarted: nothing is lost, health and stderr say so once', async () => {
    const options = sinkOptions();
    const t = shipper(options);
    for (let i = 0; i < 2_000; i++) t.write(line(i), INFO);
    await until(() => workerOf(t) !== undefined);
    await workerOf(t)?.terminate();
    for (let i = 2_000; i < 4_000; i++) t.write(line(i), INFO); // logged while no worker runs: the spool keeps them
    await until(() => t.health().deliveryRestarts === 1 && t.health().backlogRecords === 0 && new Set(received(options)).size === 4_000);
    expect(t.health().lastError).toMatch(/EWORKER: the delivery worker stopped/);
    expect(notices()).toHaveLength(1);
    await t.close();
  });

  it('an exception thrown in the worker (a bug in an encoder) restarts it, and the batch it held is delivered again', async () => {
    const options = sinkOptions('throw');
    const t = shipper(options);
    for (let i = 0; i < 3_000; i++) t.write(line(i), INFO);
    await until(() => new Set(received(options)).size === 3_000);
    expect(t.health()).toMatchObject({ deliveryRestarts: 1, lastError: expect.stringMatching(/encoder bug/) });
    expect(notices()).toHaveLength(1);
    await t.close();
  });

  it('a sink that fails to load restarts with backoff until it loads; the records wait in the spool', async () => {
    const options = sinkOptions('missing');
    const t = shipper(options);
    for (let i = 0; i < 100; i++) t.write(line(i), INFO);
    await until(() => new Set(received(options)).size === 100);
    expect(t.health().deliveryRestarts).toBe(1);
    expect(t.health().lastError).toMatch(/cannot load this sink/);
    await t.close();
  });

  it('FATAL waits for delivery at most until its deadline, even when the sink never returns', () => {
    const options = sinkOptions('stuck');
    const t = shipper(options);
    for (let i = 0; i < 100; i++) t.write(line(i), INFO);
    const started = Date.now();
    const deadline = started + 700;
    t.drainBeforeExit(deadline); // blocks this thread, as fatal() does
    expect(Date.now()).toBeLessThanOrEqual(deadline);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600); // it was given the time, not abandoned at once
    expect(t.health().lastError).toMatch(/EDRAINTIMEOUT/);
    return t.close(); // ends the stuck thread
  });

  it('FATAL with the thread blocked: the worker delivers what was logged, and the wait ends as soon as it has', () => {
    const options = sinkOptions();
    const t = shipper(options);
    for (let i = 0; i < 20_000; i++) t.write(line(i), INFO); // never yields: nothing was delivered before
    const started = Date.now();
    t.drainBeforeExit(started + 10_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(new Set(received(options)).size).toBe(20_000);
    return t.close();
  });
});
