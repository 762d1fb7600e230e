import { join } from 'node:path';
import { createLogger, metricsText, type LevelName, type Logger } from '../../src';
import type { TransportHealth } from '../../src/core/transport';
import { HEADER_BYTES } from '../../transports/shipping/SpoolFormat';
import { closedPort, HttpReceiver } from '../support/http-receiver';
import { tempDir } from '../support/run-fixture';

/**
 * The spool past spool.shedAt and at spool.maxBytes, with a dead receiver (a
 * closed port) and then a real one on that port: what is dropped, how it is
 * counted (health, /metrics, the warn records in the spool), and that the
 * delivery afterwards is exactly what was kept, in order, once each.
 */

const CAP = 256 * 1024;
const LEVELS_CYCLE: readonly LevelName[] = ['debug', 'info', 'warn', 'error'];
/** A message per level so that every line has the same length: which line fits is then a matter of the spool alone. */
const MSG: Readonly<Record<string, string>> = { debug: 'r', info: 'rr', warn: 'rr', error: 'r' };

let stderr: jest.SpyInstance;
const loggers: Logger[] = [];
const receivers: HttpReceiver[] = [];
beforeEach(() => (stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)));
afterEach(async () => {
  for (const log of loggers.splice(0)) await log.close();
  for (const r of receivers.splice(0)) await r.close();
  stderr.mockRestore();
});

function shipper(port: number, spool: Record<string, unknown>): Logger {
  const log = createLogger({
    name: 'svc',
    level: 'debug',
    capture: false,
    shutdown: false,
    warnings: false,
    transports: [
      {
        type: 'http',
        url: `http://127.0.0.1:${port}/ingest`,
        format: 'ndjson',
        spool: { dir: join(tempDir('shedding'), 'spool'), maxBytes: '256K', ...spool },
        batch: { interval: '0s' },
        retry: { initial: '10ms', max: '50ms' },
      },
    ],
  });
  loggers.push(log);
  return log;
}

const health = (log: Logger): TransportHealth => log.health().transports[0]!;

interface Written {
  readonly id: string;
  readonly level: LevelName;
  /** Taken into the spool; false: dropped as it was written (shed or at the cap). */
  readonly kept: boolean;
  /** The backlog in bytes just before it was written. */
  readonly backlogBefore: number;
}

/** Logs `n` records cycling through debug, info, warn and error, and notes what became of each. */
function logRecords(log: Logger, n: number, from = 0): Written[] {
  const out: Written[] = [];
  for (let k = from; k < from + n; k++) {
    const level = LEVELS_CYCLE[k % LEVELS_CYCLE.length]!;
    const before = health(log);
    const id = String(k).padStart(6, '0');
    log[level](MSG[level]!, { id, pad: 'x'.repeat(150) });
    out.push({ id, level, kept: health(log).dropped === before.dropped, backlogBefore: before.backlogBytes! });
  }
  return out;
}

/** Records by level, every level present. */
function byLevel(records: readonly { level: string }[]): Record<LevelName, number> {
  const out: Record<LevelName, number> = { debug: 0, info: 0, warn: 0, error: 0, fatal: 0 };
  for (const r of records) out[r.level as LevelName]++;
  return out;
}

/** Every line the receiver got, parsed, in order. */
function received(receiver: HttpReceiver): Record<string, unknown>[] {
  return receiver.requests.flatMap((r) => r.body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
}

const NOTICE = 'records were dropped from the spool';

/** The value of one sample of the /metrics text. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The /metrics samples of prodlog_spool_dropped_total for one reason, by level. */
function droppedSamples(log: Logger, reason: string): Record<LevelName, number | undefined> {
  const text = metricsText({ log });
  const name = health(log).name;
  const out = {} as Record<LevelName, number | undefined>;
  for (const level of ['debug', 'info', 'warn', 'error', 'fatal'] as const) {
    out[level] = sample(text, `prodlog_spool_dropped_total{logger="svc",transport="${name}",reason="${reason}",level="${level}"}`);
  }
  return out;
}

/** Adds up the per-level counts the notices carry under `reason`. */
function noticed(notices: readonly Record<string, unknown>[], reason: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of notices) for (const [level, v] of Object.entries((n[reason] ?? {}) as Record<string, number>)) out[level] = (out[level] ?? 0) + v;
  return out;
}

const nonZero = (counts: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(counts).filter(([, v]) => v > 0));

describe('shedding with a dead receiver until the cap', () => {
  it('past shedAt debug and info are dropped and counted by level, warn and error are kept until the cap; the delivery afterwards is exactly what was kept', async () => {
    const port = await closedPort();
    const log = shipper(port, {}); // shedAt 0.8 and whenFull "drop-newest": the defaults
    const written = logRecords(log, 2_400); // about 2.5 times the cap
    const h = health(log);
    const shedBytes = Math.floor(CAP * 0.8);

    // The length of one record in the spool: the backlog grows by it per record kept (and by a block header when a block is appended).
    const growth = written.slice(1).flatMap((w, k) => (written[k]!.kept ? [w.backlogBefore - written[k]!.backlogBefore] : []));
    const len = Math.min(...growth.filter((g) => g > 0));
    const fits = (w: Written, limit: number): boolean => w.backlogBefore + HEADER_BYTES + len <= limit;

    // Debug and info: kept while they fit under shedAt, shed from the first that does not, never kept again.
    const low = written.filter((w) => w.level === 'debug' || w.level === 'info');
    const firstShed = low.findIndex((w) => !w.kept);
    expect(firstShed).toBeGreaterThan(0);
    expect(low.slice(0, firstShed).every((w) => w.kept && fits(w, shedBytes))).toBe(true);
    expect(low.slice(firstShed).every((w) => !w.kept && !fits(w, shedBytes))).toBe(true);

    // Warn and error: kept past shedAt until the cap, then dropped (the newest).
    const high = written.filter((w) => w.level === 'warn' || w.level === 'error');
    const firstFull = high.findIndex((w) => !w.kept);
    expect(firstFull).toBeGreaterThan(0);
    expect(high.slice(0, firstFull).every((w) => w.kept && fits(w, CAP))).toBe(true);
    expect(high.slice(firstFull).every((w) => !w.kept && !fits(w, CAP))).toBe(true);
    const keptPastShedAt = high.filter((w) => w.kept && w.id > low[firstShed]!.id);
    expect(keptPastShedAt.length).toBeGreaterThan(100);
    expect(h.backlogBytes).toBeLessThanOrEqual(CAP);

    // Counted by reason and level: in health, in /metrics, and in the one stderr warning.
    const shed = written.filter((w) => !w.kept && (w.level === 'debug' || w.level === 'info'));
    const full = written.filter((w) => !w.kept && (w.level === 'warn' || w.level === 'error'));
    const none = { debug: 0, info: 0, warn: 0, error: 0, fatal: 0 };
    expect(h.droppedBy).toEqual({ shed: byLevel(shed), full: byLevel(full), oldest: none, closed: none });
    expect(h).toMatchObject({ ok: false, written: written.filter((w) => w.kept).length, dropped: shed.length + full.length });
    expect(droppedSamples(log, 'shed')).toEqual(byLevel(shed));
    expect(droppedSamples(log, 'full')).toEqual(byLevel(full));
    expect(droppedSamples(log, 'oldest')).toEqual(none);
    expect(sample(metricsText({ log }), `prodlog_transport_dropped_total{logger="svc",transport="${h.name}"}`)).toBe(shed.length + full.length);
    const warnings = stderr.mock.calls.map((c) => String(c[0])).filter((s) => s.includes('dropped so far'));
    expect(warnings[0]).toContain('is past spool.shedAt (0.8 of its cap of 262144 bytes): debug and info records are dropped until the receiver takes the backlog (1 dropped so far: shed 1 (');

    // The receiver comes up on the port: what was kept arrives, in order, once each.
    const receiver = await HttpReceiver.start(undefined, port);
    receivers.push(receiver);
    const report = await log.flush({ delivered: true, timeoutMs: 30_000 });
    expect(report.complete).toBe(true);
    await log.close(); // the drops not yet told get their warn record, delivered before the spool closes
    const lines = received(receiver);
    const ids = lines.flatMap((r) => (typeof r['id'] === 'string' ? [r['id']] : []));
    expect(ids).toEqual(written.filter((w) => w.kept).map((w) => w.id));
    // A warn record tells of the drops before the first record kept after them, and at close the rest.
    const notices = lines.filter((r) => r['msg'] === NOTICE);
    const firstNotice = lines.findIndex((r) => r['msg'] === NOTICE);
    const nextKept = written.find((w) => w.kept && w.id > low[firstShed]!.id)!;
    const before = written.filter((w) => !w.kept && w.id < nextKept.id);
    expect(lines[firstNotice]).toEqual({
      level: 'warn', time: expect.any(String), pid: process.pid, hostname: expect.any(String), name: 'svc', transport: h.name,
      dropped: before.length, shed: nonZero(byLevel(before)), msg: NOTICE, logId: expect.any(String),
    });
    expect(lines[firstNotice + 1]?.['id']).toBe(nextKept.id);
    expect(notices.reduce((n, r) => n + (r['dropped'] as number), 0)).toBe(shed.length + full.length);
    expect(noticed(notices, 'shed')).toEqual(nonZero(byLevel(shed)));
    expect(noticed(notices, 'full')).toEqual(nonZero(byLevel(full)));
  });
});

describe('whenFull: "drop-oldest"', () => {
  it('at the cap the oldest undelivered segment makes room: the newest error survives, the records removed are counted by level, and the rest is delivered in order', async () => {
    const port = await closedPort();
    const log = shipper(port, { shedAt: 1, whenFull: 'drop-oldest' }); // no shedding: every level goes in until the cap
    const written = logRecords(log, 4_000); // about 4 times the cap, in one go
    log.error('the newest error', { id: 'last', pad: '' });
    const h = health(log);
    expect(h.dropped).toBe(0); // nothing refused as it was written: room was made for each record
    expect(written.every((w) => w.kept)).toBe(true);
    expect(h.written).toBe(4_001);
    expect(h.backlogBytes).toBeLessThanOrEqual(CAP);

    const receiver = await HttpReceiver.start(undefined, port);
    receivers.push(receiver);
    const report = await log.flush({ delivered: true, timeoutMs: 30_000 });
    expect(report.complete).toBe(true);
    const delivered = received(receiver).flatMap((r) => (typeof r['id'] === 'string' ? [r['id']] : []));
    // What survived is the newest part, in order, once each; the last error with it.
    const all = [...written.map((w) => w.id), 'last'];
    const from = all.indexOf(delivered[0]!);
    expect(delivered).toEqual(all.slice(from));
    expect(delivered.at(-1)).toBe('last');
    expect(from).toBeGreaterThan(2_000);
    // The removed ones are counted by level, exactly: in health, in dropped, in /metrics.
    const removed = written.slice(0, from);
    const after = health(log);
    expect(after.droppedBy!.oldest).toEqual(byLevel(removed));
    expect(after).toMatchObject({ dropped: removed.length, delivered: 4_001 - removed.length, backlogRecords: 0 });
    expect(droppedSamples(log, 'oldest')).toEqual(byLevel(removed));
    const warnings = stderr.mock.calls.map((c) => String(c[0])).filter((s) => s.includes('dropped so far'));
    expect(warnings[0]).toMatch(/is at its cap of 262144 bytes: the oldest undelivered records are dropped to make room until the receiver takes the backlog \(\d+ dropped so far: oldest \d+ \(debug \d+, info \d+, warn \d+, error \d+\)\)/);

    // At close, a warn record tells of them.
    receiver.requests.length = 0;
    await log.close();
    const [notice] = received(receiver).filter((r) => r['msg'] === NOTICE);
    expect(notice).toMatchObject({ level: 'warn', dropped: removed.length, oldest: nonZero(byLevel(removed)) });
  });
});
