import { LEVELS, type LevelName } from '../../src/core/levels';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Backoff } from '../../transports/shipping/Backoff';
import { ShippingTransport, type ShippingSettings } from '../../transports/shipping/ShippingTransport';
import type { DeliveryKit } from '../../transports/shipping/DeliveryService';
import type { Sink, SinkResult, SpoolRecord } from '../../transports/shipping/Sink';
import { tempDir } from '../support/run-fixture';
import { Spool } from '../../transports/shipping/Spool';
import { HEADER_BYTES } from '../../transports/shipping/SpoolFormat';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '../support/until';

/**
 * A sink whose answers the test scripts: the shipping core is tested here
 * against every kind of answer a receiver can give; the real receivers are
 * in the syslog and HTTP tests.
 */
class ScriptedSink implements Sink {
  readonly endpoint = 'test://sink';
  readonly received: SpoolRecord[] = [];
  readonly batchSizes: number[] = [];
  maxBatchChars = Infinity;
  calls = 0;
  constructor(private readonly answer: (records: readonly SpoolRecord[], call: number) => SinkResult) {}
  async send(records: readonly SpoolRecord[]): Promise<SinkResult> {
    this.batchSizes.push(records.length);
    const result = this.answer(records, this.calls++);
    this.received.push(...records.slice(0, result.accepted));
    return result;
  }
  async close(): Promise<void> {}
}

/** A sink that holds its first batch until the test answers it, then refuses until `up`, then takes everything. */
class HeldSink implements Sink {
  readonly endpoint = 'test://held';
  readonly received: SpoolRecord[] = [];
  held: { records: readonly SpoolRecord[]; resolve: (result: SinkResult) => void } | undefined;
  up = false;
  private calls = 0;
  async send(records: readonly SpoolRecord[]): Promise<SinkResult> {
    const result = this.calls++ === 0 ? await new Promise<SinkResult>((resolve) => (this.held = { records, resolve })) : this.up ? all(records) : refused();
    this.received.push(...records.slice(0, result.accepted));
    return result;
  }
  async close(): Promise<void> {}
}

const all = (records: readonly SpoolRecord[]): SinkResult => ({ accepted: records.length });
const refused = (): SinkResult => ({ accepted: 0, error: { error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), retryable: true } });

type Hooks = Omit<DeliveryKit, 'sink'>;

/** The core with the scripted sink on this thread (InThreadDelivery: the same messages as the worker). */
function transport(sink: Sink, over: Partial<Omit<ShippingSettings, 'delivery'>> & Hooks = {}, spool: Partial<ShippingSettings['spool']> = {}): ShippingTransport {
  const { onDeadLetter, onUnidentifiedRejects, ...settings } = over;
  return new ShippingTransport({
    type: 'test',
    name: 'test:sink',
    loggerName: 'svc',
    spool: { dir: tempDir('shipping'), maxBytes: 64 * 1024 * 1024, segmentBytes: 256 * 1024, chunkChars: 16 * 1024, fsyncIntervalMs: 50, shedAt: 0.8, whenFull: 'drop-newest', ...spool },
    batch: { maxRecords: 100, maxChars: 1 << 20 },
    retry: { initialMs: 1, maxMs: 5 },
    closeTimeoutMs: 2_000,
    dropWarnIntervalMs: 60_000,
    delivery: { inThread: { sink, ...(onDeadLetter ? { onDeadLetter } : {}), ...(onUnidentifiedRejects ? { onUnidentifiedRejects } : {}) } },
    ...settings,
  });
}

const line = (i: number, level: LevelName = 'info'): string => `{"level":"${level}","time":"2026-01-01T00:00:00.000Z","pid":1,"hostname":"h","name":"svc","i":${i},"msg":"r"}\n`;
const INFO = LEVELS.info;
const indexes = (records: readonly SpoolRecord[]): number[] => records.map((r) => (JSON.parse(r.line) as { i: number }).i).filter((i) => i !== undefined);
const range = (n: number): number[] => Array.from({ length: n }, (_, k) => k);

/**
 * The heap in use after a full collection, so that the garbage of the
 * records written does not count, only what is kept. (jest runs without
 * --expose-gc; V8 hands out gc() to a new context once the flag is set.)
 */
function heapAfterCollection(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}


describe('backoff', () => {
  it('doubles from initialMs up to maxMs, each pause drawn from the upper half of its step', () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1_000 }, () => 0);
    const high = new Backoff({ initialMs: 100, maxMs: 1_000 }, () => 1);
    expect(range(6).map(() => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    expect(range(6).map(() => high.next())).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    high.reset();
    expect(high.next()).toBe(100);
  });
});

describe('the shipping core', () => {
  it('delivers every record in order and reports it in health', async () => {
    const sink = new ScriptedSink(all);
    const t = transport(sink);
    for (let i = 0; i < 1000; i++) t.write(line(i), INFO);
    await until(() => t.health().delivered === 1000);
    expect(indexes(sink.received)).toEqual(range(1000));
    expect(t.health()).toMatchObject({ ok: true, written: 1000, delivered: 1000, backlogRecords: 0, backlogBytes: 0, dropped: 0, failed: 0, lastError: null });
    expect(t.health().lastSuccessAt).toEqual(expect.any(String));
    await t.close();
  });

  it('keeps records through receiver failures and retries them until they are delivered', async () => {
    const sink = new ScriptedSink((records, call) => (call < 5 ? refused() : all(records)));
    const t = transport(sink);
    for (let i = 0; i < 300; i++) t.write(line(i), INFO);
    await until(() => sink.calls >= 3);
    expect(t.health()).toMatchObject({ ok: false, delivered: 0, backlogRecords: 300, lastError: expect.stringMatching(/ECONNREFUSED/) });
    await until(() => t.health().delivered === 300);
    expect(indexes(sink.received)).toEqual(range(300));
    expect(t.health().ok).toBe(true);
    await t.close();
  });

  it('after a partial acceptance sends the rest again, and only the rest', async () => {
    const sink = new ScriptedSink((records, call) => (call === 0 ? { accepted: 40, error: refused().error! } : all(records)));
    const t = transport(sink);
    for (let i = 0; i < 100; i++) t.write(line(i), INFO);
    await until(() => t.health().delivered === 100);
    expect(indexes(sink.received)).toEqual(range(100));
    await t.close();
  });

  it('records refused for good go to the dead-letter hook and count as failed, not delivered', async () => {
    const dead: SpoolRecord[] = [];
    const sink = new ScriptedSink((records) => ({ accepted: records.length, rejected: [{ index: 3, reason: 'bad row' }] }));
    const t = transport(sink, { onDeadLetter: (records: readonly SpoolRecord[]) => dead.push(...records) });
    for (let i = 0; i < 10; i++) t.write(line(i), INFO);
    await until(() => t.health().backlogRecords === 0 && dead.length === 1);
    expect(indexes(dead)).toEqual([3]);
    expect(t.health()).toMatchObject({ delivered: 9, failed: 1 });
    await t.close();
  });

  it('records refused without saying which count as failed, not delivered, and go to their hook', async () => {
    const told: [number, string][] = [];
    const sink = new ScriptedSink((records) => ({ accepted: records.length, unidentifiedRejects: { count: 2, reason: 'too old' } }));
    const t = transport(sink, { onUnidentifiedRejects: (count: number, reason: string) => told.push([count, reason]) });
    for (let i = 0; i < 10; i++) t.write(line(i), INFO);
    await until(() => t.health().backlogRecords === 0);
    expect(told).toEqual([[2, 'too old']]);
    expect(t.health()).toMatchObject({ delivered: 8, failed: 2 });
    await t.close();
  });

  it('reads batches no larger than the sink says its receiver takes', async () => {
    const sink = new ScriptedSink(all);
    sink.maxBatchChars = 5 * line(0).length; // about 5 records
    const t = transport(sink);
    for (let i = 0; i < 40; i++) t.write(line(i), INFO);
    await until(() => t.health().delivered === 40);
    expect(Math.max(...sink.batchSizes)).toBeLessThanOrEqual(6);
    expect(indexes(sink.received)).toEqual(range(40));
    await t.close();
  });

  it('a batch refused for good (not retryable) is dead-lettered and delivery moves on', async () => {
    const dead: SpoolRecord[] = [];
    const sink = new ScriptedSink((records, call) => (call === 0 ? { accepted: 0, error: { error: new Error('400 bad request'), retryable: false } } : all(records)));
    const t = transport(sink, { onDeadLetter: (records: readonly SpoolRecord[]) => dead.push(...records) });
    for (let i = 0; i < 150; i++) t.write(line(i), INFO);
    await until(() => t.health().backlogRecords === 0);
    expect(indexes(dead)).toEqual(range(100));
    expect(indexes(sink.received)).toEqual(range(150).slice(100));
    await t.close();
  });

  it('with a dead receiver the spool stops at its cap: memory and disk stay bounded, drops are counted and warned about', async () => {
    let up = false;
    const sink = new ScriptedSink((records) => (up ? all(records) : refused()));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const t = transport(sink, {}, { maxBytes: 256 * 1024, segmentBytes: 32 * 1024 });
    const heapBefore = heapAfterCollection();
    for (let i = 0; i < 200_000; i++) t.write(line(i, 'warn'), LEVELS.warn); // ~20 MB of records, never yielding; warn: kept until the cap, not shed
    const heapGrowth = heapAfterCollection() - heapBefore;
    const h = t.health();
    expect(h.backlogBytes).toBeLessThanOrEqual(256 * 1024);
    expect(h.dropped).toBe(200_000 - h.written);
    expect(h.dropped).toBeGreaterThan(190_000);
    expect(h.ok).toBe(false);
    expect(heapGrowth).toBeLessThan(8 * 1024 * 1024);
    expect(h.droppedBy.full).toEqual({ debug: 0, info: 0, warn: h.dropped, error: 0, fatal: 0 });
    const warnings = stderr.mock.calls.map((c) => String(c[0])).filter((s) => s.includes('is at its cap'));
    // Once per interval, not once per record: at the first drop.
    expect(warnings).toEqual([expect.stringContaining('is at its cap of 262144 bytes: new records are dropped until the receiver takes the backlog (1 dropped so far: full 1 (warn 1))')]);
    stderr.mockRestore();
    up = true;
    await until(() => t.health().backlogRecords === 0);
    t.write(line(-1), INFO);
    await until(() => t.health().backlogRecords === 0 && sink.received.some((r) => r.line.includes('"i":-1')));
    const notice = sink.received.find((r) => r.line.includes('"dropped"'));
    expect(JSON.parse(notice?.line ?? '{}')).toEqual({
      level: 'warn', time: expect.any(String), pid: process.pid, hostname: expect.any(String), name: 'svc', transport: 'test:sink',
      dropped: h.dropped, full: { warn: h.dropped }, msg: 'records were dropped from the spool',
    });
    await t.close();
  });

  it('whenFull "drop-oldest": a segment with a batch in flight is deleted once the batch settles; what the receiver took counts as delivered, the rest as dropped, never both', async () => {
    const sink = new HeldSink();
    const dir = tempDir('shipping-oldest');
    const t = transport(sink, {}, { dir, maxBytes: 256 * 1024, segmentBytes: 32 * 1024, shedAt: 1, whenFull: 'drop-oldest' });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      for (let i = 0; i < 500; i++) t.write(line(i, 'warn'), LEVELS.warn);
      await until(() => sink.held !== undefined, 'the first batch is in flight');
      const oldest = join(dir, `${sink.held!.records[0]!.id!.split('.')[0]}.seg`);
      for (let i = 500; i < 20_000; i++) t.write(line(i, 'warn'), LEVELS.warn); // about 8 times the cap: the oldest segments make room
      expect(t.health()).toMatchObject({ written: 20_000, dropped: 0 });
      await until(() => t.health().droppedBy.oldest.warn > 0, 'the segments with nothing in flight are deleted and counted');
      expect(existsSync(oldest)).toBe(true); // the one the batch in flight came from waits for it
      sink.held!.resolve({ accepted: 40, error: refused().error! });
      await until(() => !existsSync(oldest), 'the segment goes once the batch settled');
      sink.up = true;
      await until(() => t.health().backlogRecords === 0 && t.health().delivered === sink.received.length);
      const got = indexes(sink.received);
      expect(got.slice(0, 40)).toEqual(range(40)); // taken by the receiver before its segment was deleted: delivered
      const rest = got.slice(40);
      expect(rest[0]).toBeGreaterThan(500);
      expect(rest).toEqual(range(20_000).slice(rest[0])); // the newest, in order, once each
      const h = t.health();
      expect(h).toMatchObject({ delivered: got.length, dropped: 20_000 - got.length });
      expect(h.droppedBy.oldest).toEqual({ debug: 0, info: 0, warn: 20_000 - got.length, error: 0, fatal: 0 });
    } finally {
      stderr.mockRestore();
      await t.close();
    }
  });

  it('close() waits for delivery; with the receiver down it gives up at closeTimeoutMs and the next process delivers', async () => {
    const down = new ScriptedSink(refused);
    const dir = tempDir('shipping-restart');
    const a = transport(down, { closeTimeoutMs: 200 }, { dir });
    for (let i = 0; i < 500; i++) a.write(line(i), INFO);
    const started = Date.now();
    await a.close();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(a.health().backlogRecords).toBe(500);
    a.write(line(999), INFO);
    expect(a.health().dropped).toBe(1); // after close

    let receiverUp = false;
    const up = new ScriptedSink((records) => (receiverUp ? all(records) : refused()));
    const b = transport(up, {}, { dir });
    await until(() => b.health().backlogRecords === 500); // counted from the spool by the delivery side as it starts
    receiverUp = true;
    await b.close(); // waits until the backlog is delivered
    expect(indexes(up.received)).toEqual(range(500));
  });

  it('after a damaged block is skipped and the rest delivered, health shows no backlog (it showed a phantom 1,000)', async () => {
    const dir = tempDir('shipping-damaged');
    const spool = new Spool({ dir, maxBytes: 1 << 30, segmentBytes: 1 << 30, chunkChars: 16 * 1024 });
    for (let i = 0; i < 1_000; i++) spool.append(line(i));
    spool.close();
    const segment = join(dir, readdirSync(dir).find((f) => f.endsWith('.seg'))!);
    const bytes = readFileSync(segment);
    const second = bytes.indexOf('PLS1', 1);
    bytes[second + HEADER_BYTES + 10] = (bytes[second + HEADER_BYTES + 10]! ^ 0xff); // a payload byte: the block fails its checksum
    writeFileSync(segment, bytes);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const sink = new ScriptedSink(all);
    const t = transport(sink, {}, { dir });
    try {
      await until(() => sink.received.length > 0 && t.health().delivered === sink.received.length && t.health().lastError !== null);
      await until(() => t.health().backlogRecords === 0 && t.health().backlogBytes === 0); // a phantom backlog never gets here
      const delivered = indexes(sink.received);
      expect(delivered.length).toBeLessThan(1_000); // the damaged block's records are gone
      expect(t.health()).toMatchObject({ backlogRecords: 0, backlogBytes: 0, delivered: delivered.length, lastError: expect.stringMatching(/ESPOOLDAMAGED/) });
    } finally {
      stderr.mockRestore();
      await t.close();
    }
  });

  it('a spool directory that cannot be used fails at startup, naming spool.dir', () => {
    expect(() => transport(new ScriptedSink(all), {}, { dir: '/dev/null/spool' })).toThrow(/spool\.dir: "\/dev\/null\/spool" cannot be used/);
  });
});

describe('the batch interval', () => {
  afterEach(() => jest.useRealTimers());

  /** Lets the spool's write-out (a setImmediate) and the delivery loop's promises run. */
  async function turns(): Promise<void> {
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  function paced(sink: ScriptedSink): ShippingTransport {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    return transport(sink, { batch: { maxRecords: 10, maxChars: 1 << 20, intervalMs: 1_000 } });
  }

  it('holds a batch that is not full until intervalMs after the previous send; the records logged meanwhile join it', async () => {
    const sink = new ScriptedSink(all);
    const t = paced(sink);
    t.write(line(0), INFO);
    await turns();
    expect(sink.calls).toBe(1); // the first batch has no previous send to wait for

    t.write(line(1), INFO);
    await turns();
    await jest.advanceTimersByTimeAsync(500);
    t.write(line(2), INFO);
    await jest.advanceTimersByTimeAsync(499);
    await turns();
    expect(sink.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    await turns();
    expect(sink.calls).toBe(2);
    expect(indexes(sink.received)).toEqual([0, 1, 2]);
    await t.close();
  });

  it('sends a batch as soon as the backlog fills it, without waiting out the interval', async () => {
    const sink = new ScriptedSink(all);
    const t = paced(sink);
    t.write(line(0), INFO);
    await turns();
    for (let i = 1; i <= 4; i++) t.write(line(i), INFO);
    await turns();
    expect(sink.calls).toBe(1);
    for (let i = 5; i <= 10; i++) t.write(line(i), INFO); // 10 waiting: a full batch
    await turns();
    expect(sink.calls).toBe(2);
    expect(indexes(sink.received)).toEqual(range(11));
    await t.close();
  });

  it('a retry pause past setTimeout\'s limit waits (capped), instead of firing at once in a tight loop', async () => {
    const sink = new ScriptedSink(() => ({ accepted: 0, error: { error: new Error('503'), retryable: true, retryAfterMs: 1e13 } }));
    const t = paced(sink);
    const warnings: Error[] = [];
    const onWarning = (w: Error): number => warnings.push(w);
    process.on('warning', onWarning);
    try {
      t.write(line(0), INFO);
      await turns();
      await jest.advanceTimersByTimeAsync(60_000);
      await turns();
      expect(sink.calls).toBe(1);
      expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
    }
    jest.useRealTimers(); // close() waits closeTimeoutMs for a receiver that never takes the batch
    await t.close();
  });

  it('a sink that settles a batch per append costs the service\'s thread one progress message per 50 ms, not one per batch', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const sink = new ScriptedSink(all);
    const t = transport(sink, { batch: { maxRecords: 10, maxChars: 1 << 20 } });
    const seen: string[] = [];
    const receive = (t as unknown as { receive(m: { type: string }): void }).receive.bind(t);
    (t as unknown as { receive(m: { type: string }): void }).receive = (m) => {
      seen.push(m.type);
      receive(m);
    };
    await turns(); // the start-up progress (nothing on disk) comes before the records
    seen.length = 0;
    for (let i = 0; i < 30; i++) {
      t.write(line(i), INFO);
      await turns();
    }
    expect(sink.calls).toBe(30); // each append its own batch
    expect(seen.filter((type) => type === 'progress')).toHaveLength(0);
    expect(seen.filter((type) => type === 'busy' || type === 'idle')).toEqual(['busy']);
    await jest.advanceTimersByTimeAsync(50);
    await turns();
    expect(seen.filter((type) => type !== 'busy')).toEqual(['progress', 'idle']);
    expect(t.health()).toMatchObject({ delivered: 30, backlogRecords: 0 });
    await t.close();
  });

  it('close() sends what waits for the interval at once', async () => {
    const sink = new ScriptedSink(all);
    const t = paced(sink);
    t.write(line(0), INFO);
    await turns();
    t.write(line(1), INFO);
    t.write(line(2), INFO);
    await turns();
    expect(sink.calls).toBe(1);
    await t.close(); // with the clock frozen, this returns only if close does not wait out the interval
    expect(indexes(sink.received)).toEqual([0, 1, 2]);
  });
});
