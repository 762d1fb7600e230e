import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, type Logger } from '../../src';
import type { SpoolReport } from '../../src/cli/spoolCommand';
import { MemoryTransport } from '../../src/testing';
import { SpoolCursor } from '../../transports/shipping/SpoolCursor';
import { closedPort, HttpReceiver } from '../support/http-receiver';
import { REPO } from '../support/paths';
import { BIN } from '../support/prodlog-cli';
import { tempDir } from '../support/run-fixture';
import { until } from '../support/until';

const REPLAY = join(REPO, 'examples', 'replay-spool.js');
/** Enough records for several spool blocks (~64 KiB each). */
const RECORDS = 2_500;

function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'spool', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function report(dir: string): SpoolReport {
  const r = cli([dir, '--json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as SpoolReport;
}

/** Every file of the spool folder with its size, mtime and content hash: what "read-only" must leave as it was. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    out[name] = `${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
  }
  return out;
}

function segmentBytes(dir: string): number {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.seg'))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

interface ShippingLogger {
  readonly log: Logger;
  readonly memory: MemoryTransport;
  readonly dir: string;
}

/** A logger shipping ndjson to `url` through a spool in a fresh folder, and keeping a copy of each record in memory. */
function shippingLogger(url: string, extra: Record<string, unknown> = {}): ShippingLogger {
  const dir = join(tempDir('cli-spool'), 'spool');
  const memory = new MemoryTransport();
  const log = createLogger({
    name: 'spool-cli',
    capture: false,
    shutdown: false,
    warnings: false,
    closeTimeout: '1s',
    transports: [
      { type: 'custom', transport: memory },
      { type: 'http', url, format: 'ndjson', spool: { dir }, closeTimeout: '0s', batch: { interval: '0s' }, retry: { initial: '50ms', max: '200ms' }, ...extra },
    ],
  });
  return { log, memory, dir };
}

async function logRecords(log: Logger, count: number): Promise<void> {
  for (let i = 0; i < count; i++) log.info('order placed', { orderId: `o-${i}`, padding: 'x'.repeat(40) });
  await log.flush();
}


describe('prodlog spool <dir> on a spool whose receiver is unreachable', () => {
  let shipping: ShippingLogger;

  beforeAll(async () => {
    shipping = shippingLogger(`http://127.0.0.1:${await closedPort()}/ingest`);
    await logRecords(shipping.log, RECORDS);
  });

  afterAll(() => shipping.log.close());

  it('reports every record, the bytes on disk and the oldest record time', () => {
    const r = report(shipping.dir);
    expect(r.backlogRecords).toBe(RECORDS);
    expect(r.backlogBytes).toBe(segmentBytes(shipping.dir));
    expect(r.oldestRecordTime).toBe(shipping.memory.records[0]?.time);
    expect(r.damagedBytes).toBe(0);
    expect(r.deadLetters).toMatchObject({ exists: false, records: 0, path: `${shipping.dir}.dead-letter.ndjson` });
  });

  it('names the running process that holds the spool', () => {
    expect(report(shipping.dir).lock).toEqual({ pid: process.pid, running: true });
  });

  it('prints the same in plain words', () => {
    const r = cli([shipping.dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`\nbacklog: ${RECORDS} records, ${segmentBytes(shipping.dir)} bytes in 1 segment\n`);
    expect(r.stdout).toContain(`\noldest record: ${String(shipping.memory.records[0]?.time)}\n`);
    expect(r.stdout).toContain(`\nlock: pid ${process.pid} (running)\n`);
    expect(r.stdout).toContain('\ndead letters: none');
  });

  it('is read-only: takes no lock and changes no file of a spool in use', () => {
    const before = snapshot(shipping.dir);
    expect(Object.keys(before)).toContain('lock');
    cli([shipping.dir]);
    cli([shipping.dir, '--json']);
    expect(snapshot(shipping.dir)).toEqual(before);
  });
});

describe('prodlog spool after part of the backlog was delivered', () => {
  it('counts from the saved delivery position, inside a block', async () => {
    const receiver = await HttpReceiver.start();
    // The receiver takes the first batch of 100 records and then answers 503 to everything.
    receiver.responder = () => (receiver.requests.length === 1 ? { status: 200 } : { status: 503 });
    const { log, memory, dir } = shippingLogger(`${receiver.url}/ingest`, { batch: { maxRecords: 100, interval: '0s' } });
    try {
      await logRecords(log, RECORDS);
      // The service saves its delivery position at its next fsync round, a moment after the delivery.
      await until(() => new SpoolCursor(dir).read()?.skip === 100, 'the position after the first batch is saved');
      const r = report(dir);
      expect(r.backlogRecords).toBe(RECORDS - 100);
      expect(r.oldestRecordTime).toBe(memory.records[100]?.time);
      expect(r.position).toMatchObject({ skip: 100 });
    } finally {
      await log.close();
      await receiver.close();
    }
  });
});

describe('prodlog spool with dead letters', () => {
  it('counts the records the receiver refused for good, by reason', async () => {
    const receiver = await HttpReceiver.start(() => ({ status: 400, body: 'bad row' }));
    const { log, dir } = shippingLogger(`${receiver.url}/ingest`);
    try {
      await logRecords(log, 30);
      await until(() => log.health().transports[1]?.failed === 30, 'the records are refused');
      await until(() => (new SpoolCursor(dir).read()?.offset ?? 0) > 0, 'the position past them is saved');
      const r = report(dir);
      expect(r.backlogRecords).toBe(0);
      expect(r.deadLetters).toMatchObject({ exists: true, records: 30, reasons: [{ reason: expect.stringContaining('HTTP 400') as unknown, records: 30 }] });
      expect(cli([dir]).stdout).toContain(`\ndead letters: 30 records in ${dir}.dead-letter.ndjson, the last at `);
    } finally {
      await log.close();
      await receiver.close();
    }
  });

  it('reads a dead-letter file named with --dead-letter', async () => {
    const dir = tempDir('cli-spool-dl');
    const file = join(dir, 'refused.ndjson');
    writeFileSync(
      file,
      '{"deadAt":"2026-11-26T07:00:00.000Z","reason":"HTTP 413","id":"a.1","record":{}}\n' +
        '{"deadAt":"2026-11-26T07:00:01.000Z","reason":"OTLP partial success","unidentifiedRecords":4}\n',
    );
    const r = JSON.parse(cli([dir, '--dead-letter', file, '--json']).stdout) as SpoolReport;
    expect(r.deadLetters).toEqual({
      path: file,
      exists: true,
      records: 5,
      lastAt: '2026-11-26T07:00:01.000Z',
      reasons: [
        { reason: 'OTLP partial success', records: 4 },
        { reason: 'HTTP 413', records: 1 },
      ],
    });
  });
});

describe('prodlog spool on a damaged spool', () => {
  it('skips a block that fails its checksum and counts its bytes', async () => {
    const { log, dir } = shippingLogger(`http://127.0.0.1:${await closedPort()}/ingest`);
    await logRecords(log, RECORDS);
    await log.close();
    const segment = join(dir, readdirSync(dir).find((f) => f.endsWith('.seg')) as string);
    const bytes = readFileSync(segment);
    const firstBlock = { bytes: 20 + bytes.readUInt32LE(4), records: bytes.readUInt32LE(8) };
    bytes[100] = (bytes[100] as number) ^ 0xff; // inside the first block's payload
    writeFileSync(segment, bytes);
    const r = report(dir);
    expect(r.damagedBytes).toBe(firstBlock.bytes);
    expect(r.backlogRecords).toBe(RECORDS - firstBlock.records);
    expect(r.lock).toBeNull();
  });
});

describe('prodlog spool arguments', () => {
  it('prints its usage without a directory', () => {
    const r = cli([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: prodlog spool <dir>');
  });

  it('fails naming a folder that does not exist', () => {
    const r = cli(['/nonexistent/spool']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('prodlog spool: /nonexistent/spool is not a directory\n');
  });
});

describe('replaying a spool (docs/service.md, examples/replay-spool.js)', () => {
  function replay(dir: string, transport: object): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [REPLAY, dir, JSON.stringify(transport), '--timeout-ms', '20000'], { cwd: REPO });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  }

  it('is refused while the service still holds the spool', async () => {
    const { log, dir } = shippingLogger(`http://127.0.0.1:${await closedPort()}/ingest`);
    try {
      await logRecords(log, 10);
      const r = await replay(dir, { type: 'http', url: 'http://127.0.0.1:9/ingest', format: 'ndjson' });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`is in use by process ${process.pid}`);
    } finally {
      await log.close();
    }
  });

  it('delivers every record of a spool left behind, with its original id, and empties it', async () => {
    const { log, dir } = shippingLogger(`http://127.0.0.1:${await closedPort()}/ingest`);
    await logRecords(log, RECORDS);
    await log.close();
    const receiver = await HttpReceiver.start();
    try {
      const r = await replay(dir, { type: 'http', url: `${receiver.url}/ingest`, format: 'ndjson' });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`replayed ${RECORDS} records from ${dir}`);
      const received = receiver.requests.flatMap((q) => q.body.split('\n').filter((l) => l !== '')).map((l) => JSON.parse(l) as { orderId: string; logId: string });
      expect(received.map((x) => x.orderId)).toEqual(Array.from({ length: RECORDS }, (_, i) => `o-${i}`));
      expect(new Set(received.map((x) => x.logId)).size).toBe(RECORDS);
      expect(report(dir)).toMatchObject({ backlogRecords: 0, backlogBytes: 0, lock: null });
    } finally {
      await receiver.close();
    }
  });
});
